/** Words the UI uses for API values. */
import type { ProfileKind } from '../../../shared/accounts'
import type { AuditOutcome } from '../../../shared/activity'
import type { IdentityType } from '../../../shared/connect-rules'

export const identityTypeNames: Record<IdentityType, string> = {
  CONNECT_MANAGED: 'Connect-managed users',
  SAML: 'SAML',
  EXISTING_DIRECTORY: 'Existing directory'
}

export const kindNames: Record<ProfileKind, string> = {
  static: 'keys',
  'assume-role': 'role',
  mfa: 'MFA',
  sso: 'SSO',
  'credential-process': 'process',
  'web-identity': 'web identity',
  login: 'login',
  sandbox: 'sandbox'
}

/** How the Activity filter names each audit outcome. */
export const auditOutcomeNames: Record<AuditOutcome, string> = {
  created: 'Created',
  refused: 'Refused (nothing sent)',
  failed: 'Failed',
  unknown: 'Outcome unknown (may exist)',
  deleted: 'Deleted (batch undone)',
  started: 'Started'
}

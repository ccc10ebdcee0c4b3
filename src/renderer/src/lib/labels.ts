/** Words the UI uses for API values. */
import type { ProfileKind, ProfileSummary } from '../../../shared/accounts'
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
  unknown: 'Unknown (may exist)',
  deleted: 'Deleted (undone)',
  started: 'No outcome logged'
}

/** How a profile is named on screen: a Sandbox account by its account name, marked as the Sandbox. */
export function profileDisplay(
  profile: ProfileSummary | undefined,
  fallback = ''
): {
  name: string
  sandbox: boolean
} {
  if (!profile) return { name: fallback, sandbox: fallback.startsWith('sandbox:') }
  if (profile.source !== 'sandbox') return { name: profile.label, sandbox: false }
  const name = /^Sandbox — (.*?)(?: \(local, no AWS\))?$/.exec(profile.label)?.[1] ?? profile.label
  return { name, sandbox: true }
}

/** The form's label for each CreateUser field a problem can name (the rules table speaks API paths). */
export const createFieldLabels: Record<string, string> = {
  Username: 'Username',
  Password: 'Password',
  'IdentityInfo.FirstName': 'First name',
  'IdentityInfo.LastName': 'Last name',
  'IdentityInfo.Email': 'E-mail',
  'IdentityInfo.SecondaryEmail': 'Secondary e-mail',
  'IdentityInfo.Mobile': 'Mobile',
  DirectoryUserId: 'Directory user ID',
  PhoneNumber: 'Desk phone number',
  Tags: 'Tags',
  SecurityProfileIds: 'Security profiles (template)',
  PhoneConfig: 'Phone settings (template)',
  'template.routingProfile': 'Routing profile (template)',
  'template.securityProfiles': 'Security profiles (template)',
  'template.hierarchyGroup': 'Hierarchy group'
}

/** The label of a CreateUser field, for a problem that names it. */
export function createFieldLabel(field: string): string {
  return createFieldLabels[field] ?? (field.startsWith('template.') ? `${field.slice(9)} (template)` : field)
}

/**
 * What went wrong with an IAM Identity Center call, said as what to do: denied in the browser, a code
 * that expired, a session that ended, a wrong Region or start URL, Identity Center unreachable (through
 * the proxy, or not at all), no account or role granted. Messages never quote a token or a secret:
 * anything shaped like one is cut out before a message leaves here.
 */
import { AppError } from '../../../shared/result'
import type { SsoFailure } from '../../../shared/sso'
import { explainNetworkError } from '../network'

export type { SsoFailure }

/** An AppError with the reason behind it. */
export class SsoError extends AppError {
  constructor(
    readonly reason: SsoFailure,
    error: AppError
  ) {
    super(error.code, redactSecrets(error.message), error.details as never)
  }
}

/** Where the failed call went. */
export interface SsoScope {
  /** The session as the admin knows it (`my-sso`, or the start URL of a legacy profile). */
  session: string
  region: string
  startUrl: string
  /** Proxies the call may have gone through. */
  proxies: string[]
  /** The command that signs in again (also the CLI's). */
  signInCommand: string
  /** The host the call went to, for network messages. */
  host?: string
}

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number; requestId?: string }
  error_description?: string
}

/** Cuts out anything shaped like a token or a secret: a run of 48 or more base64/base64url characters. */
export function redactSecrets(text: string): string {
  return text.replace(/[A-Za-z0-9+_=-]{48,}/g, '[redacted]')
}

const signInAgain = (scope: SsoScope): string => `Sign in again (${scope.signInCommand}).`

/** The SsoError for a failed Identity Center call. */
export function explainSsoError(error: unknown, scope: SsoScope): SsoError {
  if (error instanceof SsoError) return error
  if (error instanceof AppError) return new SsoError('failed', error)
  const network = explainNetworkError(error, scope.proxies)
  if (network) {
    const where = scope.host ?? 'IAM Identity Center'
    const viaProxy = scope.proxies.length
      ? ` through the proxy ${scope.proxies.map((p) => (URL.canParse(p) ? new URL(p).host : p)).join(', ')} (it must let ${where} through)`
      : ''
    const notFound = (network.details as { code?: string } | undefined)?.code === 'ENOTFOUND'
    const region = notFound
      ? ` Check the Region: sso_region = ${scope.region} must be the Region of your Identity Center (its settings page shows it).`
      : ''
    return new SsoError(
      'network',
      new AppError(
        network.code,
        `Cannot reach IAM Identity Center for session "${scope.session}" at ${where}${viaProxy}: ${network.message}${region}`,
        network.details as never
      )
    )
  }
  const e = (error instanceof Error ? error : new Error(String(error))) as AwsError
  const aws = (message: string, reason: SsoFailure = 'failed'): SsoError =>
    new SsoError(
      reason,
      new AppError('AWS', message, {
        awsCode: e.name,
        ...(e.$metadata?.httpStatusCode ? { httpStatus: e.$metadata.httpStatusCode } : {}),
        ...(e.$metadata?.requestId ? { requestId: e.$metadata.requestId } : {})
      })
    )
  const credentials = (reason: SsoFailure, message: string): SsoError =>
    new SsoError(reason, new AppError('CREDENTIALS', message, { command: scope.signInCommand }))
  switch (e.name) {
    case 'AccessDeniedException':
      return credentials(
        'denied',
        `Access was denied in the browser for IAM Identity Center session "${scope.session}". Sign in again and choose Allow, or ask your administrator for access.`
      )
    case 'ExpiredTokenException':
      return credentials(
        'expired',
        `The sign-in code for session "${scope.session}" expired before it was approved. Start the sign-in again and approve it within 10 minutes.`
      )
    case 'InvalidGrantException':
    case 'UnauthorizedException':
      return credentials(
        'session-ended',
        `The IAM Identity Center session "${scope.session}" has expired or was signed out. ${signInAgain(scope)}`
      )
    case 'InvalidClientException':
      return credentials(
        'session-ended',
        `IAM Identity Center no longer accepts this app's registration for session "${scope.session}". ${signInAgain(scope)}`
      )
    case 'InvalidRequestRegionException':
    case 'InvalidRequestException':
      return aws(
        `IAM Identity Center refused the sign-in for session "${scope.session}" (${e.name}: ${e.error_description ?? e.message}). Check sso_start_url = ${scope.startUrl} and sso_region = ${scope.region}: the Region must be the one your Identity Center lives in.`,
        'config'
      )
    case 'InvalidScopeException':
    case 'UnauthorizedClientException':
    case 'UnsupportedGrantTypeException':
    case 'InvalidClientMetadataException':
    case 'InvalidRedirectUriException':
      return aws(
        `IAM Identity Center refused the sign-in for session "${scope.session}" (${e.name}): check sso_registration_scopes (sso:account:access).`,
        'config'
      )
    case 'ForbiddenException':
      return aws(
        `IAM Identity Center does not grant you this role (${e.message}): pick another account or role, or ask your administrator for the permission set.`,
        'no-access'
      )
    case 'TooManyRequestsException':
      return aws(`IAM Identity Center is throttling requests: try again in a minute.`)
  }
  if (e.$metadata) return aws(`IAM Identity Center answered ${e.name}: ${e.message}`)
  return new SsoError(
    'failed',
    new AppError(
      'INTERNAL',
      `Unexpected failure talking to IAM Identity Center for session "${scope.session}": ${e.message}`
    )
  )
}

/**
 * Turns any failure of an AWS call into an AppError that says what happened and what to do: network
 * (certificate, proxy, unreachable) first, then credentials, then AWS's own error codes from one table.
 */
import { AppError } from '../../../shared/result'
import { explainNetworkError } from '../network'

/** Where the failed call went, for the message. */
export interface CallScope {
  profile: string
  region: string
  /** Proxies the call may have gone through (a refused connection to one of them is the proxy's fault). */
  proxies: string[]
  /** For an SSO profile: the command that starts a new session. */
  signInCommand?: string
}

interface AwsError extends Error {
  $metadata?: { httpStatusCode?: number; requestId?: string }
}

type Explain = (scope: CallScope, error: AwsError) => string

const badKey: Explain = ({ profile }) =>
  `The access key of profile "${profile}" is not valid for AWS (deleted, deactivated or mistyped).`
const badSecret: Explain = ({ profile }) =>
  `The secret key of profile "${profile}" does not match its access key.`
const expired: Explain = ({ profile }) =>
  `The session of profile "${profile}" has expired: refresh its credentials and try again.`
const denied: Explain = ({ profile }, e) => `Profile "${profile}" is not allowed to do this: ${e.message}`

/** AWS error codes (Connect's and STS's spellings) and what they mean for the admin. */
const awsMessages: Record<string, Explain> = {
  UnrecognizedClientException: badKey,
  InvalidClientTokenId: badKey,
  InvalidSignatureException: badSecret,
  SignatureDoesNotMatch: badSecret,
  ExpiredTokenException: expired,
  ExpiredToken: expired,
  AccessDeniedException: denied,
  AccessDenied: denied,
  ThrottlingException: ({ region }) =>
    `AWS is throttling this account in ${region} (2 requests per second by default) and the retries ran out: try again in a minute.`,
  LimitExceededException: (_, e) =>
    `The instance has reached its users quota (500 users by default): raise it in Service Quotas, or remove unused users. ${e.message}`,
  DuplicateResourceException: (_, e) =>
    `A user with this username already exists in the instance. ${e.message}`
}

/** STS's answer to a wrong or reused MFA code (AccessDenied, "MultiFactorAuthentication failed …"). */
const mfaRejection = /MultiFactorAuthentication failed|invalid MFA one time pass code/i

const credentialErrors = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError'])

/** The AppError for a failed AWS call. */
export function explainAwsError(error: unknown, scope: CallScope): AppError {
  if (error instanceof AppError) return error
  const network = explainNetworkError(error, scope.proxies)
  if (network) return network
  const e = (error instanceof Error ? error : new Error(String(error))) as AwsError
  if (credentialErrors.has(e.name)) {
    if (scope.signInCommand) {
      return new AppError(
        'CREDENTIALS',
        `The SSO session of profile "${scope.profile}" has expired or was never started. Run: ${scope.signInCommand}`,
        { command: scope.signInCommand }
      )
    }
    return new AppError('CREDENTIALS', `Profile "${scope.profile}" cannot give credentials: ${e.message}`)
  }
  if (e.$metadata) {
    const explain = awsMessages[e.name]
    const status = e.$metadata.httpStatusCode ?? 0
    const mfaRejected = mfaRejection.test(e.message)
    const text = mfaRejected
      ? `That MFA code was not accepted for profile "${scope.profile}" (AWS: ${e.message}) Codes change every 30 seconds and each works once: try the next one.`
      : explain
        ? explain(scope, e)
        : status >= 500
          ? `AWS had a server error (${e.name}, HTTP ${status}) and the retries ran out: try again in a few minutes. ${e.message}`
          : `${e.name}: ${e.message}`
    return new AppError('AWS', text, {
      awsCode: e.name,
      ...(e.$metadata.httpStatusCode ? { httpStatus: e.$metadata.httpStatusCode } : {}),
      ...(e.$metadata.requestId ? { requestId: e.$metadata.requestId } : {}),
      ...(mfaRejected ? { mfaRejected } : {})
    })
  }
  return new AppError(
    'INTERNAL',
    `Unexpected failure calling AWS with profile "${scope.profile}": ${e.message}`
  )
}

/**
 * AWS STS as the Sandbox serves it (awsQuery protocol: form-encoded POST, XML answers):
 * GetCallerIdentity, and AssumeRole with MFA checks and DurationSeconds.
 */
import { randomUUID } from 'node:crypto'
import { ServiceError } from './errors'
import type { Principal, SandboxState } from './state'

const namespace = 'https://sts.amazonaws.com/doc/2011-06-15/'

const escapeXml = (value: string): string =>
  value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c
  )

function envelope(action: string, result: string): string {
  return `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
}

/** STS's XML error document. */
export function stsErrorXml(error: ServiceError): string {
  return `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.fault}</Type><Code>${escapeXml(error.type)}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
}

const stsError = (status: number, code: string, message: string): ServiceError =>
  new ServiceError(status, code, message)

function assumeRole(state: SandboxState, caller: Principal, params: URLSearchParams): string {
  const roleArn = params.get('RoleArn') ?? ''
  const sessionName = params.get('RoleSessionName') ?? ''
  if (!roleArn)
    throw stsError(
      400,
      'ValidationError',
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"
    )
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw stsError(
      400,
      'ValidationError',
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`
    )
  }
  const role = state.roles.get(roleArn)
  if (!role) {
    throw stsError(
      403,
      'AccessDenied',
      `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`
    )
  }
  const durationRaw = params.get('DurationSeconds')
  const duration = durationRaw === null ? 3600 : Number(durationRaw)
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw stsError(
      400,
      'ValidationError',
      `1 validation error detected: Value '${durationRaw}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`
    )
  }
  if (duration > role.maxSessionSeconds) {
    throw stsError(
      400,
      'ValidationError',
      `The requested DurationSeconds exceeds the MaxSessionDuration set for this role (${role.maxSessionSeconds}).`
    )
  }
  const serial = params.get('SerialNumber')
  const code = params.get('TokenCode')
  if (role.mfaRequired || serial || code) {
    if (!serial || !code) {
      throw stsError(
        403,
        'AccessDenied',
        `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn} (the role requires MFA: send SerialNumber and TokenCode)`
      )
    }
    if (state.mfaCodes.get(serial) !== code) {
      throw stsError(
        403,
        'AccessDenied',
        'MultiFactorAuthentication failed with invalid MFA one time pass code.'
      )
    }
  }
  const session = state.issueSession(roleArn, sessionName, duration)
  return envelope(
    'AssumeRole',
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${escapeXml(session.secretAccessKey)}</SecretAccessKey><SessionToken>${escapeXml(session.sessionToken ?? '')}</SessionToken><Expiration>${new Date(session.expiresAt ?? 0).toISOString()}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>${escapeXml(session.userId)}</AssumedRoleId><Arn>${escapeXml(session.arn)}</Arn></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize>`
  )
}

/** Runs one STS action for an authenticated caller and returns the XML document. */
export function runSts(
  state: SandboxState,
  caller: Principal,
  params: URLSearchParams
): { action: string; xml: string } {
  const action = params.get('Action') ?? ''
  switch (action) {
    case 'GetCallerIdentity':
      return {
        action,
        xml: envelope(
          action,
          `<Arn>${escapeXml(caller.arn)}</Arn><UserId>${escapeXml(caller.userId)}</UserId><Account>${caller.accountId}</Account>`
        )
      }
    case 'AssumeRole':
      return { action, xml: assumeRole(state, caller, params) }
    default:
      throw stsError(
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${params.get('Version') ?? ''}.`
      )
  }
}

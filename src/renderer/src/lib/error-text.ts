/**
 * How the app titles a failure: by the class of thing that went wrong (what the admin typed, the
 * network, proxy or certificate, AWS throttling, AWS refusing, AWS failing, a bug) and what to do next.
 * "Something went wrong" is kept for real bugs.
 */
import type { AppErrorData } from '../../../shared/result'

/** The class of a failure, for the title and the note's styling. */
export type ErrorKind = 'input' | 'network' | 'credentials' | 'throttling' | 'aws' | 'unknown-outcome' | 'bug'

export interface ErrorText {
  kind: ErrorKind
  title: string
  /** What to do next, in one sentence; undefined when the message already says it. */
  next?: string
}

const throttlingCodes = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException'])

/** The title and next step for `error`. */
export function errorText(error: AppErrorData): ErrorText {
  switch (error.code) {
    case 'INVALID_REQUEST':
      // A field of a form, or a file or request refused as a whole (its message says why and what to do).
      return error.details?.field || error.details?.problems || error.details?.issues
        ? { kind: 'input', title: 'Check what you typed', next: 'Fix the marked field and try again.' }
        : { kind: 'input', title: 'Not accepted' }
    case 'CONFLICT':
      if (error.details?.field === 'Username' || error.details?.duplicate)
        return { kind: 'input', title: 'Username taken', next: 'Choose another username, then check again.' }
      // A name taken; otherwise something busy or changed meanwhile (a batch running, a file being written).
      return error.details?.field
        ? { kind: 'input', title: 'Name already taken', next: 'Choose another name.' }
        : { kind: 'input', title: 'Busy, or changed meanwhile' }
    case 'NOT_FOUND':
      return { kind: 'input', title: 'Not found' }
    case 'PROFILE_NOT_FOUND':
      return {
        kind: 'input',
        title: 'Profile not found',
        next: 'Choose another profile, or add it to your AWS config file.'
      }
    case 'REGION_MISSING':
      return { kind: 'input', title: 'Choose a Region' }
    case 'NETWORK_TLS':
      return { kind: 'network', title: 'Certificate not trusted' }
    case 'NETWORK_PROXY':
      return { kind: 'network', title: 'Proxy problem' }
    case 'NETWORK_UNREACHABLE':
      return { kind: 'network', title: 'AWS could not be reached' }
    case 'CREDENTIALS':
      return error.details?.command
        ? { kind: 'credentials', title: 'Sign-in needed', next: 'Run the command below, then retry.' }
        : { kind: 'credentials', title: 'Credentials problem' }
    case 'OUTCOME_UNKNOWN':
      return { kind: 'unknown-outcome', title: 'Outcome unknown — the user may exist' }
    case 'AWS': {
      const { awsCode = '', httpStatus = 0, mfaRejected = false } = error.details ?? {}
      if (mfaRejected)
        return { kind: 'credentials', title: 'MFA code not accepted', next: 'Try again with the next code.' }
      if (awsCode === 'LimitExceededException') return { kind: 'aws', title: 'Users quota reached' }
      if (throttlingCodes.has(awsCode) || httpStatus === 429)
        return {
          kind: 'throttling',
          title: 'AWS is throttling this account',
          next: 'Wait a minute and try again.'
        }
      if (httpStatus >= 500)
        return {
          kind: 'aws',
          title: 'AWS had a server error',
          next: 'This is on AWS’s side and usually passes: try again in a few minutes.'
        }
      if (/AccessDenied/.test(awsCode)) return { kind: 'aws', title: 'Not allowed by AWS' }
      return { kind: 'aws', title: 'AWS refused the request' }
    }
    case 'INTERNAL':
    case 'FORBIDDEN_SENDER':
    case 'UNKNOWN_CHANNEL':
      return {
        kind: 'bug',
        title: 'Something went wrong (a bug in the app)',
        next: 'Nothing you did caused this. Copy the message and send it to whoever supports the app.'
      }
  }
}

/**
 * The result-or-error envelope every IPC handler returns. Thrown errors lose everything but their
 * message on the way to the renderer, so failures cross as data instead.
 */

import type { FieldProblem } from './create-user'
import type { CreateUserPreview } from './ipc-contract'

/** Machine-readable error codes. AWS error names (e.g. `ThrottlingException`) travel in `details`. */
export type ErrorCode =
  /** The payload did not match the channel's schema. */
  | 'INVALID_REQUEST'
  /** The IPC message did not come from the app's own window. */
  | 'FORBIDDEN_SENDER'
  /** The channel is not part of the contract. */
  | 'UNKNOWN_CHANNEL'
  /** A bug or an unexpected failure in main; the message says what happened. */
  | 'INTERNAL'
  /** No such AWS profile in the config or credentials file. */
  | 'PROFILE_NOT_FOUND'
  /** A profile cannot give credentials (broken chain, SSO login needed, MFA cancelled…). */
  | 'CREDENTIALS'
  /** No Region was given and the profile has none. */
  | 'REGION_MISSING'
  /** The TLS certificate of an endpoint or proxy is not trusted. */
  | 'NETWORK_TLS'
  /** The proxy refused or could not be reached. */
  | 'NETWORK_PROXY'
  /** The endpoint could not be reached (DNS, refused, timeout). */
  | 'NETWORK_UNREACHABLE'
  /** AWS answered with an error; `details.awsCode` holds its code. */
  | 'AWS'
  /** The named thing (template, instance lookups, user) does not exist. */
  | 'NOT_FOUND'
  /** The name is taken. */
  | 'CONFLICT'
  /** A request may or may not have taken effect, and nothing could tell which (e.g. a lost answer). */
  | 'OUTCOME_UNKNOWN'

/** A payload field that broke the channel's schema. */
export interface SchemaIssue {
  path: string[]
  message: string
}

/** AWS's own error, as it answered. */
export interface AwsErrorDetails {
  awsCode: string
  httpStatus?: number
  requestId?: string
}

/** What `details` carries for each code; `never` means the code carries none. */
export interface ErrorDetails {
  INVALID_REQUEST: {
    /** Fields of an IPC payload or a template that broke their schema. */
    issues?: SchemaIssue[]
    /** CreateUser rules the request breaks, by field. */
    problems?: FieldProblem[]
    /** The field of the admin's form the error is about. */
    field?: string
  }
  FORBIDDEN_SENDER: never
  UNKNOWN_CHANNEL: never
  INTERNAL: never
  PROFILE_NOT_FOUND: never
  CREDENTIALS: { command: string }
  REGION_MISSING: never
  NETWORK_TLS: { code: string }
  NETWORK_PROXY: { code?: string; status?: number }
  NETWORK_UNREACHABLE: { code: string }
  AWS: AwsErrorDetails & {
    /** True when STS did not accept the MFA code that was typed: ask for the next one. */
    mfaRejected?: boolean
  }
  NOT_FOUND: never
  OUTCOME_UNKNOWN: { username: string }
  CONFLICT: Partial<AwsErrorDetails> & {
    field?: string
    problems?: FieldProblem[]
    duplicate?: CreateUserPreview['duplicate']
  }
}

/** A failure the admin can read: `message` says what is wrong and what to do. */
export type AppErrorData = {
  [C in ErrorCode]: { code: C; message: string; details?: ErrorDetails[C] }
}[ErrorCode]

/** `{ ok: true, value }` on success, `{ ok: false, error }` on failure. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData }

/** An error a service throws on purpose; the IPC layer turns it into `{ ok: false, error }`. */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly code: C,
    message: string,
    readonly details?: ErrorDetails[C]
  ) {
    super(message)
  }

  /** True when this error has `code` (and so its details' type). */
  is<K extends ErrorCode>(code: K): this is AppError<K> {
    return (this.code as ErrorCode) === code
  }

  /** The serialisable form sent across IPC. */
  toData(): AppErrorData {
    return (
      this.details === undefined
        ? { code: this.code, message: this.message }
        : { code: this.code, message: this.message, details: this.details }
    ) as AppErrorData
  }
}

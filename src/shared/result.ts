/**
 * The result-or-error envelope every IPC handler returns. Thrown errors lose everything but their
 * message on the way to the renderer, so failures cross as data instead.
 */

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

/** A failure the admin can read: `message` says what is wrong and what to do. */
export interface AppErrorData {
  code: ErrorCode
  message: string
  details?: unknown
}

/** `{ ok: true, value }` on success, `{ ok: false, error }` on failure. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData }

/** An error a service throws on purpose; the IPC layer turns it into `{ ok: false, error }`. */
export class AppError extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }

  /** The serialisable form sent across IPC. */
  toData(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

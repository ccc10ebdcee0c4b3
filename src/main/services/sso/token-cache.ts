/**
 * IAM Identity Center tokens and client registrations, kept exactly where and how the AWS CLI v2 keeps
 * them, so the CLI, the AWS SDKs (`fromSSO`, `fromIni`), boto3 and this app share one sign-in:
 *
 * - `~/.aws/sso/cache/<sha1 hex of the sso-session name>.json` (legacy `sso_start_url` profiles: of the
 *   start URL) holds `startUrl, region, accessToken, expiresAt, clientId, clientSecret,
 *   registrationExpiresAt[, refreshToken]` in that order, serialized as Python's `json.dumps` does
 *   (`", "` and `": "` separators, non-ASCII escaped) with times as `%Y-%m-%dT%H:%M:%SZ`.
 * - the registration reused for 90 days sits beside it, named after the sha1 of
 *   `json.dumps({region, scopes, session_name, startUrl, tool}, sort_keys=True)`: the AWS CLI's `tool` is
 *   "botocore"; this app writes its own registrations under "connect-provisioner", so neither tool's
 *   consent page shows the other's name.
 *
 * Files are written owner-only (0600; the folder 0700 when it is created here) through a temporary
 * file and a rename, so a reader never sees half a token. Nothing here logs or returns a token in text.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** A cached token, as the AWS CLI v2 writes it (and reads any superset of). */
export interface CachedToken {
  startUrl: string
  region: string
  accessToken: string
  /** `2026-01-01T08:00:00Z`. */
  expiresAt: string
  clientId?: string
  clientSecret?: string
  registrationExpiresAt?: string
  refreshToken?: string
}

/** A client registration, as the AWS CLI v2 caches it. */
export interface CachedRegistration {
  clientId: string
  clientSecret: string
  expiresAt: string
  scopes?: string[]
  /** Present (with `authorization_code`) for the authorization-code flow's registrations only. */
  grantTypes?: string[]
}

/** The home folder as the AWS SDK for JavaScript finds it: HOME, USERPROFILE, HOMEDRIVE+HOMEPATH, else the OS's. */
export function homeFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env['HOME']) return env['HOME']
  if (env['USERPROFILE']) return env['USERPROFILE']
  if (env['HOMEPATH']) return `${env['HOMEDRIVE'] ?? 'C:\\'}${env['HOMEPATH']}`
  return homedir()
}

/** `~/.aws/sso/cache`, where the AWS CLI v2 and the SDKs look for tokens. */
export function awsSsoCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(homeFolder(env), '.aws', 'sso', 'cache')
}

/** The cache file's name: the sha1 (hex) of the sso-session name, or of the start URL for a legacy profile. */
export function tokenCacheKey(id: string): string {
  return createHash('sha1').update(id, 'utf8').digest('hex')
}

/** The registration cache file's name, as botocore's `_registration_cache_key` computes it (its tool: "botocore"). */
export function registrationCacheKey(args: {
  startUrl: string
  region: string
  scopes: string[] | undefined
  sessionName: string | undefined
  tool?: string
}): string {
  const text = pythonJson(
    {
      region: args.region,
      scopes: args.scopes ?? null,
      session_name: args.sessionName ?? null,
      startUrl: args.startUrl,
      tool: args.tool ?? 'botocore'
    },
    { sortKeys: true }
  )
  return createHash('sha1').update(text, 'utf8').digest('hex')
}

/** A time as botocore writes it: `2026-01-01T08:00:00Z` (whole seconds, UTC). */
export function utcTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * A time from a cache file, in any form the AWS tools write: `…Z`, `….123Z`, `+00:00`, or old
 * botocore's `…UTC`. NaN when it is none of them.
 */
export function parseTimestamp(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN
  return Date.parse(value.trim().replace(/UTC$/, 'Z'))
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined }

/** A string as Python's `json.dumps` writes it (ensure_ascii: every non-ASCII character as \uXXXX). */
function pythonString(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** `value` as Python's `json.dumps(value[, sort_keys=True])` writes it: `{"a": 1, "b": [1, 2]}`. */
export function pythonJson(value: Json, options: { sortKeys?: boolean } = {}): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return pythonString(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v, options)).join(', ')}]`
  const entries = Object.entries(value).filter((e): e is [string, Json] => e[1] !== undefined)
  if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonJson(v, options)}`).join(', ')}}`
}

/** The token file's text, byte for byte what the AWS CLI v2 writes for the same token. */
export function serializeToken(token: CachedToken): string {
  return pythonJson({
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt,
    refreshToken: token.refreshToken
  })
}

/** The registration file's text, as the AWS CLI v2 writes it. */
export function serializeRegistration(registration: CachedRegistration): string {
  return pythonJson({
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: registration.expiresAt,
    scopes: registration.scopes,
    grantTypes: registration.grantTypes
  })
}

/** Writes `text` to `file` owner-only, atomically; the folder is made owner-only when it is new. */
function writePrivate(folder: string, file: string, text: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  const temp = join(folder, `.${randomBytes(6).toString('hex')}.tmp`)
  const fd = openSync(temp, 'wx', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  try {
    renameSync(temp, file)
  } catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** One folder of cached tokens and registrations (`~/.aws/sso/cache`, or the Sandbox's own). */
export class SsoTokenCache {
  constructor(readonly folder: string) {}

  /** The token file of an sso-session name (or a legacy start URL). */
  tokenFile(id: string): string {
    return join(this.folder, `${tokenCacheKey(id)}.json`)
  }

  /** The cached token, or undefined when there is none or it is not a token (no accessToken/expiresAt). */
  readToken(id: string): CachedToken | undefined {
    const data = readJson(this.tokenFile(id))
    if (!data || typeof data['accessToken'] !== 'string' || typeof data['expiresAt'] !== 'string')
      return undefined
    const read = (key: string): { [k: string]: string } => {
      const value = optionalString(data[key])
      return value === undefined ? {} : { [key]: value }
    }
    return {
      startUrl: optionalString(data['startUrl']) ?? '',
      region: optionalString(data['region']) ?? '',
      accessToken: data['accessToken'],
      expiresAt: data['expiresAt'],
      ...read('clientId'),
      ...read('clientSecret'),
      ...read('registrationExpiresAt'),
      ...read('refreshToken')
    }
  }

  writeToken(id: string, token: CachedToken): void {
    writePrivate(this.folder, this.tokenFile(id), serializeToken(token))
  }

  /** Removes the token; true when there was one. */
  deleteToken(id: string): boolean {
    try {
      unlinkSync(this.tokenFile(id))
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw error
    }
  }

  readRegistration(key: string): CachedRegistration | undefined {
    const data = readJson(join(this.folder, `${key}.json`))
    if (
      !data ||
      typeof data['clientId'] !== 'string' ||
      typeof data['clientSecret'] !== 'string' ||
      typeof data['expiresAt'] !== 'string'
    )
      return undefined
    const strings = (value: unknown): string[] | undefined =>
      Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined
    const scopes = strings(data['scopes'])
    const grantTypes = strings(data['grantTypes'])
    return {
      clientId: data['clientId'],
      clientSecret: data['clientSecret'],
      expiresAt: data['expiresAt'],
      ...(scopes ? { scopes } : {}),
      ...(grantTypes ? { grantTypes } : {})
    }
  }

  writeRegistration(key: string, registration: CachedRegistration): void {
    writePrivate(this.folder, join(this.folder, `${key}.json`), serializeRegistration(registration))
  }
}

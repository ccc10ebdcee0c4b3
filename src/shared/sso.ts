/**
 * IAM Identity Center (SSO) as the window and the CLI see it: sessions and whether they are signed in,
 * the accounts and roles a session grants, a sign-in's progress, and the requests that drive them. No
 * token, client secret or role credential is ever part of these shapes: they stay in main.
 */
import { z } from 'zod'
import type { AppErrorData } from './result'

/** Where a session is defined. */
export type SsoSessionSource = 'aws-config' | 'app' | 'sandbox' | 'legacy-profile'

/** What names a session: its name, or a profile that uses it (legacy `sso_start_url` profiles included). */
export type SsoSessionRef = { session: string } | { profile: string }

/** Why a sign-in or an SSO call failed, for the window to pick its words and buttons. */
export type SsoFailure =
  | 'denied'
  | 'expired'
  | 'cancelled'
  | 'timeout'
  | 'session-ended'
  | 'no-access'
  | 'config'
  | 'network'
  | 'failed'

/** A session as the Accounts view shows it: whether there is a token and until when, never the token. */
export interface SsoSessionStatus {
  /** The session's name (the start URL for a legacy profile). */
  session: string
  source: SsoSessionSource
  /** Empty for the Sandbox's until it has started. */
  startUrl: string
  region: string
  /** Profiles of ~/.aws/config that use the session. */
  profiles: string[]
  signedIn: boolean
  /** When the access token expires (ISO); it is renewed before then when `refreshable`. */
  expiresAt?: string
  /** True when a refresh token lets the app renew the session without the browser. */
  refreshable: boolean
}

/** Something wrong with a session (a section without sso_start_url, a name clash). */
export interface SsoSessionProblem {
  session: string
  reason: string
}

/** Every session the app knows, signed in or not. */
export interface SsoSessionList {
  sessions: SsoSessionStatus[]
  problems: SsoSessionProblem[]
}

/** An AWS account a session grants. */
export interface SsoAccount {
  accountId: string
  accountName: string
  emailAddress?: string
}

/** A role (permission set) a session grants in an account. */
export interface SsoRole {
  accountId: string
  roleName: string
  /** `sso:<session>/<account>/<role>`: pass it as the profile of any call. */
  profile: string
}

/** An account with the roles granted in it. */
export interface SsoAccountWithRoles extends SsoAccount {
  roles: SsoRole[]
}

/** A sign-in waiting for the browser: what the sign-in dialog shows. */
export interface SsoSignInStarted {
  signInId: string
  session: string
  flow: 'authorization-code' | 'device-code'
  /** The page to open (the authorization page, or the verification page with the code filled in). */
  url: string
  /** Device code: the code the page shows, large and copyable, for the admin to compare or type. */
  userCode?: string
  /** Device code: the page without the code, to type it by hand (another device). */
  verificationUri?: string
  /** When the sign-in gives up (ISO). */
  expiresAt: string
  /** True when the system browser was asked to open `url`. */
  browserOpened: boolean
  /** Why the browser was not opened (not an Identity Center page, no browser, opening failed). */
  browserProblem?: string
  /** Why the device code is used though the authorization code was asked for. */
  fallback?: string
}

/** What main tells the window about IAM Identity Center. */
export type SsoEvent =
  | { type: 'sign-in-started'; started: SsoSignInStarted }
  | { type: 'signed-in'; signInId: string; status: SsoSessionStatus }
  | { type: 'sign-in-failed'; signInId: string; session: string; reason: SsoFailure; error: AppErrorData }
  | { type: 'session-changed'; status: SsoSessionStatus }

const sessionName = z.string().min(1).max(2048)

/** A session by name, or the session of a profile. */
export const ssoSessionRefSchema = z.union([
  z.object({ session: sessionName }).strict(),
  z.object({ profile: z.string().min(1).max(256) }).strict()
])

/** Starts a sign-in; it resolves once signed in (progress comes as events). */
export const ssoSignInRequestSchema = z
  .object({ ref: ssoSessionRefSchema, useDeviceCode: z.boolean().optional() })
  .strict()
export type SsoSignInRequest = z.infer<typeof ssoSignInRequestSchema>

/** Cancels the sign-in `signInId` (from the sign-in-started event). */
export const ssoCancelSignInRequestSchema = z.object({ signInId: z.string().min(1).max(64) }).strict()

/** The accounts (with their roles) a session grants; `refresh` asks Identity Center again. */
export const ssoAccountsRequestSchema = z
  .object({ session: sessionName, refresh: z.boolean().optional() })
  .strict()

/** The roles a session grants in one account. */
export const ssoRolesRequestSchema = z
  .object({
    session: sessionName,
    accountId: z.string().regex(/^\d{12}$/, 'an account ID is 12 digits'),
    refresh: z.boolean().optional()
  })
  .strict()

/*
 * How an IAM Identity Center account and role is named where the app names accounts (a profile name in
 * every call, the CLI's --profile, recent contexts): `sso:<session>/<account ID>/<role name>`. The
 * account is 12 digits and a role name has no `/`, so a session name may hold anything.
 */

/** The prefix of every Identity Center target. */
export const ssoTargetPrefix = 'sso:'

/** An account and role of a session. */
export interface SsoTargetName {
  session: string
  accountId: string
  roleName: string
}

/** `sso:<session>/<account>/<role>`. */
export function ssoProfileName(target: SsoTargetName): string {
  return `${ssoTargetPrefix}${target.session}/${target.accountId}/${target.roleName}`
}

/** The parts of an `sso:` profile name; undefined when `profile` is not one. */
export function parseSsoProfileName(profile: string): SsoTargetName | undefined {
  if (!profile.startsWith(ssoTargetPrefix)) return undefined
  const match = /^(.+)\/(\d{12})\/([\w+=,.@-]{1,64})$/.exec(profile.slice(ssoTargetPrefix.length))
  if (!match) return undefined
  const [, session = '', accountId = '', roleName = ''] = match
  return { session, accountId, roleName }
}

/**
 * The IPC contract: every channel main handles, with the schema its request must match and the type
 * of its response, plus every event main pushes to the renderer. Main, preload and renderer all take
 * their types from here, so a channel cannot drift between them.
 */
import { z } from 'zod'
import {
  accountContextSchema,
  accountLabelSchema,
  instanceContextSchema,
  type CallerIdentity,
  type InstanceSummary,
  type ProfileList
} from './accounts'
import {
  appSsoSessionSchema,
  networkSettingsSchema,
  recentContextSchema,
  ssoTargetSchema,
  type SettingsView,
  type SsoTarget
} from './settings'
import {
  ssoAccountsRequestSchema,
  ssoCancelSignInRequestSchema,
  ssoRolesRequestSchema,
  ssoSessionRefSchema,
  ssoSignInRequestSchema,
  type SsoAccountWithRoles,
  type SsoEvent,
  type SsoRole,
  type SsoSessionList,
  type SsoSessionStatus
} from './sso'
import type { InstanceLookups, ResolveProblem, ResolveResult } from './template-resolve'
import { templateSchema, type Template, type TemplateInput } from './templates'
import { personSchema, type CreateUserRequest, type CreateUserRetry, type FieldProblem } from './create-user'
import type { IdentityType } from './connect-rules'
import { auditOutcomes, type AuditEntry } from './activity'
import type { BatchProgressEvent, BatchSummary, BatchView, PlanView } from './bulk/types'

/** What the Create user view shows before sending (see CreateUserService). */
export interface CreateUserPreview {
  accountId: string
  region: string
  instanceAlias: string
  identityType: IdentityType
  username: string
  email: string
  request?: CreateUserRequest
  cliCommand?: string
  problems: FieldProblem[]
  duplicate?: { username: string; userId: string; routingProfile?: string }
}

/** A user created (or found after our own lost answer). */
export interface CreateUserResult {
  username: string
  userId: string
  userArn: string
  accountId: string
  region: string
  instanceAlias: string
  attempts: number
  recoveredAfterAmbiguity: boolean
}

const createUserRequest = instanceContextSchema
  .extend({ template: z.string().trim().min(1).max(100), person: personSchema })
  .strict()

/** What importing a templates file did. */
export interface ImportReport {
  added: string[]
  replaced: string[]
  renamed: Array<{ from: string; to: string }>
  skipped: string[]
}

/** Per template and cached instance, what no longer resolves. */
export interface DriftEntry {
  template: string
  instance: { instanceId: string; alias: string; accountId: string; region: string; fetchedAt: string }
  problems: ResolveProblem[]
}

const templateName = z.string().trim().min(1).max(100)

/** What the status bar and the About box show. Nothing here is secret. */
export interface AppInfo {
  name: string
  version: string
  platform: string
  userDataPath: string
  /** Things the admin must know, e.g. a settings file that was corrupt and moved aside. */
  notices: string[]
  /** `electron` and `chrome` are null outside Electron (the CLI, tests). */
  versions: { electron: string | null; chrome: string | null; node: string }
}

/** A response type carried at the type level only: main is trusted, requests are not. */
function response<T>(): T {
  return undefined as T
}

const profileRegion = accountContextSchema.strict()
const batchId = z
  .object({ batchId: z.string().regex(/^\d{8}-\d{6}-[0-9a-f]{6}$/, 'not a batch ID') })
  .strict()
const bulkRate = z.number().min(0.1).max(1000)
const planOptions = {
  template: templateName.optional(),
  generatePasswords: z.boolean().optional()
}
const fileSaved = response<{ path: string; count: number } | null>()
const profileInRegion = accountContextSchema.required({ region: true }).strict()

/** Channels the renderer may invoke, named `domain:verb-noun`. */
export const invokeContract = {
  'app:info': { request: z.undefined(), response: response<AppInfo>() },
  /** The AWS profiles (no secrets) and the Sandbox accounts, read fresh from the files. */
  'accounts:list-profiles': { request: z.undefined(), response: response<ProfileList>() },
  /** STS GetCallerIdentity with the profile's credentials (MFA may be asked through an event). */
  'accounts:whoami': { request: profileRegion, response: response<CallerIdentity>() },
  /** The account's Connect instances, from the cache unless `refresh` (the cache lasts an hour). */
  'accounts:list-instances': {
    request: profileInRegion.extend({ refresh: z.boolean().optional() }).strict(),
    response: response<InstanceSummary[]>()
  },
  'accounts:describe-instance': {
    request: instanceContextSchema.strict(),
    response: response<InstanceSummary>()
  },
  /** The admin's answer to `accounts:mfa-requested`: six digits, or null for Cancel. */
  'accounts:answer-mfa': {
    request: z
      .object({
        requestId: z.uuid(),
        code: z
          .string()
          .regex(/^\d{6}$/, 'an MFA code is six digits')
          .nullable()
      })
      .strict(),
    response: response<null>()
  },
  'accounts:set-label': {
    request: z
      .object({ accountId: z.string().regex(/^\d{12}$/), label: accountLabelSchema.nullable() })
      .strict(),
    response: response<SettingsView>()
  },
  /** Records where the admin is working, restored at the next start. */
  'accounts:remember': { request: recentContextSchema.strict(), response: response<SettingsView>() },
  'settings:get': { request: z.undefined(), response: response<SettingsView>() },
  /** Saved templates, and any notice about the templates file (e.g. moved aside). Offline. */
  'templates:list': {
    request: z.undefined(),
    response: response<{ templates: Template[]; notices: string[] }>()
  },
  /** Creates or updates (renames with previousName) a template. */
  'templates:save': {
    request: z.object({ template: templateSchema, previousName: templateName.optional() }).strict(),
    response: response<Template>()
  },
  'templates:duplicate': {
    request: z.object({ name: templateName }).strict(),
    response: response<Template>()
  },
  'templates:delete': { request: z.object({ name: templateName }).strict(), response: response<null>() },
  /** Asks where to save, then writes the named templates (all when none) as a templates file. */
  'templates:export-file': {
    request: z.object({ names: z.array(templateName).max(10_000).optional() }).strict(),
    response: response<{ path: string; count: number } | null>()
  },
  /** Asks for a templates file and imports it. */
  'templates:import-file': {
    request: z.object({ onConflict: z.enum(['rename', 'replace', 'skip']) }).strict(),
    response: response<ImportReport | null>()
  },
  'templates:resolve': {
    request: instanceContextSchema.extend({ name: templateName }).strict(),
    response: response<ResolveResult>()
  },
  /** What no longer resolves, per template and cached instance (offline). */
  'templates:drift': {
    request: z.object({ name: templateName.optional() }).strict(),
    response: response<DriftEntry[]>()
  },
  /** "New agent like X": a draft from an existing user (not saved). */
  'templates:from-user': {
    request: instanceContextSchema.extend({ userId: z.string().min(1).max(256) }).strict(),
    response: response<TemplateInput>()
  },
  /** The cached names of every instance seen (offline pickers). */
  'lookups:list': { request: z.undefined(), response: response<InstanceLookups[]>() },
  'lookups:refresh': { request: instanceContextSchema.strict(), response: response<InstanceLookups>() },
  /** Validates, resolves and checks for a duplicate; sends nothing. */
  'users:preview': { request: createUserRequest, response: response<CreateUserPreview>() },
  /** Creates the user (never twice), or refuses with the problems; every step is audited. */
  'users:create': { request: createUserRequest, response: response<CreateUserResult>() },
  /** The audit log, newest first. */
  'activity:list': { request: z.undefined(), response: response<AuditEntry[]>() },
  'activity:export-file': {
    request: z
      .object({
        query: z.string().max(200),
        outcome: z.enum(['', ...auditOutcomes] as const)
      })
      .strict(),
    response: response<{ path: string; count: number } | null>()
  },
  /** Copies text for the renderer; a sensitive copy (a password) is cleared after 30 seconds. */
  'clipboard:write': {
    request: z.object({ text: z.string().max(100_000), sensitive: z.boolean() }).strict(),
    response: response<null>()
  },
  'users:search': {
    request: instanceContextSchema
      .extend({ query: z.string().trim().min(2, 'type at least 2 characters').max(25) })
      .strict(),
    response: response<Array<{ id: string; username: string; name: string }>>()
  },
  'settings:set-network': { request: networkSettingsSchema.strict(), response: response<SettingsView>() },
  /** Opens the system's file dialog for a CA file; null when cancelled. Saving it checks the file. */
  'settings:pick-ca-file': { request: z.undefined(), response: response<{ path: string } | null>() },
  /** Asks for a CSV and plans it against the instance (nothing is created); null when cancelled. */
  'bulk:plan-file': {
    request: instanceContextSchema.extend(planOptions).strict(),
    response: response<PlanView | null>()
  },
  /** Reads the planned file again (after the admin fixed it) and plans it anew. */
  'bulk:replan': {
    request: z.object({ planId: z.uuid(), ...planOptions }).strict(),
    response: response<PlanView>()
  },
  /** Creates the plan's valid rows at `rate` requests/second (the account's saved rate when absent). */
  'bulk:run': {
    request: z.object({ planId: z.uuid(), rate: bulkRate.optional(), rememberRate: z.boolean() }).strict(),
    response: response<{ batchId: string }>()
  },
  /** Pause, resume or cancel (after the calls in flight) a batch this window runs. */
  'bulk:control': {
    request: batchId.extend({ action: z.enum(['pause', 'resume', 'cancel']) }).strict(),
    response: response<null>()
  },
  /** Past and running batches, newest first, from their journals; a damaged journal is moved aside and noticed. */
  'bulk:list': {
    request: z.undefined(),
    response: response<{ batches: BatchSummary[]; notices: string[] }>()
  },
  /** One batch: summary, every row's result, and what resume and undo would do. */
  'bulk:view': { request: batchId, response: response<BatchView>() },
  /** Resumes an interrupted batch (asks for its CSV when rows need their passwords); null when cancelled. */
  'bulk:resume': {
    request: batchId.extend({ rate: bulkRate.optional() }).strict(),
    response: response<{ batchId: string } | null>()
  },
  /** Deletes the users the batch created; `count` is what the admin confirmed (a stale one is refused). */
  'bulk:undo': {
    request: batchId.extend({ count: z.int().min(1).max(1_000_000) }).strict(),
    response: response<{ batchId: string }>()
  },
  'bulk:export-file': {
    request: batchId.extend({ format: z.enum(['csv', 'json']) }).strict(),
    response: fileSaved
  },
  /** Saves the batch's generated passwords to a new owner-only file, once; null when cancelled. */
  'bulk:save-passwords': { request: batchId, response: fileSaved },
  /** Saves the blank CSV of a form; null when cancelled. */
  'bulk:save-blank': {
    request: z.object({ form: z.enum(['console', 'roster']) }).strict(),
    response: response<{ path: string } | null>()
  },
  /** Every IAM Identity Center session the app knows and whether it is signed in (never a token). */
  'sso:list-sessions': { request: z.undefined(), response: response<SsoSessionList>() },
  /**
   * Signs in through the system browser; resolves once signed in (or fails saying what to do). Progress
   * (the page opened, the device code) comes as `sso:event`.
   */
  'sso:sign-in': { request: ssoSignInRequestSchema, response: response<SsoSessionStatus>() },
  /** Cancels the sign-in `signInId` (from the sign-in-started event); unknown IDs are ignored. */
  'sso:cancel-sign-in': { request: ssoCancelSignInRequestSchema, response: response<null>() },
  /** Ends the session at Identity Center (Logout) and removes its cached token. */
  'sso:sign-out': {
    request: z.object({ ref: ssoSessionRefSchema }).strict(),
    response: response<{ status: SsoSessionStatus; removed: boolean; loggedOut: boolean }>()
  },
  /** Every account the session grants, with its roles and their ready `sso:` profile names. */
  'sso:accounts': { request: ssoAccountsRequestSchema, response: response<SsoAccountWithRoles[]>() },
  /** The roles the session grants in one account. */
  'sso:roles': { request: ssoRolesRequestSchema, response: response<SsoRole[]>() },
  /** Saves a session typed into the app (name, start URL, Region) in settings.json; the sessions after. */
  'sso:save-session': { request: appSsoSessionSchema, response: response<SsoSessionList>() },
  /** Forgets a session typed into the app (and the accounts and roles remembered under it). */
  'sso:remove-session': {
    request: z.object({ name: z.string().min(1).max(64) }).strict(),
    response: response<SsoSessionList>()
  },
  /** Remembers an account and role the admin picked (most recent first); listed with the profiles. */
  'sso:remember-target': { request: ssoTargetSchema, response: response<SsoTarget[]>() },
  'sso:forget-target': {
    request: ssoTargetSchema.pick({ session: true, accountId: true, roleName: true }).strict(),
    response: response<SsoTarget[]>()
  }
} as const

/** Events main sends to the renderer. */
export interface EventContract {
  /** The window gained focus: views showing files that may have changed outside the app re-read them. */
  'app:focused': { at: string }
  /** A profile needs an MFA code; answer with `accounts:answer-mfa`. Carries no secret. */
  'accounts:mfa-requested': { requestId: string; profile: string; mfaSerial: string }
  /** A batch ran or was undone further: its progress and the rows finished since the last event. */
  'bulk:progress': BatchProgressEvent
  /** A CreateUser attempt failed in a way worth retrying (throttled, 5xx, lost answer): main waits, then tries again. */
  'users:create-retrying': CreateUserRetry
  /** IAM Identity Center: a sign-in started (the page, the device code), ended, or a session changed. No token. */
  'sso:event': SsoEvent
}

export type InvokeChannel = keyof typeof invokeContract
export type EventChannel = keyof EventContract
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>
export type ResponseOf<C extends InvokeChannel> = (typeof invokeContract)[C]['response']

/** Every channel name, for the preload's allow-list. */
export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[]
/** Every event name, for the preload's allow-list. */
export const eventChannels: readonly EventChannel[] = [
  'app:focused',
  'accounts:mfa-requested',
  'bulk:progress',
  'users:create-retrying',
  'sso:event'
]

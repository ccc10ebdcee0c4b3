/**
 * Settings: what the renderer reads and changes (network options, account labels, recent contexts) and
 * the whole settings.json. The schema here is the single source of that file's shape
 * (docs/settings.schema.json is generated from it).
 */
import { z } from 'zod'
import { accountLabelSchema, regionSchema, type AccountLabel } from './accounts'

/** A place the admin worked: profile, Region and (once chosen) instance. */
export const recentContextSchema = z.object({
  profile: z.string().min(1).max(256),
  region: regionSchema,
  instanceId: z.string().min(1).max(100).optional()
})
export type RecentContext = z.infer<typeof recentContextSchema>

/** Proxy and extra CA for AWS calls; empty strings clear them. */
export const networkSettingsSchema = z.object({
  /** `http://proxy.corp:3128` (credentials allowed); replaces the proxy environment variables entirely. */
  proxyUrl: z.string().trim().max(2048).optional(),
  /** A PEM file with extra CA certificates (a TLS-inspecting proxy's root). */
  caFile: z.string().trim().max(4096).optional()
})
export type NetworkSettings = z.infer<typeof networkSettingsSchema>

/**
 * The environment variables that choose a proxy for AWS calls when Settings sets none (proxy-from-env's;
 * a name matches in any case): each of `proxy` names a proxy URL, `noProxy` lists hosts reached directly.
 */
export const proxyEnvVariables: { readonly proxy: readonly string[]; readonly noProxy: string } = {
  proxy: ['https_proxy', 'http_proxy', 'all_proxy'],
  noProxy: 'no_proxy'
}

/** True when the environment variable `name` (any case) names a proxy: HTTPS_PROXY, http_proxy… */
export function isProxyEnvVariable(name: string): boolean {
  return proxyEnvVariables.proxy.includes(name.toLowerCase())
}

/** The window's last position and size, restored at start. */
export const windowBoundsSchema = z.object({
  x: z.int(),
  y: z.int(),
  width: z.int().min(200),
  height: z.int().min(200)
})

/**
 * An IAM Identity Center session the admin typed into the app (start URL and Region), for workstations
 * without an `[sso-session]` in ~/.aws/config. Its token is cached as an sso-session of that name is.
 */
export const appSsoSessionSchema = z
  .object({
    /** Letters, digits, `_`, `.` and `-`; unique among the app's sessions. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'a session name is 1-64 letters, digits, _, . or - (no spaces)'),
    /** The AWS access portal URL, e.g. https://d-1234567890.awsapps.com/start (https only). */
    startUrl: z
      .string()
      .max(2048)
      .refine(
        (url) => URL.canParse(url) && new URL(url).protocol === 'https:',
        'a start URL is an https:// URL'
      ),
    /** The Region Identity Center lives in (sso_region). */
    region: regionSchema,
    /** sso_registration_scopes; `sso:account:access` when absent. */
    scopes: z.array(z.string().min(1).max(128)).max(10).optional()
  })
  .strict()
export type AppSsoSession = z.infer<typeof appSsoSessionSchema>

/** An account and role of an IAM Identity Center session that the admin picked, to come back to. */
export const ssoTargetSchema = z
  .object({
    /** The session: an sso-session of ~/.aws/config, one of the app's, or the Sandbox's. */
    session: z.string().min(1).max(128),
    accountId: z.string().regex(/^\d{12}$/, 'an account ID is 12 digits'),
    roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'a role name is 1-64 of [A-Za-z0-9+=,.@_-]'),
    /** The account's name as Identity Center gave it (shown, never used to call AWS). */
    accountName: z.string().max(256).optional(),
    /** The Region its calls go to when none is chosen (else the session's). */
    region: regionSchema.optional()
  })
  .strict()
export type SsoTarget = z.infer<typeof ssoTargetSchema>

/** IAM Identity Center: sessions typed into the app and the accounts/roles remembered (no token, ever). */
export const ssoSettingsSchema = z
  .object({
    sessions: z.array(appSsoSessionSchema).max(50).optional(),
    /** Most recent first. */
    targets: z.array(ssoTargetSchema).max(200).optional()
  })
  .strict()
export type SsoSettings = z.infer<typeof ssoSettingsSchema>

/** Everything in settings.json. Only the main process reads and writes it whole. */
export const appSettingsSchema = z.object({
  windowBounds: windowBoundsSchema.optional(),
  network: networkSettingsSchema.optional(),
  /** By AWS account ID. */
  accountLabels: z.record(z.string(), accountLabelSchema).optional(),
  /** Most recent first; the first is restored at start. */
  recentContexts: z.array(recentContextSchema).max(20).optional(),
  /**
   * Requests per second for an account and Region whose Connect quota AWS raised, by
   * `accountId|region` (bulk runs go at it; Connect's default quota otherwise).
   */
  accountRates: z.record(z.string(), z.number().min(0.1).max(1000)).optional(),
  /** The proxy's password, sealed by the OS keychain (the proxy URL itself is stored without it). */
  sealedProxyPassword: z.string().min(1).optional(),
  /** IAM Identity Center sessions typed into the app and the accounts/roles chosen; tokens live in ~/.aws/sso/cache. */
  sso: ssoSettingsSchema.optional()
})
export type AppSettings = z.infer<typeof appSettingsSchema>

/** What the renderer may read of the settings (nothing secret: a proxy password is masked). */
export interface SettingsView {
  network: NetworkSettings
  /** Where the proxy password is kept, when there is one: the OS keychain, or memory until the app quits. */
  proxyPasswordKept?: 'keychain' | 'session'
  accountLabels: Record<string, AccountLabel>
  /** Most recent first; the first is restored at start. */
  recentContexts: RecentContext[]
}

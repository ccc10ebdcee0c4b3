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
  sealedProxyPassword: z.string().min(1).optional()
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

/** Settings the renderer reads and changes: network options, account labels, recent contexts. */
import { z } from 'zod'
import { regionSchema, type AccountLabel } from './accounts'

/** A place the admin worked: profile, Region and (once chosen) instance. */
export const recentContextSchema = z.object({
  profile: z.string().min(1).max(256),
  region: regionSchema,
  instanceId: z.string().min(1).max(100).optional()
})
export type RecentContext = z.infer<typeof recentContextSchema>

/** Proxy and extra CA for AWS calls; empty strings clear them. */
export const networkSettingsSchema = z.object({
  /** `http://proxy.corp:3128` (credentials allowed); replaces HTTPS_PROXY / HTTP_PROXY / NO_PROXY entirely. */
  proxyUrl: z.string().trim().max(2048).optional(),
  /** A PEM file with extra CA certificates (a TLS-inspecting proxy's root). */
  caFile: z.string().trim().max(4096).optional()
})
export type NetworkSettings = z.infer<typeof networkSettingsSchema>

/** What the renderer may read of the settings (nothing secret: a proxy password is masked). */
export interface SettingsView {
  network: NetworkSettings
  /** Where the proxy password is kept, when there is one: the OS keychain, or memory until the app quits. */
  proxyPasswordKept?: 'keychain' | 'session'
  accountLabels: Record<string, AccountLabel>
  /** Most recent first; the first is restored at start. */
  recentContexts: RecentContext[]
}

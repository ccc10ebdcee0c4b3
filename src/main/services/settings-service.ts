import { accountLabelSchema, type AccountLabel } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import type { NetworkSettings, RecentContext, SettingsView } from '../../shared/settings'
import { readCaFile } from './network'

/** Everything in settings.json. */
export type AppSettings = {
  windowBounds?: { x: number; y: number; width: number; height: number }
  network?: NetworkSettings
  accountLabels?: Record<string, AccountLabel>
  /** Most recent first; the first is restored at start. */
  recentContexts?: RecentContext[]
}

/** Read and write access to settings.json, as services see it (electron-store behind an adapter). */
export interface SettingsPort {
  get<K extends keyof AppSettings>(key: K): AppSettings[K]
  set<K extends keyof AppSettings>(key: K, value: NonNullable<AppSettings[K]>): void
}

const maxRecent = 8

/** Network options, account labels and recently used contexts, validated before they are stored. */
export class SettingsService {
  constructor(private readonly settings: SettingsPort) {}

  /** The settings the renderer shows; the proxy URL's password is replaced by ****. */
  view(): SettingsView {
    const network = this.network()
    return {
      network: network.proxyUrl ? { ...network, proxyUrl: maskPassword(network.proxyUrl) } : network,
      accountLabels: this.settings.get('accountLabels') ?? {},
      recentContexts: this.settings.get('recentContexts') ?? []
    }
  }

  /** The network settings as stored (main-process use only). */
  network(): NetworkSettings {
    return this.settings.get('network') ?? {}
  }

  /** Sets the proxy and CA file; an empty value clears it. A masked password keeps the stored one. */
  setNetwork(input: NetworkSettings): SettingsView {
    const next: NetworkSettings = {}
    if (input.proxyUrl) {
      let url: URL
      try {
        url = new URL(input.proxyUrl)
      } catch {
        throw new AppError(
          'INVALID_REQUEST',
          `"${input.proxyUrl}" is not a URL: write the proxy as http://host:port.`,
          { field: 'proxyUrl' }
        )
      }
      if (!['http:', 'https:', 'socks:', 'socks5:', 'pac+http:', 'pac+https:'].includes(url.protocol)) {
        throw new AppError(
          'INVALID_REQUEST',
          `The proxy must be an http://, https://, socks5:// or pac+http:// URL, not ${url.protocol}//.`,
          { field: 'proxyUrl' }
        )
      }
      const stored = this.network().proxyUrl
      if (url.password === '****' && stored) url.password = new URL(stored).password
      next.proxyUrl = url.href
    }
    if (input.caFile) {
      readCaFile(input.caFile, 'Settings → Network')
      next.caFile = input.caFile
    }
    this.settings.set('network', next)
    return this.view()
  }

  /** Gives an account a label and colour, or removes it (null). */
  setAccountLabel(accountId: string, label: AccountLabel | null): SettingsView {
    const others = Object.entries(this.settings.get('accountLabels') ?? {}).filter(([id]) => id !== accountId)
    const labels = Object.fromEntries(
      label ? [...others, [accountId, accountLabelSchema.parse(label)]] : others
    )
    this.settings.set('accountLabels', labels)
    return this.view()
  }

  /** Moves `context` to the front of the recent list (restored at the next start). */
  remember(context: RecentContext): SettingsView {
    const same = (c: RecentContext): boolean => c.profile === context.profile && c.region === context.region
    const recent = [context, ...(this.settings.get('recentContexts') ?? []).filter((c) => !same(c))].slice(
      0,
      maxRecent
    )
    this.settings.set('recentContexts', recent)
    return this.view()
  }
}

function maskPassword(raw: string): string {
  const url = new URL(raw)
  if (url.password) url.password = '****'
  return url.href
}

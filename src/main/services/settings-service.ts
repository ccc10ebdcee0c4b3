import { accountLabelSchema, type AccountLabel } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import {
  appSsoSessionSchema,
  ssoTargetSchema,
  type AppSettings,
  type AppSsoSession,
  type NetworkSettings,
  type RecentContext,
  type SettingsView,
  type SsoTarget
} from '../../shared/settings'
import { readCaFile } from './network'
import { noFileDialogs, type FileDialogs } from './files'
import { sessionOnlyVault, type SecretVault } from './secret-vault'

/** Everything in settings.json: its schema is `appSettingsSchema` (src/shared/settings.ts). */
export type { AppSettings }

/** Read and write access to settings.json, as services see it (electron-store behind an adapter). */
export interface SettingsPort {
  get<K extends keyof AppSettings>(key: K): AppSettings[K]
  set<K extends keyof AppSettings>(key: K, value: NonNullable<AppSettings[K]>): void
  delete(key: keyof AppSettings): void
}

/** Settings held in memory (the CLI, tests): nothing is written anywhere. */
export function memorySettings(initial: AppSettings = {}): SettingsPort {
  const data: AppSettings = { ...initial }
  return {
    get: (key) => data[key],
    set: (key, value) => void (data[key] = value),
    delete: (key) => void Reflect.deleteProperty(data, key)
  }
}

const maxRecent = 8

/**
 * Network options, account labels and recently used contexts, validated before they are stored. A proxy
 * password never reaches settings.json in clear: it is sealed by the vault, or kept for this session.
 */
export class SettingsService {
  private sessionProxyPassword: string | undefined

  constructor(
    private readonly settings: SettingsPort,
    private readonly vault: SecretVault = sessionOnlyVault,
    private readonly dialogs: FileDialogs = noFileDialogs
  ) {
    // Earlier versions stored the password inside the proxy URL: seal it and rewrite the URL.
    const stored = settings.get('network')
    const legacy = stored?.proxyUrl && URL.canParse(stored.proxyUrl) ? new URL(stored.proxyUrl) : undefined
    if (stored && legacy?.password) {
      this.keepProxyPassword(legacy.password)
      legacy.password = ''
      settings.set('network', { ...stored, proxyUrl: legacy.href })
    }
  }

  /** The settings the renderer shows; a proxy password is shown as ****, with where it is kept. */
  view(): SettingsView {
    const stored = this.settings.get('network') ?? {}
    const password = this.proxyPassword()
    const kept = password ? (this.settings.get('sealedProxyPassword') ? 'keychain' : 'session') : undefined
    return {
      network:
        password && stored.proxyUrl ? { ...stored, proxyUrl: withPassword(stored.proxyUrl, '****') } : stored,
      ...(kept ? { proxyPasswordKept: kept } : {}),
      accountLabels: this.settings.get('accountLabels') ?? {},
      recentContexts: this.settings.get('recentContexts') ?? []
    }
  }

  /** The network settings in full, proxy password included (main-process use only). */
  network(): NetworkSettings {
    const stored = this.settings.get('network') ?? {}
    const password = this.proxyPassword()
    return password && stored.proxyUrl
      ? { ...stored, proxyUrl: withPassword(stored.proxyUrl, password) }
      : stored
  }

  /** The proxy password: opened from the vault, else this session's; undefined when there is none. */
  private proxyPassword(): string | undefined {
    const sealed = this.settings.get('sealedProxyPassword')
    if (!sealed) return this.sessionProxyPassword
    try {
      return this.vault.open(sealed)
    } catch {
      // The keychain cannot open it (another OS user, a reset keyring): the admin types it again.
      return undefined
    }
  }

  /** Seals `password` when the OS keychain can, else keeps it in memory; an empty one clears it. */
  private keepProxyPassword(password: string): void {
    this.sessionProxyPassword = undefined
    this.settings.delete('sealedProxyPassword')
    if (!password) return
    if (this.vault.persistent) this.settings.set('sealedProxyPassword', this.vault.seal(password))
    else this.sessionProxyPassword = password
  }

  /** Sets the proxy and CA file; an empty value clears it. A masked password keeps the stored one. */
  setNetwork(input: NetworkSettings): SettingsView {
    const next: NetworkSettings = {}
    let password = ''
    if (input.proxyUrl) {
      // `proxy.corp:3128` without a scheme is an http proxy, as curl and HTTPS_PROXY read it.
      const typed = /^[a-z][a-z\d+.-]*:\/\//i.test(input.proxyUrl)
        ? input.proxyUrl
        : `http://${input.proxyUrl}`
      let url: URL
      try {
        url = new URL(typed)
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
      password = url.password === '****' ? (this.proxyPassword() ?? '') : url.password
      url.password = ''
      next.proxyUrl = url.href
    }
    if (input.caFile) {
      readCaFile(input.caFile, 'Settings → Network')
      next.caFile = input.caFile
    }
    // Only once everything is valid: a refused save leaves the stored proxy and its password as they were.
    this.keepProxyPassword(password)
    this.settings.set('network', next)
    return this.view()
  }

  /** Asks for a CA file in the system's file dialog; null when cancelled. Saving it checks the file. */
  async pickCaFile(): Promise<{ path: string } | null> {
    const path = await this.dialogs.openFile('certificates')
    return path ? { path } : null
  }

  /** Gives an account a label and colour, or removes it (null). A label that breaks the schema is refused. */
  setAccountLabel(accountId: string, label: AccountLabel | null): SettingsView {
    const checked = label ? accountLabelSchema.safeParse(label) : undefined
    if (checked && !checked.success)
      throw new AppError(
        'INVALID_REQUEST',
        `The label is not valid: ${checked.error.issues.map((i) => i.message).join('; ')}`,
        { field: 'label' }
      )
    const others = Object.entries(this.settings.get('accountLabels') ?? {}).filter(([id]) => id !== accountId)
    const labels = Object.fromEntries(checked?.success ? [...others, [accountId, checked.data]] : others)
    this.settings.set('accountLabels', labels)
    return this.view()
  }

  /** The requests per second saved for an account and Region (a quota AWS raised), if any. */
  accountRate(accountId: string, region: string): number | undefined {
    return this.settings.get('accountRates')?.[`${accountId}|${region}`]
  }

  /** Saves (or with null forgets) the rate of an account and Region: 0.1 to 1,000 requests per second. */
  setAccountRate(accountId: string, region: string, rate: number | null): void {
    if (rate !== null && !(Number.isFinite(rate) && rate >= 0.1 && rate <= 1000))
      throw new AppError('INVALID_REQUEST', 'A rate is 0.1 to 1,000 requests per second.', { field: 'rate' })
    const key = `${accountId}|${region}`
    const others = Object.entries(this.settings.get('accountRates') ?? {}).filter(([k]) => k !== key)
    this.settings.set('accountRates', Object.fromEntries(rate === null ? others : [...others, [key, rate]]))
  }

  /** IAM Identity Center sessions typed into the app, and the accounts and roles remembered. */
  sso(): { sessions: AppSsoSession[]; targets: SsoTarget[] } {
    const stored = this.settings.get('sso') ?? {}
    return { sessions: stored.sessions ?? [], targets: stored.targets ?? [] }
  }

  /** Adds a session typed into the app, or replaces the one of that name; refused when it breaks the schema. */
  saveSsoSession(input: AppSsoSession): AppSsoSession[] {
    const checked = appSsoSessionSchema.safeParse(input)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      throw new AppError(
        'INVALID_REQUEST',
        `The IAM Identity Center session is not valid: ${issue?.message}`,
        {
          field: String(issue?.path[0] ?? 'name')
        }
      )
    }
    const { sessions, targets } = this.sso()
    const next = [...sessions.filter((s) => s.name !== checked.data.name), checked.data]
    if (next.length > 50)
      throw new AppError('INVALID_REQUEST', 'The app keeps at most 50 IAM Identity Center sessions.')
    this.settings.set('sso', { sessions: next, targets })
    return next
  }

  /** Forgets a session typed into the app, and the accounts and roles remembered under it. */
  removeSsoSession(name: string): void {
    const { sessions, targets } = this.sso()
    this.settings.set('sso', {
      sessions: sessions.filter((s) => s.name !== name),
      targets: targets.filter((t) => t.session !== name)
    })
  }

  /** Moves an account and role to the front of the remembered ones (at most 200). */
  rememberSsoTarget(target: SsoTarget): SsoTarget[] {
    const checked = ssoTargetSchema.safeParse(target)
    if (!checked.success)
      throw new AppError(
        'INVALID_REQUEST',
        `The account and role are not valid: ${checked.error.issues[0]?.message}`
      )
    const { sessions, targets } = this.sso()
    const next = [checked.data, ...targets.filter((t) => !sameTarget(t, checked.data))].slice(0, 200)
    this.settings.set('sso', { sessions, targets: next })
    return next
  }

  /** Forgets a remembered account and role. */
  forgetSsoTarget(target: Pick<SsoTarget, 'session' | 'accountId' | 'roleName'>): SsoTarget[] {
    const { sessions, targets } = this.sso()
    const next = targets.filter((t) => !sameTarget(t, target))
    this.settings.set('sso', { sessions, targets: next })
    return next
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

const sameTarget = (a: Pick<SsoTarget, 'session' | 'accountId' | 'roleName'>, b: typeof a): boolean =>
  a.session === b.session && a.accountId === b.accountId && a.roleName === b.roleName

/** `raw` with its password set to `password` (already percent-encoded, as URL.password gives it). */
function withPassword(raw: string, password: string): string {
  const url = new URL(raw)
  url.password = password
  return url.href
}

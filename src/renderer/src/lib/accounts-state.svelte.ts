import type {
  AccountLabel,
  CallerIdentity,
  InstanceSummary,
  ProfileList,
  ProfileSummary
} from '../../../shared/accounts'
import type { RecentContext, SettingsView } from '../../../shared/settings'
import type { AppErrorData } from '../../../shared/result'
import { api } from './ipc'

/** Profiles grouped for the Accounts view, in display order. */
export const profileGroups = [
  { id: 'sandbox', title: 'Sandbox — local, no AWS' },
  { id: 'sso', title: 'IAM Identity Center (SSO)' },
  { id: 'assume-role', title: 'Roles' },
  { id: 'static', title: 'Access keys' },
  { id: 'credential-process', title: 'Credential process' },
  { id: 'other', title: 'Other' }
] as const
export type ProfileGroupId = (typeof profileGroups)[number]['id']

export function groupOf(profile: ProfileSummary): ProfileGroupId {
  for (const kind of ['sandbox', 'sso', 'assume-role', 'static', 'credential-process'] as const) {
    if (profile.kinds.includes(kind)) return kind
  }
  return 'other'
}

/**
 * The Accounts state: the profiles, where the admin is working (profile → Region → instance) and who
 * that is (account ID). Main stays stateless; this class sends the context with every call.
 */
export class AccountsState {
  list = $state<ProfileList | undefined>()
  settings = $state<SettingsView>({ network: {}, accountLabels: {}, recentContexts: [] })
  search = $state('')
  listError = $state<AppErrorData | undefined>()

  profile = $state<string | undefined>()
  region = $state<string | undefined>()
  identity = $state<CallerIdentity | undefined>()
  identityError = $state<AppErrorData | undefined>()
  instances = $state<InstanceSummary[] | undefined>()
  instancesError = $state<AppErrorData | undefined>()
  instance = $state<InstanceSummary | undefined>()
  busy = $state(false)

  selectedProfile: ProfileSummary | undefined = $derived(
    this.list?.profiles.find((p) => p.name === this.profile)
  )
  label: AccountLabel | undefined = $derived(
    this.identity ? this.settings.accountLabels[this.identity.accountId] : undefined
  )

  /** Profiles matching the search, by group; empty groups are left out. */
  groups = $derived.by(() => {
    const query = this.search.trim().toLowerCase()
    const matching = (this.list?.profiles ?? []).filter(
      (p) =>
        !query || `${p.name} ${p.label} ${p.region ?? ''} ${p.kinds.join(' ')}`.toLowerCase().includes(query)
    )
    const groups = profileGroups
      .map((group) => ({ ...group, profiles: matching.filter((p) => groupOf(p) === group.id) }))
      .filter((group) => group.profiles.length > 0)
    // The Sandbox leads only on a workstation without AWS profiles; otherwise it comes last.
    const hasAws = this.list?.profiles.some((p) => p.source === 'aws') ?? false
    return hasAws
      ? [...groups.filter((g) => g.id !== 'sandbox'), ...groups.filter((g) => g.id === 'sandbox')]
      : groups
  })

  /** Loads settings and profiles, then restores the last place the admin worked. */
  async load(): Promise<void> {
    const settings = await api.invoke('settings:get', undefined)
    if (settings.ok) this.settings = settings.value
    await this.refreshProfiles()
    const last = this.settings.recentContexts[0]
    if (last && !this.profile && this.list?.profiles.some((p) => p.name === last.profile))
      await this.switchTo(last)
  }

  /** Re-reads the AWS files (on focus, so edits made elsewhere show up). */
  async refreshProfiles(): Promise<void> {
    const result = await api.invoke('accounts:list-profiles', undefined)
    if (result.ok) {
      this.list = result.value
      this.listError = undefined
    } else this.listError = result.error
  }

  /** Picks a profile: its Region by default, then who it is and its instances. */
  async selectProfile(name: string, region?: string): Promise<void> {
    this.profile = name
    this.region = region ?? this.list?.profiles.find((p) => p.name === name)?.region
    this.instance = undefined
    await this.refreshAccount()
  }

  async selectRegion(region: string): Promise<void> {
    this.region = region
    this.instance = undefined
    await this.refreshAccount()
  }

  private async refreshAccount(): Promise<void> {
    const profile = this.profile
    if (!profile) return
    this.busy = true
    this.identity = undefined
    this.instances = undefined
    this.identityError = undefined
    this.instancesError = undefined
    const who = await api.invoke(
      'accounts:whoami',
      this.region ? { profile, region: this.region } : { profile }
    )
    if (this.profile !== profile) return
    if (!who.ok) {
      this.identityError = who.error
      this.busy = false
      return
    }
    this.identity = who.value
    this.region = who.value.region
    const listed = await api.invoke('accounts:list-instances', { profile, region: who.value.region })
    if (this.profile !== profile) return
    if (listed.ok) this.instances = listed.value
    else this.instancesError = listed.error
    this.busy = false
    await this.remember()
  }

  /** Lists the instances again from AWS: the list is kept for an hour, so a new instance needs this. */
  async refreshInstances(): Promise<void> {
    const { profile, region } = this
    if (!profile || !region) return
    this.instances = undefined
    this.instancesError = undefined
    const listed = await api.invoke('accounts:list-instances', { profile, region, refresh: true })
    if (this.profile !== profile || this.region !== region) return
    if (listed.ok) this.instances = listed.value
    else this.instancesError = listed.error
  }

  /** Picks an instance (DescribeInstance) and remembers the whole context. */
  async selectInstance(instanceId: string): Promise<void> {
    const { profile, region } = this
    if (!profile || !region) return
    const described = await api.invoke('accounts:describe-instance', { profile, region, instanceId })
    if (described.ok) {
      this.instance = described.value
      this.instancesError = undefined
      await this.remember()
    } else this.instancesError = described.error
  }

  /** Goes back to a recent context in one step. */
  async switchTo(context: RecentContext): Promise<void> {
    await this.selectProfile(context.profile, context.region)
    if (context.instanceId && this.instances?.some((i) => i.id === context.instanceId))
      await this.selectInstance(context.instanceId)
  }

  async setLabel(label: AccountLabel | null): Promise<AppErrorData | undefined> {
    if (!this.identity) return undefined
    const result = await api.invoke('accounts:set-label', { accountId: this.identity.accountId, label })
    if (result.ok) this.settings = result.value
    return result.ok ? undefined : result.error
  }

  private async remember(): Promise<void> {
    if (!this.profile || !this.region) return
    const result = await api.invoke('accounts:remember', {
      profile: this.profile,
      region: this.region,
      ...(this.instance ? { instanceId: this.instance.id } : {})
    })
    if (result.ok) this.settings = result.value
  }
}

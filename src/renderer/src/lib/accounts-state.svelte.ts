import type {
  AccountLabel,
  CallerIdentity,
  InstanceSummary,
  ProfileList,
  ProfileSummary
} from '../../../shared/accounts'
import type { RecentContext, SettingsView } from '../../../shared/settings'
import type { AppErrorData, Result } from '../../../shared/result'
import { SvelteSet } from 'svelte/reactivity'
import { api } from './ipc'

/** True when AWS did not accept the MFA code typed for a role (ask for the next one). */
export function isMfaRejection(error: AppErrorData): boolean {
  return error.code === 'AWS' && error.details?.mfaRejected === true
}

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
  /** The instance being opened (DescribeInstance), shown as progress until it answers. */
  describing = $state<InstanceSummary | undefined>()
  busy = $state(false)
  /** The profile whose GetCallerIdentity is in flight: an MFA dialog for it waits for the answer. */
  whoamiFor = $state<string | undefined>()
  /** Set while asking again after AWS refused an MFA code, so the dialog says so. */
  mfaRejected = $state(false)
  /** The admin chose to call AWS with a profile whose files have problems. */
  private triedDespiteProblems = new SvelteSet<string>()

  selectedProfile: ProfileSummary | undefined = $derived(
    this.list?.profiles.find((p) => p.name === this.profile)
  )
  /** True when the chosen profile has problems in its files: they are shown before anything is asked of AWS. */
  held = $state(false)
  /** True when the AWS config and credentials files hold no profile (the Sandbox may still be listed). */
  noAwsProfiles: boolean = $derived(
    this.list !== undefined && !this.list.profiles.some((p) => p.source === 'aws')
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

  /**
   * Picks a profile: its Region by default, then who it is and its instances. A profile whose files
   * have problems is held: its problems are shown first, and AWS is asked only with `tryAnyway`.
   */
  async selectProfile(name: string, region?: string): Promise<void> {
    this.profile = name
    this.region = region ?? this.list?.profiles.find((p) => p.name === name)?.region
    this.instance = undefined
    const problems = this.list?.profiles.find((p) => p.name === name)?.problems ?? []
    this.held = problems.length > 0 && !this.triedDespiteProblems.has(name)
    if (this.held) {
      this.identity = undefined
      this.instances = undefined
      this.identityError = undefined
      this.instancesError = undefined
      return
    }
    await this.refreshAccount()
  }

  /** Asks AWS with a profile whose files have problems (they may not stop it from working). */
  async tryAnyway(): Promise<void> {
    if (!this.profile) return
    this.triedDespiteProblems.add(this.profile)
    this.held = false
    await this.refreshAccount()
  }

  async selectRegion(region: string): Promise<void> {
    this.region = region
    this.instance = undefined
    if (!this.held) await this.refreshAccount()
  }

  /** Asks again who the profile is (after a failure the admin fixed, e.g. `aws sso login`). */
  async retry(): Promise<void> {
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
    const ask = (): Promise<Result<CallerIdentity>> =>
      api.invoke('accounts:whoami', this.region ? { profile, region: this.region } : { profile })
    this.whoamiFor = profile
    let who = await ask()
    // A wrong or stale MFA code: ask for the next one (the dialog stays open and says why), a few times.
    for (
      let tries = 1;
      !who.ok && isMfaRejection(who.error) && tries < 5 && this.profile === profile;
      tries++
    ) {
      this.mfaRejected = true
      who = await ask()
    }
    this.mfaRejected = false
    if (this.whoamiFor === profile) this.whoamiFor = undefined
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
    // One instance: nothing to choose, so it is chosen.
    const only = listed.ok && listed.value.length === 1 ? listed.value[0] : undefined
    if (only && !this.instance) await this.selectInstance(only.id)
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

  /** Picks an instance (DescribeInstance, shown as progress) and remembers the whole context. */
  async selectInstance(instanceId: string): Promise<void> {
    const { profile, region } = this
    if (!profile || !region) return
    this.describing = this.instances?.find((i) => i.id === instanceId) ?? {
      id: instanceId,
      arn: '',
      alias: instanceId,
      identityType: 'CONNECT_MANAGED',
      status: ''
    }
    const described = await api.invoke('accounts:describe-instance', { profile, region, instanceId })
    if (this.describing?.id === instanceId) this.describing = undefined
    if (this.profile !== profile || this.region !== region) return
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

import { afterEach, describe, expect, it } from 'vitest'
import {
  AccountsState,
  groupOf,
  profileGroups,
  type ProfileGroupId
} from '../../src/renderer/src/lib/accounts-state.svelte'
import type {
  CallerIdentity,
  InstanceSummary,
  ProfileKind,
  ProfileList,
  ProfileSummary
} from '../../src/shared/accounts'
import type { WindowApi } from '../../src/shared/api'
import type { InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc-contract'
import type { AppErrorData, Result } from '../../src/shared/result'
import type { RecentContext, SettingsView } from '../../src/shared/settings'

type Answer<C extends InvokeChannel> =
  Result<ResponseOf<C>> | ((request: RequestOf<C>) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>>)
type Answers = { [C in InvokeChannel]?: Answer<C> }

/** A window.api answering from `answers` (changeable later) and recording every call. */
function installApi(answers: Answers) {
  const calls: Array<{ channel: InvokeChannel; request: unknown }> = []
  const invoke = async (channel: InvokeChannel, request: unknown): Promise<Result<unknown>> => {
    calls.push({ channel, request })
    const answer = answers[channel] as
      Result<unknown> | ((request: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined
    if (answer === undefined) throw new Error(`the test gave no answer for ${channel}`)
    return typeof answer === 'function' ? answer(request) : answer
  }
  window.api = { invoke: invoke as WindowApi['invoke'], on: () => () => {} }
  return {
    answers,
    channels: (): InvokeChannel[] => calls.map((c) => c.channel),
    /** The requests sent on `channel`, in order. */
    requests: (channel: InvokeChannel): unknown[] =>
      calls.filter((c) => c.channel === channel).map((c) => c.request)
  }
}

afterEach(() => {
  Reflect.deleteProperty(window, 'api')
})

const profile = (
  name: string,
  kinds: ProfileKind[],
  extra: Partial<ProfileSummary> = {}
): ProfileSummary => ({
  name,
  label: name,
  source: 'aws',
  kinds,
  hasEndpointUrl: false,
  problems: [],
  ...extra
})

const prod = profile('prod', ['static'], { region: 'eu-west-2' })
const admin = profile('admin', ['assume-role', 'mfa'], { region: 'us-east-1' })
const sso = profile('dev-sso', ['sso'])
const demo = profile('sandbox:demo', ['sandbox'], {
  label: 'Sandbox — Demo',
  source: 'sandbox',
  region: 'eu-west-2'
})
const listOf = (...profiles: ProfileSummary[]): ProfileList => ({
  profiles,
  files: { config: '~/.aws/config', credentials: '~/.aws/credentials' },
  problems: []
})
const noSettings: SettingsView = { network: {}, accountLabels: {}, recentContexts: [] }
const identity = (accountId: string, region: string): CallerIdentity => ({
  accountId,
  region,
  arn: `arn:aws:iam::${accountId}:user/admin`,
  userId: 'AIDAEXAMPLE'
})
const instance = (id: string, alias: string): InstanceSummary => ({
  id,
  alias,
  arn: `arn:aws:connect:eu-west-2:111122223333:instance/${id}`,
  identityType: 'CONNECT_MANAGED',
  status: 'ACTIVE'
})
const support = instance('inst-1', 'support')
const sales = instance('inst-2', 'sales')
const failure = (code: AppErrorData['code'], message: string): { ok: false; error: AppErrorData } => ({
  ok: false,
  error: { code, message }
})

/**
 * Answers for two accounts: prod (111122223333, eu-west-2) and admin (444455556666, us-east-1). Main's
 * settings start as `initial`; remember and set-label change them and answer the whole of them.
 */
function world(initial: SettingsView = noSettings): Answers {
  let settings: SettingsView = structuredClone(initial)
  return {
    'settings:get': () => ({ ok: true, value: structuredClone(settings) }),
    'accounts:list-profiles': { ok: true, value: listOf(prod, admin, sso, demo) },
    'accounts:whoami': ({ profile, region }) =>
      profile === 'prod'
        ? { ok: true, value: identity('111122223333', region ?? 'eu-west-2') }
        : { ok: true, value: identity('444455556666', region ?? 'us-east-1') },
    'accounts:list-instances': ({ profile }) => ({
      ok: true,
      value: profile === 'prod' ? [support, sales] : []
    }),
    'accounts:describe-instance': ({ instanceId }) =>
      instanceId === 'inst-1' || instanceId === 'inst-2'
        ? { ok: true, value: instanceId === 'inst-1' ? support : sales }
        : failure('NOT_FOUND', `No instance ${instanceId}.`),
    'accounts:remember': (context) => {
      settings = { ...settings, recentContexts: [{ ...context }, ...settings.recentContexts] }
      return { ok: true, value: structuredClone(settings) }
    },
    'accounts:set-label': ({ accountId, label }) => {
      const others = Object.entries(settings.accountLabels).filter(([id]) => id !== accountId)
      settings = {
        ...settings,
        accountLabels: Object.fromEntries(label ? [...others, [accountId, label]] : others)
      }
      return { ok: true, value: structuredClone(settings) }
    }
  }
}

describe('groupOf', () => {
  it.each<[ProfileKind[], ProfileGroupId]>([
    [['sandbox'], 'sandbox'],
    [['sso'], 'sso'],
    [['sso', 'assume-role'], 'sso'],
    [['assume-role', 'mfa'], 'assume-role'],
    [['static', 'mfa'], 'static'],
    [['assume-role', 'static'], 'assume-role'],
    [['credential-process'], 'credential-process'],
    [['web-identity'], 'other'],
    [['login'], 'other'],
    [[], 'other']
  ])('%j → %s', (kinds, group) => {
    expect(groupOf(profile('p', kinds))).toBe(group)
  })
})

describe('AccountsState: profiles', () => {
  it('groups profiles in display order, leaving empty groups out, with the Sandbox last next to AWS profiles', async () => {
    installApi(world())
    const state = new AccountsState()
    await state.refreshProfiles()
    expect(state.groups.map((g) => [g.id, g.profiles.map((p) => p.name)])).toEqual([
      ['sso', ['dev-sso']],
      ['assume-role', ['admin']],
      ['static', ['prod']],
      ['sandbox', ['sandbox:demo']]
    ])
    expect(state.groups[0]?.title).toBe(profileGroups.find((g) => g.id === 'sso')?.title)
  })

  it('leads with the Sandbox on a workstation without AWS profiles', async () => {
    installApi({
      ...world(),
      'accounts:list-profiles': { ok: true, value: listOf(demo, { ...sso, source: 'sandbox' }) }
    })
    const state = new AccountsState()
    await state.refreshProfiles()
    expect(state.groups.map((g) => g.id)).toEqual(['sandbox', 'sso'])
  })

  it('searches name, label, Region and kinds, ignoring case and padding', async () => {
    installApi(world())
    const state = new AccountsState()
    await state.refreshProfiles()
    const names = (): string[] => state.groups.flatMap((g) => g.profiles.map((p) => p.name))
    state.search = '  PROD '
    expect(names()).toEqual(['prod'])
    state.search = 'us-east-1'
    expect(names()).toEqual(['admin'])
    state.search = 'mfa'
    expect(names()).toEqual(['admin'])
    state.search = 'sandbox — demo'
    expect(names()).toEqual(['sandbox:demo'])
    state.search = 'nothing'
    expect(state.groups).toEqual([])
  })

  it('keeps the list error until a later read succeeds', async () => {
    const api = installApi({
      ...world(),
      'accounts:list-profiles': failure('INTERNAL', 'config line 3: no section')
    })
    const state = new AccountsState()
    await state.refreshProfiles()
    expect(state.listError?.message).toBe('config line 3: no section')
    expect(state.list).toBeUndefined()
    expect(state.groups).toEqual([])
    api.answers['accounts:list-profiles'] = { ok: true, value: listOf(prod) }
    await state.refreshProfiles()
    expect(state.listError).toBeUndefined()
    expect(state.list?.profiles).toEqual([prod])
  })
})

describe('AccountsState: choosing where to work', () => {
  it('selects a profile in its own Region, finds who it is and its instances, and remembers the place', async () => {
    const api = installApi(world())
    const state = new AccountsState()
    await state.refreshProfiles()
    await state.selectProfile('prod')
    expect(api.requests('accounts:whoami')).toEqual([{ profile: 'prod', region: 'eu-west-2' }])
    expect(api.requests('accounts:list-instances')).toEqual([{ profile: 'prod', region: 'eu-west-2' }])
    expect(state.selectedProfile).toEqual(prod)
    expect(state.identity?.accountId).toBe('111122223333')
    expect(state.instances).toEqual([support, sales])
    expect(state.busy).toBe(false)
    expect(api.requests('accounts:remember')).toEqual([{ profile: 'prod', region: 'eu-west-2' }])
    expect(state.settings.recentContexts).toEqual([{ profile: 'prod', region: 'eu-west-2' }])
  })

  it('asks without a Region when the profile has none, and takes the Region STS answered from', async () => {
    const api = installApi(world())
    const state = new AccountsState()
    await state.refreshProfiles()
    await state.selectProfile('dev-sso')
    expect(api.requests('accounts:whoami')).toEqual([{ profile: 'dev-sso' }])
    expect(state.region).toBe('us-east-1')
    expect(api.requests('accounts:list-instances')).toEqual([{ profile: 'dev-sso', region: 'us-east-1' }])
  })

  it('is busy while the account is being asked, and not after', async () => {
    let answer: (value: Result<CallerIdentity>) => void = () => {}
    installApi({
      ...world(),
      'accounts:whoami': () => new Promise<Result<CallerIdentity>>((resolve) => (answer = resolve))
    })
    const state = new AccountsState()
    const selecting = state.selectProfile('prod', 'eu-west-2')
    expect(state.busy).toBe(true)
    answer({ ok: true, value: identity('111122223333', 'eu-west-2') })
    await selecting
    expect(state.busy).toBe(false)
  })

  it('shows a failed whoami and lists no instances', async () => {
    const api = installApi({
      ...world(),
      'accounts:whoami': failure('CREDENTIALS', 'The SSO session has expired. Run aws sso login.')
    })
    const state = new AccountsState()
    await state.selectProfile('prod', 'eu-west-2')
    expect(state.identityError?.code).toBe('CREDENTIALS')
    expect(state.identity).toBeUndefined()
    expect(state.instances).toBeUndefined()
    expect(state.busy).toBe(false)
    expect(api.requests('accounts:list-instances')).toEqual([])
    expect(api.requests('accounts:remember')).toEqual([])
  })

  it('shows a failed instance listing next to a known identity', async () => {
    installApi({
      ...world(),
      'accounts:list-instances': failure('AWS', 'AccessDeniedException: connect:ListInstances')
    })
    const state = new AccountsState()
    await state.selectProfile('prod', 'eu-west-2')
    expect(state.identity?.accountId).toBe('111122223333')
    expect(state.instances).toBeUndefined()
    expect(state.instancesError?.message).toContain('ListInstances')
    expect(state.busy).toBe(false)
  })

  it('clears the previous account’s identity, instances and errors when another profile is chosen', async () => {
    const api = installApi({ ...world(), 'accounts:list-instances': failure('AWS', 'denied') })
    const state = new AccountsState()
    await state.selectProfile('prod', 'eu-west-2')
    expect(state.instancesError).toBeDefined()
    api.answers['accounts:list-instances'] = { ok: true, value: [] }
    await state.selectProfile('admin', 'us-east-1')
    expect(state.identity?.accountId).toBe('444455556666')
    expect(state.instancesError).toBeUndefined()
    expect(state.instances).toEqual([])
  })

  it('ignores the late answers of a profile the admin has already left', async () => {
    const pending = new Map<string, (value: Result<CallerIdentity>) => void>()
    const api = installApi({
      ...world(),
      'accounts:whoami': ({ profile }) =>
        new Promise<Result<CallerIdentity>>((resolve) => pending.set(profile, resolve))
    })
    const state = new AccountsState()
    const first = state.selectProfile('prod', 'eu-west-2')
    const second = state.selectProfile('admin', 'us-east-1')
    pending.get('admin')?.({ ok: true, value: identity('444455556666', 'us-east-1') })
    await second
    pending.get('prod')?.({ ok: true, value: identity('111122223333', 'eu-west-2') })
    await first
    expect(state.profile).toBe('admin')
    expect(state.identity?.accountId).toBe('444455556666')
    expect(state.instances).toEqual([])
    expect(api.requests('accounts:list-instances')).toEqual([{ profile: 'admin', region: 'us-east-1' }])
    expect(api.requests('accounts:remember')).toEqual([{ profile: 'admin', region: 'us-east-1' }])
  })

  it('changes Region: forgets the instance and asks the account again there', async () => {
    const api = installApi(world())
    const state = new AccountsState()
    await state.selectProfile('prod', 'eu-west-2')
    await state.selectInstance('inst-1')
    await state.selectRegion('eu-central-1')
    expect(state.instance).toBeUndefined()
    expect(state.region).toBe('eu-central-1')
    expect(api.requests('accounts:whoami').at(-1)).toEqual({ profile: 'prod', region: 'eu-central-1' })
    expect(api.requests('accounts:list-instances').at(-1)).toEqual({
      profile: 'prod',
      region: 'eu-central-1'
    })
  })

  it('selects an instance and remembers the whole context; a failure shows next to the instances', async () => {
    const api = installApi(world())
    const state = new AccountsState()
    await state.selectProfile('prod', 'eu-west-2')
    await state.selectInstance('inst-2')
    expect(api.requests('accounts:describe-instance')).toEqual([
      { profile: 'prod', region: 'eu-west-2', instanceId: 'inst-2' }
    ])
    expect(state.instance).toEqual(sales)
    expect(api.requests('accounts:remember').at(-1)).toEqual({
      profile: 'prod',
      region: 'eu-west-2',
      instanceId: 'inst-2'
    })
    expect(state.settings.recentContexts[0]).toEqual({
      profile: 'prod',
      region: 'eu-west-2',
      instanceId: 'inst-2'
    })

    await state.selectInstance('inst-9')
    expect(state.instancesError?.message).toBe('No instance inst-9.')
    expect(state.instance).toEqual(sales)
  })

  it('does not describe an instance before a profile and Region are chosen', async () => {
    const api = installApi(world())
    await new AccountsState().selectInstance('inst-1')
    expect(api.channels()).toEqual([])
  })
})

describe('AccountsState: issue 12 (problems first, one instance, MFA again, progress)', () => {
  const broken = profile('broken', ['assume-role'], {
    problems: [
      { file: '/home/ana/.aws/config', line: 27, reason: 'source_profile "missing" does not exist.' }
    ]
  })

  it('holds a profile whose files have problems: nothing is asked of AWS until Ask anyway', async () => {
    const api = installApi({
      ...world(),
      'accounts:list-profiles': { ok: true, value: listOf(prod, broken) }
    })
    const state = new AccountsState()
    await state.refreshProfiles()
    await state.selectProfile('broken')
    expect(state.held).toBe(true)
    expect(api.requests('accounts:whoami')).toEqual([])
    await state.selectRegion('us-east-1')
    expect(api.requests('accounts:whoami')).toEqual([])
    await state.tryAnyway()
    expect(state.held).toBe(false)
    expect(api.requests('accounts:whoami')).toEqual([{ profile: 'broken', region: 'us-east-1' }])
    // Once asked, choosing it again asks again (the admin knows its problems).
    await state.selectProfile('prod')
    await state.selectProfile('broken')
    expect(state.held).toBe(false)
  })

  it('chooses the only instance by itself, and shows the one being opened meanwhile', async () => {
    let release: (() => void) | undefined
    const api = installApi({
      ...world(),
      'accounts:list-instances': { ok: true, value: [support] },
      'accounts:describe-instance': () =>
        new Promise((resolve) => (release = () => resolve({ ok: true, value: support })))
    })
    const state = new AccountsState()
    const choosing = state.selectProfile('prod')
    await expect.poll(() => state.describing?.id).toBe('inst-1')
    expect(state.instance).toBeUndefined()
    release?.()
    await choosing
    expect(state.describing).toBeUndefined()
    expect(state.instance).toEqual(support)
    expect(api.requests('accounts:describe-instance')).toEqual([
      { profile: 'prod', region: 'eu-west-2', instanceId: 'inst-1' }
    ])
  })

  it('asks again after AWS refused an MFA code, saying so while it asks; stops on any other answer', async () => {
    const refused = {
      ok: false as const,
      error: {
        code: 'AWS' as const,
        message: 'That MFA code was not accepted',
        details: { awsCode: 'AccessDenied', mfaRejected: true }
      }
    }
    const seen: boolean[] = []
    let calls = 0
    const state = new AccountsState()
    installApi({
      ...world(),
      'accounts:whoami': () => {
        seen.push(state.mfaRejected)
        calls++
        return calls < 3 ? refused : { ok: true, value: identity('444455556666', 'us-east-1') }
      }
    })
    await state.selectProfile('admin')
    expect(seen).toEqual([false, true, true])
    expect(state.mfaRejected).toBe(false)
    expect(state.whoamiFor).toBeUndefined()
    expect(state.identity?.accountId).toBe('444455556666')
  })
})

describe('AccountsState: restoring the last place and labels', () => {
  const last: RecentContext = { profile: 'prod', region: 'eu-central-1', instanceId: 'inst-2' }

  it('restores the most recent context at load: profile, Region and instance', async () => {
    const api = installApi(
      world({ ...noSettings, recentContexts: [last, { profile: 'admin', region: 'us-east-1' }] })
    )
    const state = new AccountsState()
    await state.load()
    expect(state.profile).toBe('prod')
    expect(state.region).toBe('eu-central-1')
    expect(state.instance).toEqual(sales)
    expect(api.requests('accounts:whoami')).toEqual([{ profile: 'prod', region: 'eu-central-1' }])
  })

  it('restores no instance the account no longer lists, and nothing for a deleted profile', async () => {
    const gone = installApi(world({ ...noSettings, recentContexts: [{ ...last, instanceId: 'inst-old' }] }))
    const state = new AccountsState()
    await state.load()
    expect(state.profile).toBe('prod')
    expect(state.instance).toBeUndefined()
    expect(gone.requests('accounts:describe-instance')).toEqual([])

    const api = installApi(
      world({ ...noSettings, recentContexts: [{ profile: 'deleted', region: 'eu-west-2' }] })
    )
    const fresh = new AccountsState()
    await fresh.load()
    expect(fresh.profile).toBeUndefined()
    expect(api.requests('accounts:whoami')).toEqual([])
  })

  it('does not move an admin who already chose a profile', async () => {
    const api = installApi(world({ ...noSettings, recentContexts: [last] }))
    const state = new AccountsState()
    await state.selectProfile('admin', 'us-east-1')
    await state.load()
    expect(state.profile).toBe('admin')
    expect(api.requests('accounts:whoami')).toEqual([{ profile: 'admin', region: 'us-east-1' }])
  })

  it('shows the label of the account the identity belongs to, and sets or clears it', async () => {
    const labelled: SettingsView = {
      ...noSettings,
      accountLabels: { '111122223333': { label: 'PROD', color: 'red' } }
    }
    const api = installApi(world(labelled))
    const state = new AccountsState()
    expect(await state.setLabel({ label: 'X', color: 'blue' })).toBeUndefined()
    expect(api.requests('accounts:set-label')).toEqual([])

    await state.load()
    await state.selectProfile('admin', 'us-east-1')
    expect(state.label).toBeUndefined()
    await state.selectProfile('prod', 'eu-west-2')
    expect(state.label).toEqual({ label: 'PROD', color: 'red' })

    expect(await state.setLabel({ label: 'LIVE', color: 'orange' })).toBeUndefined()
    expect(api.requests('accounts:set-label')).toEqual([
      { accountId: '111122223333', label: { label: 'LIVE', color: 'orange' } }
    ])
    expect(state.label).toEqual({ label: 'LIVE', color: 'orange' })
    await state.setLabel(null)
    expect(state.label).toBeUndefined()

    api.answers['accounts:set-label'] = failure('INTERNAL', 'settings.json is read-only')
    expect(await state.setLabel({ label: 'LIVE', color: 'orange' })).toEqual({
      code: 'INTERNAL',
      message: 'settings.json is read-only'
    })
    expect(state.label).toBeUndefined()
  })
})

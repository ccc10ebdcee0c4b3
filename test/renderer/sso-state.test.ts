import { afterEach, describe, expect, it } from 'vitest'
import { AccountsState } from '../../src/renderer/src/lib/accounts-state.svelte'
import { SsoState, failureText } from '../../src/renderer/src/lib/sso-state.svelte'
import type { ProfileSummary } from '../../src/shared/accounts'
import type { WindowApi } from '../../src/shared/api'
import type { InvokeChannel } from '../../src/shared/ipc-contract'
import type { Result } from '../../src/shared/result'
import type { SsoEvent, SsoSessionStatus, SsoSignInStarted } from '../../src/shared/sso'

/** A window.api whose answers the test gives (a function may return a promise the test settles later). */
function installApi(answers: Partial<Record<InvokeChannel, (request: never) => unknown>>) {
  const calls: Array<{ channel: InvokeChannel; request: unknown }> = []
  let listener: ((event: SsoEvent) => void) | undefined
  const invoke = async (channel: InvokeChannel, request: unknown): Promise<Result<unknown>> => {
    calls.push({ channel, request })
    const answer = answers[channel]
    if (!answer) throw new Error(`the test gave no answer for ${channel}`)
    return (await answer(request as never)) as Result<unknown>
  }
  window.api = {
    invoke: invoke as WindowApi['invoke'],
    on: ((channel: string, next: (event: SsoEvent) => void) => {
      if (channel === 'sso:event') listener = next
      return () => (listener = undefined)
    }) as WindowApi['on']
  }
  return {
    calls,
    requests: (channel: InvokeChannel): unknown[] =>
      calls.filter((c) => c.channel === channel).map((c) => c.request),
    emit: (event: SsoEvent): void => listener?.(event)
  }
}

afterEach(() => {
  Reflect.deleteProperty(window, 'api')
})

const status = (
  session: string,
  signedIn: boolean,
  extra: Partial<SsoSessionStatus> = {}
): SsoSessionStatus => ({
  session,
  source: 'aws-config',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  region: 'eu-west-2',
  profiles: [],
  signedIn,
  refreshable: signedIn,
  ...extra
})
const started = (signInId: string, extra: Partial<SsoSignInStarted> = {}): SsoSignInStarted => ({
  signInId,
  session: 'corp',
  flow: 'authorization-code',
  url: 'https://oidc.eu-west-2.amazonaws.com/authorize?client_id=x',
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
  browserOpened: true,
  ...extra
})

/** A promise the test settles. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {}
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}
const flush = (): Promise<void> => new Promise((done) => setTimeout(done, 0))

describe('SsoState', () => {
  it('lists the sessions at start and follows session changes from main', async () => {
    const bridge = installApi({
      'sso:list-sessions': () => ({ ok: true, value: { sessions: [status('corp', false)], problems: [] } })
    })
    const sso = new SsoState()
    const stop = sso.start()
    await flush()
    expect(sso.sessions.map((s) => [s.session, s.signedIn])).toEqual([['corp', false]])
    bridge.emit({ type: 'session-changed', status: status('corp', true) })
    bridge.emit({ type: 'session-changed', status: status('other', true) })
    expect(sso.sessions.map((s) => [s.session, s.signedIn])).toEqual([
      ['corp', true],
      ['other', true]
    ])
    stop()
  })

  it('follows a sign-in: starting, then the page opened, then signed in (the dialog closes)', async () => {
    const answer = deferred<Result<SsoSessionStatus>>()
    const bridge = installApi({ 'sso:sign-in': () => answer.promise })
    const sso = new SsoState()
    const signedIn = sso.beginSignIn({ session: 'corp' })
    expect(sso.signIn).toMatchObject({ phase: 'starting', title: 'corp' })
    sso.onEvent({ type: 'sign-in-started', started: started('s1') })
    expect(sso.signIn).toMatchObject({ phase: 'waiting', started: { signInId: 's1', browserOpened: true } })
    answer.resolve({ ok: true, value: status('corp', true) })
    expect(await signedIn).toBe(true)
    expect(sso.signIn).toBeUndefined()
    expect(sso.statusOf('corp')?.signedIn).toBe(true)
    expect(bridge.requests('sso:sign-in')).toEqual([{ ref: { session: 'corp' } }])
  })

  it('cancels a sign-in as soon as main names it, when Cancel came first; the dialog closes', async () => {
    const answer = deferred<Result<SsoSessionStatus>>()
    const bridge = installApi({
      'sso:sign-in': () => answer.promise,
      'sso:cancel-sign-in': () => ({ ok: true, value: null })
    })
    const sso = new SsoState()
    const signedIn = sso.beginSignIn({ session: 'corp' })
    sso.cancelSignIn()
    expect(bridge.requests('sso:cancel-sign-in')).toEqual([])
    sso.onEvent({ type: 'sign-in-started', started: started('s2') })
    expect(bridge.requests('sso:cancel-sign-in')).toEqual([{ signInId: 's2' }])
    sso.onEvent({
      type: 'sign-in-failed',
      signInId: 's2',
      session: 'corp',
      reason: 'cancelled',
      error: { code: 'CREDENTIALS', message: 'cancelled', details: { command: 'x' } }
    })
    answer.resolve({ ok: false, error: { code: 'CREDENTIALS', message: 'The sign-in was cancelled.' } })
    expect(await signedIn).toBe(false)
    expect(sso.signIn).toBeUndefined()
  })

  it('keeps a failure open with its reason and what to do; Try again starts over and settles the sign-in', async () => {
    let answer = deferred<Result<SsoSessionStatus>>()
    const bridge = installApi({ 'sso:sign-in': () => answer.promise })
    const sso = new SsoState()
    let outcome: boolean | undefined
    const first = sso.beginSignIn({ session: 'corp' }).then((v) => (outcome = v))
    sso.onEvent({ type: 'sign-in-started', started: started('s3') })
    const message = 'Access was denied in the browser for IAM Identity Center session "corp".'
    sso.onEvent({
      type: 'sign-in-failed',
      signInId: 's3',
      session: 'corp',
      reason: 'denied',
      error: { code: 'CREDENTIALS', message, details: { command: 'x' } }
    })
    answer.resolve({ ok: false, error: { code: 'CREDENTIALS', message, details: { command: 'x' } } })
    await flush()
    expect(sso.signIn).toMatchObject({ phase: 'failed', reason: 'denied', error: { message } })
    expect(failureText.denied.title).toBe('Access denied in the browser')
    // The dialog stays open: whoever started the sign-in still waits for its outcome.
    expect(outcome).toBeUndefined()

    answer = deferred()
    const again = sso.retrySignIn()
    expect(sso.signIn).toMatchObject({ phase: 'starting' })
    answer.resolve({ ok: true, value: status('corp', true) })
    await again
    expect(await first).toBe(true)
    expect(bridge.requests('sso:sign-in')).toHaveLength(2)
  })

  it('settles the sign-in as not signed in when a failure is closed', async () => {
    installApi({
      'sso:sign-in': () => ({ ok: false, error: { code: 'CREDENTIALS', message: 'The code expired.' } })
    })
    const sso = new SsoState()
    const outcome = sso.beginSignIn({ session: 'corp' })
    await flush()
    expect(sso.signIn?.phase).toBe('failed')
    sso.cancelSignIn()
    expect(await outcome).toBe(false)
    expect(sso.signIn).toBeUndefined()
  })

  it('names a failure main reported before any page opened by its error (the network, the configuration)', async () => {
    installApi({
      'sso:sign-in': () => ({
        ok: false,
        error: {
          code: 'NETWORK_PROXY',
          message: 'Cannot reach IAM Identity Center through the proxy proxy:8080'
        }
      })
    })
    const sso = new SsoState()
    void sso.beginSignIn({ session: 'corp' })
    await flush()
    expect(sso.signIn).toMatchObject({ phase: 'failed', reason: 'network' })
    installApi({
      'sso:sign-in': () => ({
        ok: false,
        error: { code: 'AWS', message: 'refused', details: { awsCode: 'InvalidRequestException' } }
      })
    })
    void sso.beginSignIn({ session: 'corp' })
    await flush()
    expect(sso.signIn).toMatchObject({ phase: 'failed', reason: 'config' })
  })

  it('switches to the device code: the waiting sign-in is cancelled and its late answer ignored', async () => {
    const answers = [deferred<Result<SsoSessionStatus>>(), deferred<Result<SsoSessionStatus>>()]
    let n = 0
    const bridge = installApi({
      'sso:sign-in': () => answers[n++]?.promise,
      'sso:cancel-sign-in': () => ({ ok: true, value: null })
    })
    const sso = new SsoState()
    const first = sso.beginSignIn({ session: 'corp' })
    sso.onEvent({ type: 'sign-in-started', started: started('s4') })
    const second = sso.retrySignIn({ useDeviceCode: true })
    await flush()
    expect(bridge.requests('sso:cancel-sign-in')).toEqual([{ signInId: 's4' }])
    expect(bridge.requests('sso:sign-in')[1]).toEqual({ ref: { session: 'corp' }, useDeviceCode: true })
    answers[0]?.resolve({ ok: false, error: { code: 'CREDENTIALS', message: 'cancelled' } })
    await flush()
    expect(sso.signIn).toMatchObject({ phase: 'starting', useDeviceCode: true })
    sso.onEvent({
      type: 'sign-in-started',
      started: started('s5', { flow: 'device-code', userCode: 'ABCD-EFGH' })
    })
    expect(sso.signIn?.started?.userCode).toBe('ABCD-EFGH')
    answers[1]?.resolve({ ok: true, value: status('corp', true) })
    await second
    // The sign-in the admin started (say, from Sign in) ends signed in, though by another flow.
    expect(await first).toBe(true)
  })

  it('finds the session behind a profile and whether it is signed out', () => {
    installApi({})
    const sso = new SsoState()
    sso.sessions = [status('corp', false), status('dev', true)]
    const configProfile: ProfileSummary = {
      name: 'dev-admin',
      label: 'dev-admin',
      source: 'aws',
      kinds: ['sso'],
      ssoSession: 'dev',
      hasEndpointUrl: false,
      problems: []
    }
    expect(sso.refFor('sso:corp/111122223333/Admin')).toEqual({ session: 'corp' })
    expect(sso.refFor('dev-admin', configProfile)).toEqual({ profile: 'dev-admin' })
    expect(sso.refFor('prod', { ...configProfile, kinds: ['static'] })).toBeUndefined()
    expect(sso.signedOut({ session: 'corp' })).toBe(true)
    expect(sso.signedOut({ profile: 'dev-admin' }, configProfile)).toBe(false)
    expect(sso.signedOut({ session: 'unknown' })).toBe(false)
  })

  it('chooses a role: remembered with its account name, listed, then picked as the profile', async () => {
    const role = {
      accountId: '111122223333',
      roleName: 'ConnectAdmin',
      profile: 'sso:corp/111122223333/ConnectAdmin'
    }
    const summary: ProfileSummary = {
      name: role.profile,
      label: 'Alpha · ConnectAdmin',
      source: 'aws',
      kinds: ['sso'],
      region: 'eu-west-2',
      ssoSession: 'corp',
      hasEndpointUrl: false,
      problems: []
    }
    const bridge = installApi({
      'sso:accounts': () => ({
        ok: true,
        value: [{ accountId: '111122223333', accountName: 'Alpha', roles: [role] }]
      }),
      'sso:remember-target': () => ({ ok: true, value: [] }),
      'accounts:list-profiles': () => ({
        ok: true,
        value: { profiles: [summary], files: { config: 'c', credentials: 'k' }, problems: [] }
      }),
      'accounts:whoami': () => ({
        ok: true,
        value: { accountId: '111122223333', region: 'eu-west-2', arn: 'arn', userId: 'u' }
      }),
      'accounts:list-instances': () => ({ ok: true, value: [] }),
      'accounts:remember': () => ({ ok: true, value: { network: {}, accountLabels: {}, recentContexts: [] } })
    })
    const sso = new SsoState()
    const accounts = new AccountsState()
    await sso.openPicker('corp')
    expect(sso.picker?.accounts?.[0]?.accountName).toBe('Alpha')
    const account = sso.picker?.accounts?.[0]
    if (!account) throw new Error('no account')
    expect(await sso.choose(accounts, account, role, 'corp')).toBeUndefined()
    expect(bridge.requests('sso:remember-target')).toEqual([
      { session: 'corp', accountId: '111122223333', roleName: 'ConnectAdmin', accountName: 'Alpha' }
    ])
    expect(sso.picker).toBeUndefined()
    expect(accounts.profile).toBe(role.profile)
    expect(accounts.selectedProfile?.label).toBe('Alpha · ConnectAdmin')
    expect(accounts.region).toBe('eu-west-2')
    expect(accounts.identity?.accountId).toBe('111122223333')
  })
})

/**
 * The IAM Identity Center channels as the window calls them: through the real dispatcher (schema check
 * + envelope) and handlers, against a Sandbox over HTTP, with a stand-in browser on its sign-in pages.
 * Sessions listed, typed in and removed; sign-in (authorization code and device code) with its progress
 * forwarded as `sso:event`; denial and cancel; accounts and roles; a remembered role listed with the
 * profiles and answering whoami; sign-out. Every answer and event is searched for the token, the
 * refresh token, the client secret and the role credentials: none crosses.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { contextBridge, ipcRenderer } from '../fakes/electron'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { createHandlers } from '../../src/main/handlers'
import { dispatch, type Handlers } from '../../src/main/ipc/dispatch'
import { awsConfigSnippet } from '../../src/main/sandbox/aws-config'
import { demoSeed } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { memorySettings } from '../../src/main/services/settings-service'
import { SsoTokenCache, tokenCacheKey } from '../../src/main/services/sso/token-cache'
import type { WindowApi } from '../../src/shared/api'
import {
  eventChannels,
  invokeChannels,
  type EventContract,
  type InvokeChannel,
  type RequestOf,
  type ResponseOf
} from '../../src/shared/ipc-contract'
import type { Result } from '../../src/shared/result'
import type { SsoEvent } from '../../src/shared/sso'
import { unpaced } from '../integration/sandbox-helpers'
import { visitSignInPage, type BrowserChoice } from '../integration/sso-browser'

let sandbox: Sandbox
let now = Date.now()
const clock = {
  now: (): number => now,
  sleep: async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) throw signal.reason
    now += ms
  }
}
let home: string
let browser: BrowserChoice | 'ignore' = { decision: 'allow' }
let services: Services
let handlers: Handlers
/** Everything main handed the renderer: every envelope and every event. */
const crossed: unknown[] = []
const events: SsoEvent[] = []

async function call<C extends InvokeChannel>(
  channel: C,
  request: RequestOf<C>
): Promise<Result<ResponseOf<C>>> {
  const result = (await dispatch(handlers, channel, request)) as Result<ResponseOf<C>>
  crossed.push(result)
  return result
}

async function value<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await call(channel, request)
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`)
  return result.value
}

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 }, wallClock: () => now })
  home = mkdtempSync(join(tmpdir(), 'cp-sso-ipc-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'config'), awsConfigSnippet(demoSeed(), sandbox.url))
  writeFileSync(join(home, '.aws', 'credentials'), '')
  services = createServices({
    name: 'test',
    version: '0',
    userDataPath: join(home, 'data'),
    settings: memorySettings(),
    openStore: openFileDocumentStore,
    notices: [],
    emit: (channel, payload) => {
      crossed.push({ channel, payload })
      if (channel === 'sso:event') events.push(payload as EventContract['sso:event'])
    },
    env: {
      HOME: home,
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    },
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    pace: unpaced,
    sso: {
      clock,
      openBrowser: async (url) => {
        if (browser !== 'ignore') await visitSignInPage(url, browser)
      }
    }
  })
  handlers = createHandlers(services)
})
afterAll(async () => {
  await services?.sandbox.stop()
  await sandbox?.close()
})
beforeEach(() => {
  browser = { decision: 'allow' }
  events.length = 0
})

describe('the contract and the preload', () => {
  it('lists every SSO channel, and the preload lets sso:event through without the IpcRendererEvent', async () => {
    expect(invokeChannels).toEqual(
      expect.arrayContaining([
        'sso:list-sessions',
        'sso:sign-in',
        'sso:cancel-sign-in',
        'sso:sign-out',
        'sso:accounts',
        'sso:roles',
        'sso:save-session',
        'sso:remove-session',
        'sso:remember-target',
        'sso:forget-target'
      ])
    )
    expect(eventChannels).toContain('sso:event')
    await import('../../src/preload/index')
    const api = contextBridge.exposed['api'] as WindowApi
    const received: unknown[][] = []
    const off = api.on('sso:event', (...args: unknown[]) => received.push(args))
    const payload = { type: 'session-changed', status: { session: 's' } }
    ipcRenderer.emit('sso:event', { sender: 'secret-handle' }, payload)
    off()
    expect(received).toEqual([[payload]])
  })

  it('refuses malformed requests before any handler runs', async () => {
    for (const [channel, request] of [
      ['sso:sign-in', { ref: { session: '' } }],
      ['sso:sign-in', { ref: { session: 'a', profile: 'b' } }],
      ['sso:roles', { session: 'sandbox', accountId: 'abc' }],
      ['sso:cancel-sign-in', { signInId: 'x'.repeat(65) }],
      ['sso:remember-target', { session: 'sandbox', accountId: '111122223333', roleName: 'a/b' }],
      ['sso:save-session', { name: 'x', startUrl: 'http://d-1.awsapps.com/start', region: 'us-east-1' }]
    ] as const) {
      const result = await call(channel, request as never)
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    }
  })
})

describe('sessions', () => {
  it('lists the config session and the Sandbox’s, none signed in', async () => {
    const list = await value('sso:list-sessions', undefined)
    expect(list.sessions.map((s) => [s.session, s.source, s.signedIn])).toEqual([
      ['sandbox', 'aws-config', false],
      ['sandbox:identity-center', 'sandbox', false]
    ])
  })

  it('saves a session typed into the app, refuses a config name, removes only the app’s own', async () => {
    const saved = await value('sso:save-session', {
      name: 'corp',
      startUrl: 'https://d-1234567890.awsapps.com/start',
      region: 'eu-west-2'
    })
    expect(saved.sessions.find((s) => s.session === 'corp')).toMatchObject({
      source: 'app',
      startUrl: 'https://d-1234567890.awsapps.com/start',
      region: 'eu-west-2',
      signedIn: false
    })
    expect(services.settings.sso().sessions).toEqual([
      { name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-2' }
    ])
    expect(
      await call('sso:save-session', {
        name: 'sandbox',
        startUrl: 'https://x.awsapps.com/start',
        region: 'us-east-1'
      })
    ).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(/already .* named "sandbox" in ~\/\.aws\/config/)
      }
    })
    expect(await call('sso:remove-session', { name: 'sandbox' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/removed in that file/) }
    })
    const removed = await value('sso:remove-session', { name: 'corp' })
    expect(removed.sessions.map((s) => s.session)).toEqual(['sandbox', 'sandbox:identity-center'])
  })

  it('drops the token of an app session saved again with another start URL (it is cached by name)', async () => {
    const corp = { name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-2' }
    await value('sso:save-session', corp)
    // As if signed in earlier (expired, so signing out calls nothing).
    const cache = new SsoTokenCache(join(home, '.aws', 'sso', 'cache'))
    cache.writeToken('corp', {
      startUrl: corp.startUrl,
      region: corp.region,
      accessToken: 'old-token',
      expiresAt: '2020-01-01T00:00:00Z'
    })
    await value('sso:save-session', corp)
    expect(cache.readToken('corp')?.accessToken).toBe('old-token')
    await value('sso:save-session', { ...corp, startUrl: 'https://d-0987654321.awsapps.com/start' })
    expect(cache.readToken('corp')).toBeUndefined()
    await value('sso:remove-session', { name: 'corp' })
  })
})

describe('sign-in, accounts and roles, sign-out', () => {
  it('signs in through the browser and tells the window each step as sso:event', async () => {
    const status = await value('sso:sign-in', { ref: { session: 'sandbox' } })
    expect(status).toMatchObject({ session: 'sandbox', signedIn: true, refreshable: true })
    expect(events.map((e) => e.type)).toEqual(['sign-in-started', 'signed-in', 'session-changed'])
    expect(events[0]).toMatchObject({
      type: 'sign-in-started',
      started: { session: 'sandbox', flow: 'authorization-code', browserOpened: true }
    })
    const listed = await value('sso:list-sessions', undefined)
    expect(listed.sessions.find((s) => s.session === 'sandbox')?.signedIn).toBe(true)
  })

  it('lists every account with its roles and ready profile names; roles of one account', async () => {
    const accounts = await value('sso:accounts', { session: 'sandbox' })
    expect(accounts.map((a) => [a.accountName, a.accountId, a.roles.map((r) => r.roleName)])).toEqual([
      ['Alpha Contact Center', '111122223333', ['ConnectAdmin', 'ConnectReadOnly']],
      ['Bravo Retail', '444455556666', ['ConnectAdmin']],
      ['Log Archive', '210987654321', ['ReadOnlyAccess']],
      ['Shared Services', '777788889999', ['ReadOnlyAccess']]
    ])
    expect(accounts[0]?.roles[0]?.profile).toBe('sso:sandbox/111122223333/ConnectAdmin')
    expect(await value('sso:roles', { session: 'sandbox', accountId: '444455556666' })).toEqual([
      {
        accountId: '444455556666',
        roleName: 'ConnectAdmin',
        profile: 'sso:sandbox/444455556666/ConnectAdmin'
      }
    ])
  })

  it('remembers a role: listed with the profiles, restored by name, answering whoami; forgotten again', async () => {
    const targets = await value('sso:remember-target', {
      session: 'sandbox',
      accountId: '111122223333',
      roleName: 'ConnectAdmin',
      accountName: 'Alpha Contact Center'
    })
    expect(targets).toHaveLength(1)
    const profiles = await value('accounts:list-profiles', undefined)
    expect(profiles.profiles.find((p) => p.name === 'sso:sandbox/111122223333/ConnectAdmin')).toEqual({
      name: 'sso:sandbox/111122223333/ConnectAdmin',
      label: 'Alpha Contact Center · ConnectAdmin',
      source: 'aws',
      kinds: ['sso'],
      region: 'us-east-1',
      hasEndpointUrl: false,
      ssoSession: 'sandbox',
      problems: []
    })
    const who = await value('accounts:whoami', { profile: 'sso:sandbox/111122223333/ConnectAdmin' })
    expect(who).toMatchObject({ accountId: '111122223333', region: 'us-east-1' })
    expect(who.arn).toMatch(/AWSReservedSSO_ConnectAdmin/)

    await value('sso:forget-target', {
      session: 'sandbox',
      accountId: '111122223333',
      roleName: 'ConnectAdmin'
    })
    const after = await value('accounts:list-profiles', undefined)
    expect(after.profiles.some((p) => p.name.startsWith('sso:'))).toBe(false)
  })

  it('lists a role of the Sandbox’s Identity Center as a Sandbox account', async () => {
    await value('sso:remember-target', {
      session: 'sandbox:identity-center',
      accountId: '444455556666',
      roleName: 'ConnectAdmin',
      accountName: 'Bravo Retail'
    })
    const profiles = await value('accounts:list-profiles', undefined)
    expect(profiles.profiles.find((p) => p.ssoSession === 'sandbox:identity-center')).toMatchObject({
      name: 'sso:sandbox:identity-center/444455556666/ConnectAdmin',
      label: 'Sandbox — Bravo Retail · ConnectAdmin (local, no AWS)',
      source: 'sandbox',
      kinds: ['sandbox', 'sso']
    })
  })

  it('signs in with a device code: the code and the page are in the started event', async () => {
    await value('sso:sign-in', { ref: { session: 'sandbox' }, useDeviceCode: true })
    expect(events[0]).toMatchObject({
      type: 'sign-in-started',
      started: {
        flow: 'device-code',
        userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
        verificationUri: `${sandbox.url}/device`
      }
    })
  })

  it('reports a denial as sign-in-failed (denied) and an error saying what to do', async () => {
    browser = { decision: 'deny' }
    const result = await call('sso:sign-in', { ref: { session: 'sandbox' } })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'CREDENTIALS', message: expect.stringMatching(/denied in the browser.*choose Allow/) }
    })
    expect(events.at(-1)).toMatchObject({ type: 'sign-in-failed', reason: 'denied', session: 'sandbox' })
  })

  it('cancels a sign-in waiting for the browser', async () => {
    browser = 'ignore'
    const pending = call('sso:sign-in', { ref: { session: 'sandbox' } })
    await expect.poll(() => events.find((e) => e.type === 'sign-in-started')).toBeDefined()
    const started = events.find((e) => e.type === 'sign-in-started')
    if (started?.type !== 'sign-in-started') throw new Error('no sign-in-started')
    expect(await value('sso:cancel-sign-in', { signInId: started.started.signInId })).toBeNull()
    expect(await pending).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/was cancelled/) }
    })
    expect(events.at(-1)).toMatchObject({ type: 'sign-in-failed', reason: 'cancelled' })
    // An unknown sign-in is ignored.
    expect(await value('sso:cancel-sign-in', { signInId: 'no-such-sign-in' })).toBeNull()
  })

  it('never hands the window a token, refresh token, client secret or role credential', async () => {
    const cache = join(home, '.aws', 'sso', 'cache')
    const secrets = new Set<string>()
    for (const file of readdirSync(cache)) {
      const data = JSON.parse(readFileSync(join(cache, file), 'utf8')) as Record<string, unknown>
      for (const key of ['accessToken', 'refreshToken', 'clientSecret'])
        if (typeof data[key] === 'string') secrets.add(data[key])
    }
    expect(readdirSync(cache)).toContain(`${tokenCacheKey('sandbox')}.json`)
    const role = await services.sso.roleCredentials('sandbox', '111122223333', 'ConnectAdmin')
    secrets.add(role.secretAccessKey).add(role.sessionToken)
    expect(secrets.size).toBeGreaterThanOrEqual(5)
    const everything = JSON.stringify(crossed)
    for (const secret of secrets) expect(everything.includes(secret), 'a secret crossed IPC').toBe(false)
  })

  it('signs out: Logout, the token removed, the window told', async () => {
    const result = await value('sso:sign-out', { ref: { session: 'sandbox' } })
    expect(result).toMatchObject({ removed: true, loggedOut: true, status: { signedIn: false } })
    expect(events.at(-1)).toMatchObject({
      type: 'session-changed',
      status: { session: 'sandbox', signedIn: false }
    })
    expect(await call('sso:accounts', { session: 'sandbox' })).toMatchObject({
      ok: false,
      error: { code: 'CREDENTIALS', message: expect.stringMatching(/not signed in/) }
    })
  })
})

/**
 * IAM Identity Center sign-in end to end against the Sandbox, with the app's services and a stand-in
 * browser that drives the Sandbox's sign-in pages over HTTP: authorization code with PKCE and device
 * code (approved, denied, slowed down, timed out, cancelled, the loopback unavailable), the token cache
 * as the AWS CLI v2 writes it and the AWS SDK's own fromSSO/fromIni reading it, refresh before expiry,
 * sign-out, the accounts and roles granted (or none), and a role that creates a Connect user. Time is
 * a fake clock shared by the service and the Sandbox: nothing here waits for a real interval.
 */
import { ListInstancesCommand } from '@aws-sdk/client-connect'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { fromSSO } from '@aws-sdk/credential-provider-sso'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AppError } from '../../src/shared/result'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { awsConfigSnippet } from '../../src/main/sandbox/aws-config'
import { demoSeed } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { memorySettings } from '../../src/main/services/settings-service'
import type { SsoEvent } from '../../src/main/services/sso/sso-service'
import type { SsoError } from '../../src/main/services/sso/sso-errors'
import { tokenCacheKey } from '../../src/main/services/sso/token-cache'
import type { NetworkSettings } from '../../src/shared/settings'
import { connect, demo, unpaced } from './sandbox-helpers'
import { visitSignInPage, type BrowserChoice } from './sso-browser'

let sandbox: Sandbox
let now = Date.now()
const slept: number[] = []
const clock = {
  now: (): number => now,
  sleep: async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) throw signal.reason
    slept.push(ms)
    now += ms
  }
}
let home: string
let env: NodeJS.ProcessEnv
let browser: BrowserChoice | 'ignore' = { decision: 'allow' }
const visits: string[] = []
const homeBefore = process.env['HOME']

/** The stand-in browser: loads the page and answers it as `browser` says. */
async function openBrowser(url: string): Promise<void> {
  visits.push(url)
  if (browser === 'ignore') return
  await visitSignInPage(url, browser)
}

function servicesWith(
  options: { network?: NetworkSettings; listen?: () => Promise<never>; timeoutMs?: number } = {}
): Services {
  return createServices({
    name: 'test',
    version: '0',
    userDataPath: join(home, 'data'),
    settings: memorySettings(options.network ? { network: options.network } : {}),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    env,
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
    pace: unpaced,
    sso: { openBrowser, clock, pageSize: 2, ...(options.listen ? { listen: options.listen } : {}) }
  })
}

let services: Services
const events: SsoEvent[] = []

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 }, wallClock: () => now })
  home = mkdtempSync(join(tmpdir(), 'cp-sso-home-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'config'), awsConfigSnippet(demoSeed(), sandbox.url))
  writeFileSync(join(home, '.aws', 'credentials'), '')
  env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true'
  }
  // The AWS SDK's own providers find ~/.aws/sso/cache through this process's HOME.
  process.env['HOME'] = home
  services = servicesWith()
  services.sso.on((event) => events.push(event))
})
afterAll(async () => {
  if (homeBefore === undefined) delete process.env['HOME']
  else process.env['HOME'] = homeBefore
  await sandbox?.close()
})
beforeEach(() => {
  browser = { decision: 'allow' }
  slept.length = 0
  events.length = 0
  visits.length = 0
  sandbox.stats.reset()
})

const cacheFile = (id: string): string => join(home, '.aws', 'sso', 'cache', `${tokenCacheKey(id)}.json`)

async function failure(promise: Promise<unknown>): Promise<SsoError> {
  try {
    await promise
  } catch (error) {
    return error as SsoError
  }
  throw new Error('expected a failure')
}

describe('sign in with the authorization code (PKCE)', () => {
  it('opens the authorization page, takes the loopback redirect and caches the token as the AWS CLI v2 does', async () => {
    const status = await services.sso.signIn({ session: 'sandbox' })
    expect(status).toMatchObject({
      session: 'sandbox',
      source: 'aws-config',
      signedIn: true,
      refreshable: true
    })
    expect(visits[0]).toMatch(
      new RegExp(
        `^${sandbox.url}/authorize\\?response_type=code&client_id=[\\w-]+&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A\\d+%2Foauth%2Fcallback&state=[0-9a-f-]{36}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=[\\w-]{43}$`
      )
    )
    const started = events.find((e) => e.type === 'sign-in-started')
    expect(started?.type === 'sign-in-started' && started.started).toMatchObject({
      flow: 'authorization-code',
      browserOpened: true,
      session: 'sandbox'
    })
    expect(events.map((e) => e.type)).toEqual(['sign-in-started', 'signed-in', 'session-changed'])
    // No event carries a token.
    expect(JSON.stringify(events)).not.toMatch(/aoa|aor|clientSecret/)

    const file = cacheFile('sandbox')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(
      /^\{"startUrl": "http:\/\/127\.0\.0\.1:\d+\/start", "region": "us-east-1", "accessToken": "aoa[\w-]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[\w-]+", "clientSecret": "[\w.-]+", "registrationExpiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "refreshToken": "aor[\w-]+"\}$/
    )
    expect(Date.parse(JSON.parse(text).expiresAt)).toBe(Math.floor((now + 3_600_000) / 1000) * 1000)
  })

  it('reports a denial in the browser and caches nothing', async () => {
    await services.sso.signOut({ session: 'sandbox' })
    browser = { decision: 'deny' }
    const error = await failure(services.sso.signIn({ session: 'sandbox' }))
    expect(error.reason).toBe('denied')
    expect(error.code).toBe('CREDENTIALS')
    expect(error.message).toMatch(/denied in the browser.*choose Allow/)
    expect(existsSync(cacheFile('sandbox'))).toBe(false)
    expect(events.at(-1)).toMatchObject({ type: 'sign-in-failed', reason: 'denied', session: 'sandbox' })
  })

  it('times out when the browser never answers, and can be cancelled', async () => {
    browser = 'ignore'
    const timedOut = await failure(services.sso.signIn({ session: 'sandbox' }, { timeoutMs: 200 }))
    expect(timedOut.reason).toBe('timeout')
    expect(timedOut.message).toMatch(/no answer from the browser/)
    const cancelled = await failure(
      services.sso.signIn(
        { session: 'sandbox' },
        { onStarted: (started) => services.sso.cancelSignIn(started.signInId) }
      )
    )
    expect(cancelled.reason).toBe('cancelled')
  })
})

describe('sign in with a device code', () => {
  it('polls at the interval, honours slow-down (+5 s) and caches the token', async () => {
    sandbox.identityCenter.slowDownNext(1)
    const status = await services.sso.signIn({ session: 'sandbox' }, { useDeviceCode: true })
    expect(status.signedIn).toBe(true)
    expect(slept).toEqual([1000, 6000])
    expect(sandbox.stats.count('CreateToken')).toBe(2)
    const started = events.find((e) => e.type === 'sign-in-started')
    expect(started?.type === 'sign-in-started' && started.started).toMatchObject({
      flow: 'device-code',
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: `${sandbox.url}/device`,
      browserOpened: true
    })
  })

  it('falls back to the device code when no loopback port can be opened', async () => {
    const noLoopback = servicesWith({
      listen: () => Promise.reject(Object.assign(new Error('listen EACCES'), { code: 'EACCES' }))
    })
    const seen: SsoEvent[] = []
    noLoopback.sso.on((e) => seen.push(e))
    await noLoopback.sso.signIn({ session: 'sandbox' })
    const started = seen.find((e) => e.type === 'sign-in-started')
    expect(started?.type === 'sign-in-started' && started.started).toMatchObject({
      flow: 'device-code',
      fallback: expect.stringMatching(/No loopback port could be opened on 127\.0\.0\.1 \(EACCES\)/)
    })
  })

  it('reports a code that expired before anyone approved it', async () => {
    browser = 'ignore'
    // Slowed down at every poll (1, 6, 11… seconds apart), the ten minutes pass in about 16 polls.
    sandbox.identityCenter.slowDownNext(100)
    try {
      const error = await failure(services.sso.signIn({ session: 'sandbox' }, { useDeviceCode: true }))
      expect(error.reason).toBe('expired')
      expect(error.message).toMatch(/expired before it was approved/)
      expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(600_000)
      expect(slept.slice(0, 3)).toEqual([1000, 6000, 11000])
    } finally {
      sandbox.identityCenter.slowDownNext(0)
    }
  })

  it('signs a legacy sso_start_url profile in by device code, under the start URL, which the SDK reads', async () => {
    const status = await services.sso.signIn({ profile: 'sandbox-sso-legacy' })
    expect(status).toMatchObject({ source: 'legacy-profile', signedIn: true, refreshable: false })
    const token = JSON.parse(readFileSync(cacheFile(`${sandbox.url}/start`), 'utf8'))
    expect(token.refreshToken).toBeUndefined()
    const credentials = await fromIni({
      profile: 'sandbox-sso-legacy',
      filepath: env['AWS_SHARED_CREDENTIALS_FILE'] ?? '',
      configFilepath: env['AWS_CONFIG_FILE'] ?? '',
      ignoreCache: true,
      clientConfig: { endpoint: sandbox.url }
    })()
    expect(credentials.accessKeyId).toMatch(/^ASIA/)
  })
})

describe('the token, shared with the AWS toolchain', () => {
  it('is read by the AWS SDK’s own fromSSO and fromIni, whose credentials work against Connect', async () => {
    await services.sso.signIn({ session: 'sandbox' })
    const files = {
      filepath: env['AWS_SHARED_CREDENTIALS_FILE'] ?? '',
      configFilepath: env['AWS_CONFIG_FILE'] ?? '',
      ignoreCache: true,
      clientConfig: { endpoint: sandbox.url }
    }
    const viaSso = await fromSSO({ profile: 'sandbox-sso-alpha-connectadmin', ...files })()
    const viaIni = await fromIni({ profile: 'sandbox-sso-bravo-connectadmin', ...files })()
    expect(viaSso.accessKeyId).toMatch(/^ASIA/)
    const alpha = await connect(sandbox, demo.alpha, { credentials: viaSso }).send(
      new ListInstancesCommand({})
    )
    expect(alpha.InstanceSummaryList?.map((i) => i.Id)).toEqual([demo.alpha.instanceId])
    const bravo = await connect(sandbox, demo.bravo, { credentials: viaIni }).send(
      new ListInstancesCommand({})
    )
    expect(bravo.InstanceSummaryList?.map((i) => i.Id)).toEqual([demo.bravo.instanceId])
  })

  it('lets an sso-session profile of ~/.aws/config work in the app, renewing the token first', async () => {
    await services.sso.signIn({ session: 'sandbox' })
    const before = JSON.parse(readFileSync(cacheFile('sandbox'), 'utf8'))
    now += 50 * 60_000 // 10 minutes left: inside the 15-minute window
    const instances = await services.directory.instances(
      { profile: 'sandbox-sso-alpha-connectadmin', region: 'us-east-1' },
      { refresh: true }
    )
    expect(instances.map((i) => i.alias)).toEqual(['alpha-contact-center'])
    const after = JSON.parse(readFileSync(cacheFile('sandbox'), 'utf8'))
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(after.clientId).toBe(before.clientId)
    expect(Date.parse(after.expiresAt)).toBe(Math.floor((now + 3_600_000) / 1000) * 1000)
  })
})

describe('accounts, roles and role credentials', () => {
  it('lists every account (page by page) and role, and a role from ListAccountRoles creates a user', async () => {
    await services.sso.signIn({ session: 'sandbox' })
    const accounts = await services.sso.accountsWithRoles('sandbox')
    expect(sandbox.stats.count('ListAccounts')).toBe(2) // 4 accounts, 2 a page
    expect(accounts.map((a) => [a.accountName, a.roles.map((r) => r.roleName)])).toEqual([
      ['Alpha Contact Center', ['ConnectAdmin', 'ConnectReadOnly']],
      ['Bravo Retail', ['ConnectAdmin']],
      ['Log Archive', ['ReadOnlyAccess']],
      ['Shared Services', ['ReadOnlyAccess']]
    ])
    const role = accounts[0]?.roles.find((r) => r.roleName === 'ConnectAdmin')
    expect(role?.profile).toBe('sso:sandbox/111122223333/ConnectAdmin')
    services.templates.save({
      name: 'SSO agent',
      routingProfile: 'Sales Inbound',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 30 }
    })
    const context = await services.directory.resolveInstance(
      { profile: role?.profile ?? '', region: 'us-east-1' },
      'alpha-contact-center'
    )
    const created = await services.createUser.create({
      context,
      template: 'SSO agent',
      person: {
        username: 'sso.created',
        firstName: 'Sso',
        lastName: 'Created',
        email: 'sso.created@alpha.example.com',
        password: 'Sup3rSecretPassw0rd'
      }
    })
    expect(created).toMatchObject({ username: 'sso.created', accountId: '111122223333' })
    expect((await services.directory.identity({ profile: role?.profile ?? '' })).arn).toMatch(
      /assumed-role\/AWSReservedSSO_ConnectAdmin_[0-9a-f]{16}\/admin$/
    )
    // Role credentials are kept until shortly before they expire: one GetRoleCredentials.
    expect(sandbox.stats.count('GetRoleCredentials')).toBe(1)
  })

  it('says what to do when Identity Center grants no account', async () => {
    browser = { decision: 'allow', userName: 'newcomer' }
    await services.sso.signIn({ session: 'sandbox' })
    const error = await failure(services.sso.accounts('sandbox'))
    expect(error.reason).toBe('no-access')
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toMatch(/grants you no AWS account: ask your administrator/)
  })

  it('refuses a role the session does not grant, saying so', async () => {
    browser = { decision: 'allow', userName: 'auditor' }
    await services.sso.signIn({ session: 'sandbox' })
    const error = (await failure(
      services.directory.identity({ profile: 'sso:sandbox/111122223333/ConnectAdmin' }, { refresh: true })
    )) as AppError & { reason?: string }
    expect(error.reason).toBe('no-access')
    expect(error.message).toMatch(/does not grant you this role/)
  })
})

describe('sign-out and errors', () => {
  it('signs out: Logout, then the cache file is gone and calls ask to sign in', async () => {
    await services.sso.signIn({ session: 'sandbox' })
    const result = await services.sso.signOut({ session: 'sandbox' })
    expect(result).toMatchObject({ removed: true, loggedOut: true, status: { signedIn: false } })
    expect(sandbox.stats.count('Logout')).toBe(1)
    expect(existsSync(cacheFile('sandbox'))).toBe(false)
    const error = await failure(services.sso.accounts('sandbox'))
    expect(error.code).toBe('CREDENTIALS')
    expect(error.message).toMatch(/not signed in.*connect-provisioner login --sso-session sandbox/)
  })

  it('names the proxy when Identity Center cannot be reached through it', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as { port: number }).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const behindProxy = servicesWith({ network: { proxyUrl: `http://127.0.0.1:${port}` } })
    const error = await failure(behindProxy.sso.signIn({ session: 'sandbox' }))
    expect(error.reason).toBe('network')
    expect(error.code).toBe('NETWORK_PROXY')
    expect(error.message).toMatch(new RegExp(`through the proxy 127\\.0\\.0\\.1:${port}`))
  })

  it('signs in to the built-in Sandbox’s Identity Center, caching its token in the app’s folder only', async () => {
    const status = await services.sso.signIn({ session: 'sandbox:identity-center' })
    expect(status).toMatchObject({ source: 'sandbox', signedIn: true })
    expect(
      existsSync(join(home, 'data', 'sandbox-sso-cache', `${tokenCacheKey('sandbox:identity-center')}.json`))
    ).toBe(true)
    expect(existsSync(cacheFile('sandbox:identity-center'))).toBe(false)
    await services.sandbox.stop()
  })
})

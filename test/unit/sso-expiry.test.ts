/**
 * When the SSO service renews a token, and what it says when it cannot: more than 15 minutes left is
 * used as is; less is renewed once (concurrent callers share the renewal) and written back as the AWS
 * CLI v2 writes it; a failed renewal keeps a token that still works and asks for a sign-in once it has
 * expired; the status the window shows follows the same rules. A fake clock, and a small stand-in for
 * SSO OIDC and the portal on 127.0.0.1 that counts what it is asked.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ProfileService } from '../../src/main/services/profile-service'
import { SsoSessions } from '../../src/main/services/sso/sessions'
import { SsoService } from '../../src/main/services/sso/sso-service'
import type { SsoError } from '../../src/main/services/sso/sso-errors'
import {
  serializeToken,
  SsoTokenCache,
  utcTimestamp,
  type CachedToken
} from '../../src/main/services/sso/token-cache'

let server: Server
let endpoint: string
let now = Date.UTC(2026, 5, 1, 9, 0, 0)
const seen: Array<{ path: string; token?: string; grant?: string }> = []
let refreshAnswer: { status: number; body: unknown } = { status: 200, body: {} }
let issued = 0

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const header = req.headers['x-amz-sso_bearer_token']
      const token = Array.isArray(header) ? header[0] : header
      const grant = body ? (JSON.parse(body) as { grantType?: string }).grantType : undefined
      seen.push({ path, ...(token ? { token } : {}), ...(grant ? { grant } : {}) })
      const answer =
        path === '/token'
          ? refreshAnswer.status === 200
            ? {
                status: 200,
                body: {
                  accessToken: `renewed-${++issued}`,
                  tokenType: 'Bearer',
                  expiresIn: 3600,
                  refreshToken: `refresh-${issued}`
                }
              }
            : refreshAnswer
          : { status: 200, body: { accountList: [{ accountId: '111122223333', accountName: 'Prod' }] } }
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (answer.status !== 200) headers['x-amzn-errortype'] = 'InvalidGrantException'
      res.writeHead(answer.status, headers)
      res.end(JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server?.close())

let home: string
let service: SsoService
let cache: SsoTokenCache

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cp-sso-expiry-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(
    join(home, '.aws', 'config'),
    '[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = eu-west-1\n'
  )
  const env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_SSO_OIDC: endpoint,
    AWS_ENDPOINT_URL_SSO: endpoint
  }
  const sessions = new SsoSessions(new ProfileService(env), () => [], env, join(home, 'data'))
  service = new SsoService({
    sessions,
    network: () => ({}),
    env,
    dataFolder: join(home, 'data'),
    clock: { now: () => now, sleep: () => Promise.resolve() },
    retry: {
      policy: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      deps: { sleep: async () => {}, random: () => 0 }
    }
  })
  cache = new SsoTokenCache(join(home, '.aws', 'sso', 'cache'))
  seen.length = 0
  refreshAnswer = { status: 200, body: {} }
})

function cached(minutesLeft: number, extra: Partial<CachedToken> = {}): CachedToken {
  const token: CachedToken = {
    startUrl: 'https://d-1234567890.awsapps.com/start',
    region: 'eu-west-1',
    accessToken: 'original',
    expiresAt: utcTimestamp(now + minutesLeft * 60_000),
    clientId: 'client',
    clientSecret: 'secret',
    registrationExpiresAt: utcTimestamp(now + 80 * 86_400_000),
    refreshToken: 'refresh-0',
    ...extra
  }
  cache.writeToken('corp', token)
  return token
}

async function failure(promise: Promise<unknown>): Promise<SsoError> {
  try {
    await promise
  } catch (error) {
    return error as SsoError
  }
  throw new Error('expected a failure')
}

describe('renewing the token', () => {
  it('uses a token with more than 15 minutes left as it is', async () => {
    cached(20)
    await service.accounts('corp')
    expect(seen).toEqual([{ path: '/assignment/accounts', token: 'original' }])
  })

  it('renews one with less, once for concurrent callers, and writes it back as the AWS CLI does', async () => {
    cached(10)
    await Promise.all([service.accounts('corp'), service.roles('corp', '111122223333').catch(() => [])])
    expect(seen.filter((s) => s.path === '/token')).toEqual([{ path: '/token', grant: 'refresh_token' }])
    const renewed = cache.readToken('corp')
    expect(renewed).toMatchObject({
      clientId: 'client',
      clientSecret: 'secret',
      refreshToken: `refresh-${issued}`
    })
    expect(renewed?.accessToken).toBe(`renewed-${issued}`)
    expect(renewed?.expiresAt).toBe(utcTimestamp(now + 3_600_000))
    expect(seen.filter((s) => s.path !== '/token').every((s) => s.token === `renewed-${issued}`)).toBe(true)
    expect(readFileSync(cache.tokenFile('corp'), 'utf8')).toBe(serializeToken(renewed as CachedToken))
  })

  it('keeps a token that still works when the renewal is refused, and asks to sign in once it expired', async () => {
    refreshAnswer = { status: 400, body: { error: 'invalid_grant', error_description: 'no' } }
    cached(10)
    await service.accounts('corp')
    expect(seen.at(-1)).toEqual({ path: '/assignment/accounts', token: 'original' })
    // Not asked again for 30 s while the token still works.
    await service.accounts('corp', { refresh: true })
    expect(seen.filter((s) => s.path === '/token')).toHaveLength(1)
    now += 31_000
    cached(-1)
    const error = await failure(service.accounts('corp', { refresh: true }))
    expect(error.code).toBe('CREDENTIALS')
    expect(error.reason).toBe('session-ended')
    expect(error.message).toMatch(
      /session "corp" has expired or was signed out.*connect-provisioner login --sso-session corp/
    )
  })

  it('cannot renew without a refresh token or with an expired registration: the expired token asks for a sign-in', async () => {
    cached(-1, { refreshToken: undefined })
    expect((await failure(service.accounts('corp'))).message).toMatch(/has expired\. Sign in/)
    cached(-1, { registrationExpiresAt: utcTimestamp(now - 1000) })
    expect((await failure(service.accounts('corp'))).message).toMatch(/has expired\. Sign in/)
    expect(seen.filter((s) => s.path === '/token')).toEqual([])
  })
})

describe('the status the window shows', () => {
  it('is signed in while the token works or can be renewed, and never carries the token', async () => {
    expect(await service.status({ session: 'corp' })).toMatchObject({ signedIn: false, refreshable: false })
    cached(30)
    const status = await service.status({ session: 'corp' })
    expect(status).toEqual({
      session: 'corp',
      source: 'aws-config',
      startUrl: 'https://d-1234567890.awsapps.com/start',
      region: 'eu-west-1',
      profiles: [],
      signedIn: true,
      expiresAt: new Date(now + 30 * 60_000).toISOString(),
      refreshable: true
    })
    cached(-5)
    expect(await service.status({ session: 'corp' })).toMatchObject({ signedIn: true, refreshable: true })
    cached(-5, { refreshToken: undefined })
    expect(await service.status({ session: 'corp' })).toMatchObject({ signedIn: false, refreshable: false })
  })
})

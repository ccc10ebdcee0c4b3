/**
 * The Sandbox's IAM Identity Center through AWS's own SDK clients (SSO OIDC, SSO portal, Connect):
 * the shapes and errors of every operation, the device and authorization-code flows through its pages,
 * slow-down, refresh, logout, and role credentials that work against its Connect API.
 */
import { ListInstancesCommand } from '@aws-sdk/client-connect'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand
} from '@aws-sdk/client-sso-oidc'
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
  paginateListAccounts
} from '@aws-sdk/client-sso'
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { connect, demo, sts } from './sandbox-helpers'
import { visitSignInPage } from './sso-browser'

let sandbox: Sandbox
let now = Date.now()
let oidc: SSOOIDCClient
let portal: SSOClient

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 }, wallClock: () => now })
  oidc = new SSOOIDCClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 })
  portal = new SSOClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 })
})
afterAll(async () => {
  oidc?.destroy()
  portal?.destroy()
  await sandbox?.close()
})

const startUrl = (): string => `${sandbox.url}/start`

async function errorOf(
  promise: Promise<unknown>
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

async function deviceClient(scopes?: string[]): Promise<{ clientId: string; clientSecret: string }> {
  const registered = await oidc.send(
    new RegisterClientCommand({ clientName: 'test', clientType: 'public', ...(scopes ? { scopes } : {}) })
  )
  return { clientId: registered.clientId ?? '', clientSecret: registered.clientSecret ?? '' }
}

describe('SSO OIDC device flow', () => {
  it('registers, authorizes, answers pending, honours slow-down and issues tokens once approved', async () => {
    const client = await deviceClient(['sso:account:access'])
    const started = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: startUrl() }))
    expect(started.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/)
    expect(started.verificationUriComplete).toBe(`${sandbox.url}/device?user_code=${started.userCode}`)
    expect(started.interval).toBe(1)
    expect(started.expiresIn).toBe(600)
    const poll = (): Promise<unknown> =>
      oidc.send(
        new CreateTokenCommand({
          ...client,
          grantType: 'urn:ietf:params:oauth:grant-type:device_code',
          deviceCode: started.deviceCode
        })
      )
    expect((await errorOf(poll())).name).toBe('AuthorizationPendingException')
    // Polled again at once: too soon.
    const slow = await errorOf(poll())
    expect(slow.name).toBe('SlowDownException')
    expect(slow.$metadata?.httpStatusCode).toBe(400)
    now += 6_000 // the interval is now 1 + 5 seconds
    expect((await errorOf(poll())).name).toBe('AuthorizationPendingException')
    now += 6_000
    const visit = await visitSignInPage(started.verificationUriComplete ?? '', { decision: 'allow' })
    expect(visit.finalStatus).toBe(200)
    expect(visit.finalBody).toContain('Request approved')
    const token = (await poll()) as { accessToken?: string; refreshToken?: string; expiresIn?: number }
    expect(token.accessToken).toMatch(/^aoa/)
    expect(token.refreshToken).toMatch(/^aor/)
    expect(token.expiresIn).toBe(3600)
    // A device code is used once.
    expect((await errorOf(poll())).name).toBe('InvalidGrantException')
  })

  it('reports a denial, an expired code, a bad client and a foreign start URL', async () => {
    const client = await deviceClient()
    const start = (): Promise<{ deviceCode?: string; userCode?: string }> =>
      oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: startUrl() }))
    const poll = (deviceCode?: string): Promise<unknown> =>
      oidc.send(
        new CreateTokenCommand({
          ...client,
          grantType: 'urn:ietf:params:oauth:grant-type:device_code',
          deviceCode
        })
      )
    const denied = await start()
    await visitSignInPage(`${sandbox.url}/device?user_code=${denied.userCode}`, { decision: 'deny' })
    expect((await errorOf(poll(denied.deviceCode))).name).toBe('AccessDeniedException')

    const expired = await start()
    now += 601_000
    expect((await errorOf(poll(expired.deviceCode))).name).toBe('ExpiredTokenException')

    const badSecret = await errorOf(
      oidc.send(
        new StartDeviceAuthorizationCommand({ ...client, clientSecret: 'nope', startUrl: startUrl() })
      )
    )
    expect(badSecret.name).toBe('InvalidClientException')
    expect(badSecret.$metadata?.httpStatusCode).toBe(401)
    const foreign = await errorOf(
      oidc.send(
        new StartDeviceAuthorizationCommand({ ...client, startUrl: 'https://d-1234567890.awsapps.com/start' })
      )
    )
    expect(foreign.name).toBe('InvalidRequestException')
    // Registered without scopes (legacy sso_start_url): no refresh token.
    const legacy = await start()
    sandbox.identityCenter.decideDevice(legacy.userCode ?? '', 'allow', 'admin')
    now += 2_000
    const token = (await poll(legacy.deviceCode)) as { refreshToken?: string }
    expect(token.refreshToken).toBeUndefined()
  })

  it('answers SlowDownException on demand (slowDownNext)', async () => {
    const client = await deviceClient(['sso:account:access'])
    const started = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: startUrl() }))
    sandbox.identityCenter.slowDownNext(1)
    const error = await errorOf(
      oidc.send(
        new CreateTokenCommand({
          ...client,
          grantType: 'urn:ietf:params:oauth:grant-type:device_code',
          deviceCode: started.deviceCode
        })
      )
    )
    expect(error.name).toBe('SlowDownException')
  })
})

/** A loopback listener that records the one redirect it receives. */
async function loopback(): Promise<{ uri: string; hit: Promise<URL>; close(): void }> {
  let resolveHit: (url: URL) => void = () => {}
  const hit = new Promise<URL>((resolve) => (resolveHit = resolve))
  const server = createServer((req, res) => {
    res.end('ok')
    resolveHit(new URL(req.url ?? '/', 'http://127.0.0.1'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { uri: `http://127.0.0.1:${port}/oauth/callback`, hit, close: () => server.close() }
}

describe('SSO OIDC authorization code with PKCE', () => {
  const verifier = randomBytes(48).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')

  async function pkceClient(): Promise<{ clientId: string; clientSecret: string }> {
    const registered = await oidc.send(
      new RegisterClientCommand({
        clientName: 'pkce-test',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: startUrl(),
        scopes: ['sso:account:access']
      })
    )
    return { clientId: registered.clientId ?? '', clientSecret: registered.clientSecret ?? '' }
  }

  const authorizeUrl = (clientId: string, redirectUri: string, state: string): string =>
    `${sandbox.url}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: 'S256',
      scopes: 'sso:account:access'
    })}&code_challenge=${challenge}`

  it('signs in through the page, redirects with code and state, and exchanges it with the verifier', async () => {
    const client = await pkceClient()
    const listener = await loopback()
    try {
      const visit = await visitSignInPage(authorizeUrl(client.clientId, listener.uri, 'state-1'), {
        decision: 'allow',
        userName: 'admin'
      })
      expect(visit.pages[0]).toContain('Allow pkce-test to access your data?')
      const callback = await listener.hit
      expect(callback.searchParams.get('state')).toBe('state-1')
      const code = callback.searchParams.get('code') ?? ''
      const exchange = (codeVerifier: string): Promise<{ accessToken?: string; refreshToken?: string }> =>
        oidc.send(
          new CreateTokenCommand({
            ...client,
            grantType: 'authorization_code',
            code,
            redirectUri: listener.uri,
            codeVerifier
          })
        )
      const token = await exchange(verifier)
      expect(token.accessToken).toMatch(/^aoa/)
      expect(token.refreshToken).toMatch(/^aor/)
      expect((await errorOf(exchange(verifier))).name).toBe('InvalidGrantException') // codes are single-use
    } finally {
      listener.close()
    }
  })

  it('redirects a denial as access_denied, and refuses a wrong verifier', async () => {
    const client = await pkceClient()
    const denied = await loopback()
    try {
      await visitSignInPage(authorizeUrl(client.clientId, denied.uri, 's2'), { decision: 'deny' })
      const callback = await denied.hit
      expect(callback.searchParams.get('error')).toBe('access_denied')
      expect(callback.searchParams.get('state')).toBe('s2')
    } finally {
      denied.close()
    }
    const wrong = await loopback()
    try {
      await visitSignInPage(authorizeUrl(client.clientId, wrong.uri, 's3'), { decision: 'allow' })
      const code = (await wrong.hit).searchParams.get('code') ?? ''
      const error = await errorOf(
        oidc.send(
          new CreateTokenCommand({
            ...client,
            grantType: 'authorization_code',
            code,
            redirectUri: wrong.uri,
            codeVerifier: 'x'.repeat(64)
          })
        )
      )
      expect(error.name).toBe('InvalidGrantException')
    } finally {
      wrong.close()
    }
    // A redirect URI that was not registered is never redirected to.
    const page = await fetch(authorizeUrl(client.clientId, 'https://evil.example/cb', 's4'), {
      redirect: 'manual'
    })
    expect(page.status).toBe(400)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
  })
})

describe('the access portal', () => {
  async function signIn(userName: string): Promise<{
    accessToken: string
    refreshToken: string
    client: { clientId: string; clientSecret: string }
  }> {
    const client = await deviceClient(['sso:account:access'])
    const started = await oidc.send(new StartDeviceAuthorizationCommand({ ...client, startUrl: startUrl() }))
    sandbox.identityCenter.decideDevice(started.userCode ?? '', 'allow', userName)
    const token = await oidc.send(
      new CreateTokenCommand({
        ...client,
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        deviceCode: started.deviceCode
      })
    )
    return { accessToken: token.accessToken ?? '', refreshToken: token.refreshToken ?? '', client }
  }

  it('lists accounts and roles page by page, and gives role credentials that work against Connect and STS', async () => {
    const { accessToken } = await signIn('admin')
    const accounts = []
    let pages = 0
    for await (const page of paginateListAccounts({ client: portal, pageSize: 3 }, { accessToken })) {
      pages++
      accounts.push(...(page.accountList ?? []))
    }
    expect(pages).toBe(2)
    expect(accounts.map((a) => a.accountId)).toEqual([
      '111122223333',
      '444455556666',
      '777788889999',
      '210987654321'
    ])
    expect(accounts[0]).toEqual({
      accountId: '111122223333',
      accountName: 'Alpha Contact Center',
      emailAddress: 'aws-alpha@sandbox.example.com'
    })
    const roles = await portal.send(new ListAccountRolesCommand({ accessToken, accountId: '111122223333' }))
    expect(roles.roleList).toEqual([
      { roleName: 'ConnectAdmin', accountId: '111122223333' },
      { roleName: 'ConnectReadOnly', accountId: '111122223333' }
    ])
    const { roleCredentials } = await portal.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '111122223333', roleName: 'ConnectAdmin' })
    )
    expect(roleCredentials?.expiration).toBe(now + 3_600_000)
    const credentials = {
      accessKeyId: roleCredentials?.accessKeyId ?? '',
      secretAccessKey: roleCredentials?.secretAccessKey ?? '',
      sessionToken: roleCredentials?.sessionToken ?? ''
    }
    const who = await sts(sandbox, credentials).send(new GetCallerIdentityCommand({}))
    expect(who.Arn).toMatch(
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_ConnectAdmin_[0-9a-f]{16}\/admin$/
    )
    const listed = await connect(sandbox, demo.alpha, { credentials }).send(new ListInstancesCommand({}))
    expect(listed.InstanceSummaryList?.map((i) => i.Id)).toEqual([demo.alpha.instanceId])

    const forbidden = await errorOf(
      portal.send(new GetRoleCredentialsCommand({ accessToken, accountId: '111122223333', roleName: 'Nope' }))
    )
    expect(forbidden.name).toBe('ForbiddenException')
    expect(forbidden.$metadata?.httpStatusCode).toBe(403)
  })

  it('refuses CreateUser to a read-only permission set', async () => {
    const { accessToken } = await signIn('auditor')
    const { roleCredentials } = await portal.send(
      new GetRoleCredentialsCommand({ accessToken, accountId: '111122223333', roleName: 'ConnectReadOnly' })
    )
    const credentials = {
      accessKeyId: roleCredentials?.accessKeyId ?? '',
      secretAccessKey: roleCredentials?.secretAccessKey ?? '',
      sessionToken: roleCredentials?.sessionToken ?? ''
    }
    const { CreateUserCommand } = await import('@aws-sdk/client-connect')
    const { alphaUser } = await import('./sandbox-helpers')
    const error = await errorOf(
      connect(sandbox, demo.alpha, { credentials }).send(new CreateUserCommand(alphaUser('readonly.try')))
    )
    expect(error.name).toBe('AccessDeniedException')
  })

  it('grants nothing to a user without assignments', async () => {
    const { accessToken } = await signIn('newcomer')
    const listed = await portal.send(new ListAccountsCommand({ accessToken }))
    expect(listed.accountList).toEqual([])
  })

  it('refreshes with a rotated refresh token, and Logout ends the session', async () => {
    const { accessToken, refreshToken, client } = await signIn('admin')
    const refreshed = await oidc.send(
      new CreateTokenCommand({ ...client, grantType: 'refresh_token', refreshToken })
    )
    expect(refreshed.accessToken).not.toBe(accessToken)
    expect(refreshed.refreshToken).not.toBe(refreshToken)
    const reused = await errorOf(
      oidc.send(new CreateTokenCommand({ ...client, grantType: 'refresh_token', refreshToken }))
    )
    expect(reused.name).toBe('InvalidGrantException')
    await portal.send(new LogoutCommand({ accessToken: refreshed.accessToken ?? '' }))
    const after = await errorOf(
      portal.send(new ListAccountsCommand({ accessToken: refreshed.accessToken ?? '' }))
    )
    expect(after.name).toBe('UnauthorizedException')
    expect(after.$metadata?.httpStatusCode).toBe(401)
    const refreshAfter = await errorOf(
      oidc.send(
        new CreateTokenCommand({
          ...client,
          grantType: 'refresh_token',
          refreshToken: refreshed.refreshToken
        })
      )
    )
    expect(refreshAfter.name).toBe('InvalidGrantException')
    // An access token past its hour is refused too.
    const other = await signIn('admin')
    now += 3_601_000
    expect(
      (await errorOf(portal.send(new ListAccountsCommand({ accessToken: other.accessToken })))).name
    ).toBe('UnauthorizedException')
  })
})

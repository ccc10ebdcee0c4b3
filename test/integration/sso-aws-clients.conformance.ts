/**
 * The Sandbox's IAM Identity Center and the app's token cache as AWS's own clients see them: the AWS
 * CLI (v1 on these machines: it has no `sso login`, but its SSO credential provider and the `sso` /
 * `sso-oidc` commands are botocore's) and boto3, configured only from `sandbox --print-aws-config`.
 * The app signs in and writes ~/.aws/sso/cache; the AWS CLI and boto3 use that token, boto3 renews it
 * (rewriting the file as botocore does) and the app reads the renewed one.
 *
 * Needs the AWS CLI and boto3, like sandbox-aws-clients.test.ts, so it is not in `npm test`: it runs in
 * the `conformance` project (`npm run test:conformance`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { awsConfigSnippet } from '../../src/main/sandbox/aws-config'
import { demoSeed } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { memorySettings } from '../../src/main/services/settings-service'
import {
  serializeToken,
  tokenCacheKey,
  utcTimestamp,
  type CachedToken
} from '../../src/main/services/sso/token-cache'
import { awsHome, pythonWithBoto3, requireTool, run } from './aws-tools'
import { demo } from './sandbox-helpers'
import { visitSignInPage } from './sso-browser'

let sandbox: Sandbox
let home: { env: NodeJS.ProcessEnv; dir: string }
let services: Services
let python: string

beforeAll(async () => {
  requireTool('aws', ['--version'], 'sudo apt-get install -y awscli (or pip install awscli)')
  python = pythonWithBoto3()
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  // AWS CLI v1 fetches any parameter that looks like an http(s) URL (--start-url!) unless told not to.
  home = awsHome(`${awsConfigSnippet(demoSeed(), sandbox.url)}\n[default]\ncli_follow_urlparam = false\n`)
  mkdirSync(join(home.dir, 'data'))
  services = createServices({
    name: 'test',
    version: '0',
    userDataPath: join(home.dir, 'data'),
    settings: memorySettings(),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    env: home.env,
    sso: { openBrowser: async (url) => void (await visitSignInPage(url, { decision: 'allow' })) }
  })
  await services.sso.signIn({ session: 'sandbox' })
})
afterAll(() => sandbox?.close())

const tokenFile = (): string => join(home.dir, '.aws', 'sso', 'cache', `${tokenCacheKey('sandbox')}.json`)
const token = (): Record<string, string> =>
  JSON.parse(readFileSync(tokenFile(), 'utf8')) as Record<string, string>

async function aws(args: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> {
  const result = await run('aws', args, home.env)
  return {
    code: result.code,
    json: result.code === 0 && result.stdout.trim() ? JSON.parse(result.stdout) : {},
    stderr: result.stderr
  }
}

describe('the AWS CLI with the token the app cached', { timeout: 60_000 }, () => {
  it('resolves an sso-session profile’s credentials from it and calls Connect', async () => {
    const listed = await aws(['--profile', 'sandbox-sso-alpha-connectadmin', 'connect', 'list-instances'])
    expect(listed.code, listed.stderr).toBe(0)
    expect((listed.json['InstanceSummaryList'] as Array<{ Id: string }>).map((i) => i.Id)).toEqual([
      demo.alpha.instanceId
    ])
    const who = await aws(['--profile', 'sandbox-sso-bravo-connectadmin', 'sts', 'get-caller-identity'])
    expect(who.code, who.stderr).toBe(0)
    expect(who.json['Arn']).toMatch(/^arn:aws:sts::444455556666:assumed-role\/AWSReservedSSO_ConnectAdmin_/)
  })

  it('parses every portal and OIDC answer and error of the Sandbox', async () => {
    const at = ['--endpoint-url', sandbox.url, '--region', 'us-east-1']
    const accounts = await aws([
      'sso',
      'list-accounts',
      '--access-token',
      token()['accessToken'] ?? '',
      ...at
    ])
    expect(accounts.code, accounts.stderr).toBe(0)
    expect((accounts.json['accountList'] as unknown[]).length).toBe(4)
    const roles = await aws([
      'sso',
      'list-account-roles',
      '--access-token',
      token()['accessToken'] ?? '',
      '--account-id',
      '111122223333',
      ...at
    ])
    expect(roles.json['roleList']).toEqual([
      { roleName: 'ConnectAdmin', accountId: '111122223333' },
      { roleName: 'ConnectReadOnly', accountId: '111122223333' }
    ])
    const denied = await aws(['sso', 'list-accounts', '--access-token', 'not-a-token', ...at])
    expect(denied.code).not.toBe(0)
    expect(denied.stderr).toMatch(/UnauthorizedException.*Session token not found or invalid/)
    const registered = await aws([
      'sso-oidc',
      'register-client',
      '--client-name',
      'aws-cli-check',
      '--client-type',
      'public',
      '--scopes',
      'sso:account:access',
      ...at
    ])
    expect(registered.code, registered.stderr).toBe(0)
    expect(registered.json).toMatchObject({
      clientId: expect.any(String),
      clientSecretExpiresAt: expect.any(Number)
    })
    const client = [
      '--client-id',
      String(registered.json['clientId']),
      '--client-secret',
      String(registered.json['clientSecret'])
    ]
    const device = await aws([
      'sso-oidc',
      'start-device-authorization',
      ...client,
      '--start-url',
      `${sandbox.url}/start`,
      ...at
    ])
    expect(device.code, device.stderr).toBe(0)
    const pending = await aws([
      'sso-oidc',
      'create-token',
      ...client,
      '--grant-type',
      'urn:ietf:params:oauth:grant-type:device_code',
      '--device-code',
      String(device.json['deviceCode']),
      ...at
    ])
    expect(pending.stderr).toMatch(/AuthorizationPendingException/)
  })
})

describe('boto3 with the token the app cached', { timeout: 60_000 }, () => {
  it('uses it, renews it when it is about to expire, and the app reads the file boto3 rewrote', async () => {
    const before = token()
    // Five minutes left: inside botocore's 15-minute refresh window.
    writeFileSync(
      tokenFile(),
      serializeToken({
        ...(before as unknown as CachedToken),
        expiresAt: utcTimestamp(Date.now() + 5 * 60_000)
      }),
      { mode: 0o600 }
    )
    const script = [
      'import boto3, json',
      "s = boto3.Session(profile_name='sandbox-sso-alpha-connectadmin')",
      "ids = [i['Id'] for i in s.client('connect').list_instances()['InstanceSummaryList']]",
      'print(json.dumps(ids))'
    ].join('\n')
    const result = await run(python, ['-c', script], home.env)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([demo.alpha.instanceId])
    const after = token()
    expect(after['accessToken']).not.toBe(before['accessToken'])
    expect(after['refreshToken']).not.toBe(before['refreshToken'])
    const status = await services.sso.status({ session: 'sandbox' })
    expect(status.signedIn).toBe(true)
    expect(Date.parse(status.expiresAt ?? '')).toBeGreaterThan(Date.now() + 50 * 60_000)
    // The app's next call uses boto3's renewed token.
    const accounts = await services.sso.accounts('sandbox', { refresh: true })
    expect(accounts).toHaveLength(4)
  })
})

/**
 * Accounts against the Sandbox over real HTTP: real config files in temp folders, the SDK's own
 * credential providers (static keys, a two-hop role chain with MFA, credential_process, SSO),
 * endpoint_url, a recording proxy, and the Sandbox over HTTPS with a CA made at test time.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { demoMfa, demoRoles } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { memorySettings, type AppSettings } from '../../src/main/services/settings-service'
import type { AppError } from '../../src/shared/result'
import { startRecordingProxy, type RecordingProxy } from './recording-proxy'
import { demo } from './sandbox-helpers'
import { makeTestPki, type TestPki } from './tls-fixtures'

let sandbox: Sandbox
let https: Sandbox
let pki: TestPki
let proxy: RecordingProxy

beforeAll(async () => {
  pki = makeTestPki()
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  https = await startSandbox({ throttle: { rate: 0, burst: 1 }, tls: { key: pki.key, cert: pki.cert } })
  proxy = await startRecordingProxy()
})
afterAll(async () => {
  await Promise.all([sandbox?.close(), https?.close(), proxy?.close()])
})

/** Writes a config file in a fresh folder and points this process's AWS env at it, as the SDK reads it. */
function useConfig(config: string, extraEnv: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-accounts-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), '')
  for (const key of Object.keys(process.env))
    if (key.startsWith('AWS_') || /_proxy$/i.test(key)) Reflect.deleteProperty(process.env, key)
  Object.assign(process.env, {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extraEnv
  })
  return dir
}

function services(
  options: { mfa?: (serial: string) => Promise<string>; settings?: AppSettings } = {}
): Services & { prompts: string[] } {
  const prompts: string[] = []
  const built = createServices({
    name: 'test',
    version: '0',
    userDataPath: mkdtempSync(join(tmpdir(), 'cp-userdata-')),
    settings: memorySettings(options.settings),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    mfaPrompter: async ({ profile, mfaSerial }) => {
      prompts.push(`${profile} ${mfaSerial}`)
      if (!options.mfa) throw new Error('no MFA expected')
      return options.mfa(mfaSerial)
    }
  })
  return Object.assign(built, { prompts })
}

const keys = (account: typeof demo.alpha | typeof demo.bravo): string =>
  `aws_access_key_id = ${account.accessKeyId}\naws_secret_access_key = ${account.secretAccessKey}\n`

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a failure')
}

describe('whoami and instances through real profiles', () => {
  it('uses static keys and endpoint_url, lists and describes instances', async () => {
    useConfig(`[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n${keys(demo.alpha)}`)
    const { gateway, directory } = services()
    expect(await directory.identity({ profile: 'alpha' })).toEqual({
      accountId: '111122223333',
      arn: 'arn:aws:iam::111122223333:user/sandbox-admin',
      userId: expect.any(String),
      region: 'us-east-1'
    })
    const instances = await gateway.listInstances({ profile: 'alpha', region: 'us-east-1' })
    expect(instances.map((i) => [i.alias, i.identityType, i.status])).toEqual([
      ['alpha-contact-center', 'CONNECT_MANAGED', 'ACTIVE']
    ])
    const described = await gateway.describeInstance({
      profile: 'alpha',
      region: 'us-east-1',
      instanceId: demo.alpha.instanceId
    })
    expect(described.accessUrl).toBe('https://alpha-contact-center.my.connect.aws')
    expect(await gateway.listInstances({ profile: 'alpha', region: 'eu-west-2' })).toEqual([])
  })

  it('honours a [services] section and AWS_ENDPOINT_URL', async () => {
    useConfig(
      `[profile svc]\nregion = eu-west-2\nservices = local\n${keys(demo.bravo)}\n[services local]\nconnect =\n  endpoint_url = ${sandbox.url}\nsts =\n  endpoint_url = ${sandbox.url}\n`
    )
    expect((await services().directory.identity({ profile: 'svc' })).accountId).toBe('444455556666')
    useConfig(`[profile plain]\nregion = eu-west-2\n${keys(demo.bravo)}`, { AWS_ENDPOINT_URL: sandbox.url })
    const { gateway } = services()
    expect((await gateway.listInstances({ profile: 'plain', region: 'eu-west-2' }))[0]?.alias).toBe(
      'bravo-retail'
    )
  })

  it('assumes a two-hop role chain, asking for the MFA code once and caching the session', async () => {
    useConfig(
      `[profile hub]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n${keys(demo.alpha)}\n` +
        `[profile hop1]\nrole_arn = ${demoRoles.provisioner}\nsource_profile = hub\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n` +
        `[profile hop2]\nrole_arn = ${demoRoles.bravoAdmin}\nsource_profile = hop1\nmfa_serial = ${demoMfa.serialNumber}\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\n`
    )
    const built = services({ mfa: async () => demoMfa.code })
    const who = await built.directory.identity({ profile: 'hop2' })
    expect(who.accountId).toBe('444455556666')
    expect(who.arn).toMatch(/^arn:aws:sts::444455556666:assumed-role\/ConnectAdmin\//)
    expect(built.prompts).toEqual([`hop2 ${demoMfa.serialNumber}`])
    await built.gateway.listInstances({ profile: 'hop2', region: 'eu-west-2' })
    await built.directory.identity({ profile: 'hop2' })
    expect(built.prompts).toHaveLength(1)

    const wrong = services({ mfa: async () => '000000' })
    const denied = await failure(wrong.directory.identity({ profile: 'hop2' }))
    expect(denied.code).toBe('AWS')
    expect(denied.message).toMatch(/MultiFactorAuthentication failed/)

    const cancelled = createServices({
      name: 't',
      version: '0',
      userDataPath: mkdtempSync(join(tmpdir(), 'cp-userdata-')),
      settings: memorySettings(),
      openStore: openFileDocumentStore,
      notices: [],
      emit: (_channel, payload) => {
        if ('requestId' in payload) cancelled.mfa.answer(payload.requestId, null)
      }
    })
    const refused = await failure(cancelled.directory.identity({ profile: 'hop2' }))
    expect(refused).toMatchObject({
      code: 'CREDENTIALS',
      message: 'MFA was cancelled, so the profile’s role was not assumed.'
    })
  })

  it('runs credential_process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-process-'))
    const script = join(dir, 'creds.mjs')
    writeFileSync(
      script,
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(demo.bravo.accessKeyId)}, SecretAccessKey: ${JSON.stringify(demo.bravo.secretAccessKey)} }))\n`
    )
    chmodSync(script, 0o755)
    useConfig(
      `[profile proc]\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\ncredential_process = ${process.execPath} ${script}\n`
    )
    expect((await services().directory.identity({ profile: 'proc' })).accountId).toBe('444455556666')
  })

  it('names the exact command when an SSO session is missing', async () => {
    useConfig(
      `[profile corp-sso]\nregion = us-east-1\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n`
    )
    const error = await failure(services().directory.identity({ profile: 'corp-sso' }))
    expect(error.code).toBe('CREDENTIALS')
    expect(error.message).toContain('connect-provisioner login --profile corp-sso')
  })

  it('explains a wrong secret, a missing profile and a missing region', async () => {
    useConfig(
      `[profile bad]\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = wrong\n`
    )
    const { directory } = services()
    const wrong = await failure(directory.identity({ profile: 'bad', region: 'us-east-1' }))
    expect(wrong).toMatchObject({
      code: 'AWS',
      message: 'The secret key of profile "bad" does not match its access key.',
      details: { awsCode: 'SignatureDoesNotMatch' }
    })
    expect(await failure(directory.identity({ profile: 'bad' }))).toMatchObject({ code: 'REGION_MISSING' })
    expect(await failure(directory.identity({ profile: 'ghost', region: 'us-east-1' }))).toMatchObject({
      code: 'PROFILE_NOT_FOUND'
    })
  })
})

describe('locked-down networks', () => {
  it('sends every call through the proxy set in Settings, and through HTTPS_PROXY', async () => {
    useConfig(`[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n${keys(demo.alpha)}`)
    proxy.seen.length = 0
    await services({ settings: { network: { proxyUrl: proxy.url } } }).directory.identity({
      profile: 'alpha'
    })
    expect(proxy.seen).toEqual([`POST ${sandbox.url}/`])

    useConfig(
      `[profile tls]\nregion = us-east-1\nendpoint_url = ${https.url}\nca_bundle = ${pki.caFile}\n${keys(demo.alpha)}`,
      { HTTPS_PROXY: proxy.url }
    )
    proxy.seen.length = 0
    await services().gateway.listInstances({ profile: 'tls', region: 'us-east-1' })
    expect(proxy.seen).toEqual([`CONNECT ${new URL(https.url).host}`])

    useConfig(
      `[profile tls]\nregion = us-east-1\nendpoint_url = ${https.url}\nca_bundle = ${pki.caFile}\n${keys(demo.alpha)}`,
      { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    )
    proxy.seen.length = 0
    await services().gateway.listInstances({ profile: 'tls', region: 'us-east-1' })
    expect(proxy.seen).toEqual([])
  })

  it('reports a proxy that refuses as a proxy problem', async () => {
    useConfig(`[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n${keys(demo.alpha)}`)
    const error = await failure(
      services({ settings: { network: { proxyUrl: 'http://127.0.0.1:9' } } }).directory.identity({
        profile: 'alpha'
      })
    )
    expect(error.code).toBe('NETWORK_PROXY')
    expect(error.message).toMatch(/^Proxy refused: 127\.0\.0\.1:9/)
  })

  it('trusts a CA from the profile’s ca_bundle, AWS_CA_BUNDLE or Settings, and says so when it is missing', async () => {
    const profile = `[profile tls]\nregion = us-east-1\nendpoint_url = ${https.url}\n${keys(demo.alpha)}`
    useConfig(profile)
    const untrusted = await failure(services().directory.identity({ profile: 'tls' }))
    expect(untrusted.code).toBe('NETWORK_TLS')
    expect(untrusted.message).toMatch(
      /^Certificate not trusted: .*\(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY\)/
    )

    useConfig(`${profile}ca_bundle = ${pki.caFile}\n`)
    expect((await services().directory.identity({ profile: 'tls' })).accountId).toBe('111122223333')
    useConfig(profile, { AWS_CA_BUNDLE: pki.caFile })
    expect((await services().directory.identity({ profile: 'tls' })).accountId).toBe('111122223333')
    useConfig(profile)
    expect(
      (
        await services({ settings: { network: { caFile: pki.caFile } } }).directory.identity({
          profile: 'tls'
        })
      ).accountId
    ).toBe('111122223333')

    useConfig(profile, { AWS_CA_BUNDLE: '/nonexistent/ca.pem' })
    const missing = await failure(services().directory.identity({ profile: 'tls' }))
    expect(missing).toMatchObject({
      code: 'NETWORK_TLS',
      message: expect.stringMatching(/CA file \/nonexistent\/ca\.pem \(AWS_CA_BUNDLE\) cannot be read/)
    })
  })

  it('validates network settings before storing them, and masks the proxy password', () => {
    const { settings } = services()
    expect(() => settings.setNetwork({ proxyUrl: 'not a url' })).toThrow(/is not a URL/)
    expect(() => settings.setNetwork({ proxyUrl: 'ftp://proxy:21' })).toThrow(/http:\/\//)
    expect(() => settings.setNetwork({ caFile: '/nonexistent.pem' })).toThrow(/cannot be read/)
    const view = settings.setNetwork({ proxyUrl: 'http://me:hunter2@proxy.corp:3128', caFile: pki.caFile })
    expect(view.network).toEqual({ proxyUrl: 'http://me:****@proxy.corp:3128/', caFile: pki.caFile })
    expect(JSON.stringify(view)).not.toContain('hunter2')
    settings.setNetwork({ proxyUrl: 'http://me:****@proxy.corp:3128/', caFile: pki.caFile })
    expect(settings.network().proxyUrl).toBe('http://me:hunter2@proxy.corp:3128/')
  })
})

describe('the Sandbox account', () => {
  it('is listed (first, with no AWS profiles), starts on demand and routes there', async () => {
    useConfig('')
    const built = services()
    const list = built.accounts.list()
    expect(list.profiles.map((p) => [p.name, p.label, p.source])).toEqual([
      ['sandbox:alpha', 'Sandbox — Alpha Contact Center (local, no AWS)', 'sandbox'],
      ['sandbox:bravo', 'Sandbox — Bravo Retail (local, no AWS)', 'sandbox']
    ])
    expect((await built.directory.identity({ profile: 'sandbox:bravo' })).accountId).toBe('444455556666')
    expect(
      (await built.gateway.listInstances({ profile: 'sandbox:alpha', region: 'us-east-1' }))[0]?.alias
    ).toBe('alpha-contact-center')
    await built.sandbox.stop()
  })
})

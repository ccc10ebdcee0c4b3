/** Shared pieces for tests that talk to a real Sandbox over HTTP with the real AWS SDK. */
import { ConnectClient, type CreateUserCommandInput } from '@aws-sdk/client-connect'
import { STSClient } from '@aws-sdk/client-sts'
import { ConfiguredRetryStrategy } from '@smithy/core/retry'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import type { RetryPolicy } from '../../src/main/services/aws/retry'
import type { Pace } from '../../src/main/services/aws/pacing'
import { memorySettings } from '../../src/main/services/settings-service'
import { demoAccounts, demoSeed } from '../../src/main/sandbox/demo-seed'
import type { Sandbox } from '../../src/main/sandbox/server'

/** No client-side pacing: for a Sandbox whose throttling is off. */
export const unpaced: Pace = { perSecond: 1e6, burst: 1e6 }

export type DemoAccount = (typeof demoAccounts)[keyof typeof demoAccounts]
export type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

const seed = demoSeed()
const [alphaSeed, bravoSeed] = seed.instances
if (!alphaSeed || !bravoSeed) throw new Error('the demo seed must have two instances')

/** IDs of the demo instances' resources, by name. */
export const demo = {
  alpha: {
    ...demoAccounts.alpha,
    rp: (name: string): string => idOf(alphaSeed.routingProfiles, name),
    sp: (name: string): string => idOf(alphaSeed.securityProfiles, name),
    hierarchyGroups: alphaSeed.hierarchy.groups
  },
  bravo: {
    ...demoAccounts.bravo,
    rp: (name: string): string => idOf(bravoSeed.routingProfiles, name),
    sp: (name: string): string => idOf(bravoSeed.securityProfiles, name)
  }
}

function idOf(list: Array<{ id: string; name: string }>, name: string): string {
  const found = list.find((r) => r.name === name)
  if (!found) throw new Error(`no demo resource named ${name}`)
  return found.id
}

export const keysOf = (account: DemoAccount): Credentials => ({
  accessKeyId: account.accessKeyId,
  secretAccessKey: account.secretAccessKey
})

/** A Connect client for `account` against the Sandbox; `attempts` 1 turns retries off. */
export function connect(
  sandbox: Sandbox,
  account: DemoAccount,
  options: { attempts?: number; credentials?: Credentials; region?: string } = {}
): ConnectClient {
  return new ConnectClient({
    region: options.region ?? account.region,
    endpoint: sandbox.url,
    credentials: options.credentials ?? keysOf(account),
    retryStrategy: new ConfiguredRetryStrategy(options.attempts ?? 1, () => 0)
  })
}

export function sts(sandbox: Sandbox, credentials: Credentials, region = 'us-east-1'): STSClient {
  return new STSClient({ region, endpoint: sandbox.url, credentials, maxAttempts: 1 })
}

/** A valid CreateUser request for the CONNECT_MANAGED demo instance. */
export function alphaUser(
  username: string,
  extra: Partial<CreateUserCommandInput> = {}
): CreateUserCommandInput {
  return {
    InstanceId: demo.alpha.instanceId,
    Username: username,
    Password: 'Str0ngPassw0rd',
    IdentityInfo: { FirstName: 'Test', LastName: 'Agent', Email: `${username}@alpha.example.com` },
    PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 60 },
    SecurityProfileIds: [demo.alpha.sp('Agent')],
    RoutingProfileId: demo.alpha.rp('Sales Inbound'),
    ...extra
  }
}

/** A valid CreateUser request for the SAML demo instance. */
export function bravoUser(
  username: string,
  extra: Partial<CreateUserCommandInput> = {}
): CreateUserCommandInput {
  return {
    InstanceId: demo.bravo.instanceId,
    Username: username,
    IdentityInfo: { FirstName: 'Saml', LastName: 'Agent' },
    SecurityProfileIds: [demo.bravo.sp('Agent')],
    RoutingProfileId: demo.bravo.rp('Store Support'),
    ...extra
  }
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { name: string }
  }
  throw new Error('expected the call to fail, and it succeeded')
}

/**
 * The app's services as the CLI builds them, with AWS profiles `alpha` and `bravo` whose endpoint_url is
 * the Sandbox, and a fresh data folder. Points this process's AWS env at the generated files. Against a
 * Sandbox whose throttling is off, pass `unpaced` so the app does not wait for Connect's default quota.
 */
export function servicesWithDemoProfiles(
  sandbox: Sandbox,
  options: { retry?: RetryPolicy; pace?: Pace } = {}
): { services: Services; folder: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cp-services-'))
  const keys = (a: DemoAccount): string =>
    `aws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n`
  writeFileSync(
    join(dir, 'config'),
    `[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\n${keys(demoAccounts.alpha)}\n` +
      `[profile bravo]\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\n${keys(demoAccounts.bravo)}`
  )
  writeFileSync(join(dir, 'credentials'), '')
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true'
  })
  const folder = join(dir, 'data')
  return { services: servicesIn(folder, options), folder }
}

/** The app's services as the CLI builds them, on the data folder `folder` (another process's, say). */
export function servicesIn(folder: string, options: { retry?: RetryPolicy; pace?: Pace } = {}): Services {
  return createServices({
    name: 'test',
    version: '0',
    userDataPath: folder,
    settings: memorySettings(),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    ...options
  })
}

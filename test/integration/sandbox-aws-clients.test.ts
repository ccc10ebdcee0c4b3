/**
 * The Sandbox as AWS's own clients see it: the AWS CLI and boto3, configured only from
 * `connect-provisioner sandbox --print-aws-config`, get the answers the documentation promises.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { awsHome, pythonWithBoto3, requireTool, run } from './aws-tools'
import { demo } from './sandbox-helpers'

let sandbox: Sandbox
let throttled: Sandbox
let python: string

/** The config snippet exactly as the CLI prints it for `port`. */
async function printedConfig(port: number): Promise<string> {
  const lines: string[] = []
  const code = await runCli(['sandbox', '--port', String(port), '--print-aws-config'], {
    out: (l) => lines.push(l),
    err: () => {}
  })
  expect(code).toBe(0)
  return `${lines.join('\n')}\n`
}

beforeAll(async () => {
  requireTool('aws', ['--version'], 'sudo apt-get install -y awscli (or pip install awscli)')
  python = pythonWithBoto3()
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  // One token every 20 s: three CLI calls in a row cannot outlast it, however slow the machine.
  throttled = await startSandbox({ throttle: { rate: 0.05, burst: 2 } })
})
afterAll(async () => {
  await sandbox?.close()
  await throttled?.close()
})

const aws = async (
  home: { env: NodeJS.ProcessEnv },
  args: string[],
  input?: string
): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> => {
  const result = await run('aws', args, home.env, input)
  return {
    code: result.code,
    json: result.code === 0 && result.stdout.trim() ? JSON.parse(result.stdout) : {},
    stderr: result.stderr
  }
}

describe('the AWS CLI against the Sandbox', { timeout: 60_000 }, () => {
  it('creates a user, refuses a duplicate and identity-type violations, and isolates accounts', async () => {
    const home = awsHome(await printedConfig(sandbox.port))
    const create = (
      profile: string,
      args: string[]
    ): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> =>
      aws(home, ['--profile', profile, 'connect', 'create-user', ...args])
    const alphaArgs = [
      '--instance-id',
      demo.alpha.instanceId,
      '--username',
      'cli.user',
      '--password',
      'CliPassw0rd',
      '--identity-info',
      'FirstName=Cli,LastName=User,Email=cli.user@alpha.example.com',
      '--phone-config',
      'PhoneType=SOFT_PHONE,AutoAccept=true,AfterContactWorkTimeLimit=30',
      '--security-profile-ids',
      demo.alpha.sp('Agent'),
      '--routing-profile-id',
      demo.alpha.rp('Sales Inbound')
    ]
    const created = await create('sandbox-alpha', alphaArgs)
    expect(created.code, created.stderr).toBe(0)
    expect(created.json['UserArn']).toMatch(
      /^arn:aws:connect:us-east-1:111122223333:instance\/.+\/agent\/.+$/
    )

    const duplicate = await create('sandbox-alpha', alphaArgs)
    expect(duplicate.code).not.toBe(0)
    expect(duplicate.stderr).toMatch(/\(DuplicateResourceException\) when calling the CreateUser operation/)

    const weak = await create(
      'sandbox-alpha',
      alphaArgs.map((a) => (a === 'CliPassw0rd' ? 'weakpass' : a === 'cli.user' ? 'cli.weak' : a))
    )
    expect(weak.stderr).toMatch(/\(InvalidParameterException\)/)

    const samlArgs = [
      '--instance-id',
      demo.bravo.instanceId,
      '--username',
      'cli@bravo.example.com',
      '--identity-info',
      'FirstName=Cli,LastName=User',
      '--security-profile-ids',
      demo.bravo.sp('Agent'),
      '--routing-profile-id',
      demo.bravo.rp('Store Support')
    ]
    const samlWithPassword = await create('sandbox-bravo', [...samlArgs, '--password', 'CliPassw0rd'])
    expect(samlWithPassword.stderr).toMatch(/\(InvalidRequestException\).*Password must not be set/)
    const saml = await create('sandbox-bravo', samlArgs)
    expect(saml.code, saml.stderr).toBe(0)

    const isolated = await aws(home, [
      '--profile',
      'sandbox-bravo',
      'connect',
      'describe-instance',
      '--instance-id',
      demo.alpha.instanceId
    ])
    expect(isolated.stderr).toMatch(/\(ResourceNotFoundException\)/)
  })

  it('refuses a wrong secret with InvalidSignatureException', async () => {
    const config = await printedConfig(sandbox.port)
    const home = awsHome(
      `${config}\n[profile wrong-secret]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = not-the-secret\n`
    )
    const result = await aws(home, ['--profile', 'wrong-secret', 'connect', 'list-instances'])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/\(InvalidSignatureException\)/)
  })

  it('pages with --max-items and --starting-token', async () => {
    const home = awsHome(await printedConfig(sandbox.port))
    const list = [
      '--profile',
      'sandbox-alpha',
      'connect',
      'list-users',
      '--instance-id',
      demo.alpha.instanceId
    ]
    const first = await aws(home, [...list, '--max-items', '1200'])
    expect(first.code, first.stderr).toBe(0)
    expect((first.json['UserSummaryList'] as unknown[]).length).toBe(1200)
    expect(first.json['NextToken']).toBeTruthy()
    const rest = await aws(home, [...list, '--starting-token', String(first.json['NextToken'])])
    expect((rest.json['UserSummaryList'] as unknown[]).length).toBeGreaterThanOrEqual(301)
    expect(rest.json['NextToken']).toBeUndefined()
  })

  it('is throttled with retries off (AWS_MAX_ATTEMPTS=1)', async () => {
    const home = awsHome(await printedConfig(throttled.port))
    home.env['AWS_MAX_ATTEMPTS'] = '1'
    const results = []
    for (let i = 0; i < 3; i++)
      results.push(await aws(home, ['--profile', 'sandbox-alpha', 'connect', 'list-instances']))
    expect(results.slice(0, 2).map((r) => r.code)).toEqual([0, 0])
    expect(results[2]?.stderr).toMatch(/\(ThrottlingException\).*Rate exceeded/)
  })

  it('assumes a role that demands MFA through role_arn / source_profile / mfa_serial', async () => {
    const home = awsHome(await printedConfig(sandbox.port))
    const denied = await aws(
      home,
      ['--profile', 'sandbox-bravo-admin', 'sts', 'get-caller-identity'],
      '654321\n'
    )
    expect(denied.code).not.toBe(0)
    expect(denied.stderr).toMatch(/AccessDenied.*MultiFactorAuthentication failed/)
    const who = await aws(
      home,
      ['--profile', 'sandbox-bravo-admin', 'sts', 'get-caller-identity'],
      '123456\n'
    )
    expect(who.code, who.stderr).toBe(0)
    expect(who.json).toMatchObject({
      Account: '444455556666',
      Arn: expect.stringMatching(/^arn:aws:sts::444455556666:assumed-role\/ConnectAdmin\//)
    })
    const instances = await aws(home, ['--profile', 'sandbox-bravo-admin', 'connect', 'list-instances'])
    expect(instances.code, instances.stderr).toBe(0)
    expect(instances.json).toMatchObject({
      InstanceSummaryList: [{ InstanceAlias: 'bravo-retail', IdentityManagementType: 'SAML' }]
    })
  })
})

describe('boto3 against the Sandbox', { timeout: 60_000 }, () => {
  it('gets the documented codes, shapes, pagination and throttling', async () => {
    const home = awsHome(await printedConfig(sandbox.port))
    const result = await run(
      python,
      [
        join(import.meta.dirname, 'boto3_sandbox.py'),
        demo.alpha.instanceId,
        demo.alpha.rp('Basic Routing Profile'),
        demo.alpha.sp('Agent'),
        demo.bravo.instanceId,
        demo.bravo.rp('Store Support'),
        demo.bravo.sp('Agent')
      ],
      home.env
    )
    expect(result.code, result.stderr).toBe(0)
    const seen = JSON.parse(result.stdout)
    expect(seen).toMatchObject({
      duplicate: 'DuplicateResourceException:409',
      saml_password: 'InvalidRequestException:400',
      saml_ok: 'ok',
      isolation: 'ResourceNotFoundException:404',
      described: 'boto3.user',
      search: ['boto3.user'],
      wrong_secret: 'InvalidSignatureException:403',
      whoami: '111122223333',
      assume_without_mfa: 'AccessDenied:403',
      as_role: ['bravo-retail']
    })
    expect(seen.pages[0]).toBe(1000)
    expect(seen.pages.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(1502)
    // This sandbox does not throttle; the throttled one is checked with the AWS CLI above.
    expect(seen.burst.every((c: string) => c === 'ok')).toBe(true)
  })

  it('is throttled at the documented default of 2/s with a burst of 5 when retries are off', async () => {
    const defaults = await startSandbox()
    try {
      const home = awsHome(await printedConfig(defaults.port))
      const script = `
import boto3, json
from botocore.config import Config
from botocore.exceptions import ClientError
c = boto3.Session(profile_name="sandbox-alpha").client("connect", config=Config(retries={"total_max_attempts": 1}))
codes = []
for _ in range(20):
    try:
        c.list_instances(); codes.append("ok")
    except ClientError as e:
        codes.append(e.response["Error"]["Code"] + ":" + str(e.response["ResponseMetadata"]["HTTPStatusCode"]))
print(json.dumps(codes))`
      const result = await run(python, ['-c', script], home.env)
      expect(result.code, result.stderr).toBe(0)
      const codes: string[] = JSON.parse(result.stdout)
      expect(codes.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
      expect(codes).toContain('ThrottlingException:429')
    } finally {
      await defaults.close()
    }
  })
})

/**
 * The `connect-provisioner` CLI. Nearly every case runs in this process through the exported `runCli`,
 * with its own data folder, AWS files and environment, against an in-process Sandbox (or the CLI's own
 * embedded one for sandbox:* profiles). A few cases spawn the built binary, for what only a real process
 * shows: its exit codes, Ctrl+C, and a password read from a slow pipe.
 */
import { ConnectClient, CreateUserCommand, DescribeUserCommand } from '@aws-sdk/client-connect'
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { loadSeedFile } from '../../src/main/sandbox/seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import {
  bin,
  calls,
  cleanProcessEnv,
  cliInProcess as cli,
  demoProfiles,
  profileSection,
  root,
  spawnCli,
  workspace,
  type CliRun
} from './cli-helpers'
import type { Run } from './aws-tools'
import { startRecordingProxy } from './recording-proxy'
import { alphaUser, connect, demo, keysOf } from './sandbox-helpers'

const noThrottle = { rate: 0, burst: 1 }

/** One Sandbox for the in-process cases that name it by endpoint_url; throttling off. */
let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: noThrottle })
})

afterAll(async () => {
  await sandbox?.close()
})

/** A templates file with one template, "Tier 1 London", whose names exist in alpha's instance only. */
const tier1London = {
  format: 'connect-provisioner/templates',
  version: 1,
  templates: [
    {
      name: 'Tier 1 London',
      routingProfile: 'Support Tier 1',
      securityProfiles: ['Agent'],
      hierarchyGroup: 'EMEA/London/Tier 1',
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 }
    }
  ]
}

const auditOutcomes = (data: string): string[] =>
  readFileSync(join(data, 'audit.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { outcome: string }).outcome)

/** `create` as profile alpha (the shared Sandbox) into alpha's instance; the password is up to the caller. */
const createArgs = (instance: string, username: string): string[] => [
  'create',
  '--profile',
  'alpha',
  '--instance',
  instance,
  '--routing-profile',
  'Sales Inbound',
  '--security-profile',
  'Agent',
  '--first-name',
  'Count',
  '--last-name',
  'User',
  '--username',
  username,
  '--email',
  `${username}@alpha.example.com`
]

describe('connect-provisioner CLI, in-process', { timeout: 15_000 }, () => {
  it('prints help for the program and for every command, exit 0', async () => {
    const { env } = workspace()
    const main = await cli(['--help'], { env })
    expect(main.code).toBe(0)
    expect(main.stdout).toMatch(/Usage: connect-provisioner/)
    expect(main.stdout).toMatch(/sandbox/)
    const sandboxHelp = await cli(['sandbox', '--help'], { env })
    expect(sandboxHelp.code).toBe(0)
    for (const flag of [
      '--port',
      '--host',
      '--seed',
      '--state',
      '--rate',
      '--burst',
      '--fail-rate',
      '--latency-ms',
      '--print-aws-config',
      '--allow-remote'
    ]) {
      expect(sandboxHelp.stdout).toContain(flag)
    }
    for (const command of ['profiles', 'whoami', 'instances', 'templates', 'create']) {
      const help = await cli([command, '--help'], { env })
      expect(help.code, command).toBe(0)
      expect(help.stdout).toContain(`Usage: connect-provisioner ${command}`)
    }
    const version = await cli(['--version'], { env })
    expect(version.code).toBe(0)
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('answers usage errors with exit 2 and a reason', async () => {
    const { env } = workspace()
    const cases: Array<[string[], RegExp]> = [
      [['no-such-command'], /unknown command/],
      [['sandbox', '--bogus'], /unknown option/],
      [['sandbox', '--rate', 'fast'], /expected a number/],
      [['sandbox', '--fail-rate', '2'], /from 0 to 1/],
      [['sandbox', '--print-aws-config'], /needs --port/],
      [['sandbox', '--host', '0.0.0.0'], /not a loopback address.*--allow-remote/]
    ]
    for (const [args, message] of cases) {
      const result = await cli(args, { env })
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(message)
    }
  })

  it('fails with exit 1 and names the problem for a bad seed file', async () => {
    const { dir, env } = workspace()
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify({ accounts: [{ id: '123', name: 'x', accessKeys: [] }], instances: [] })
    )
    const result = await cli(['sandbox', '--seed', join(dir, 'seed.json')], { env })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /seed\.json is not a valid Sandbox seed: accounts\.0\.id: an account ID is 12 digits/
    )
  })

  it('starts the sandbox from its saved state before any seed', async () => {
    const { dir, env } = workspace()
    const state = join(dir, 'state.json')
    await (await startSandbox({ stateFile: state })).close()
    const badSeed = join(dir, 'bad-seed.json')
    writeFileSync(badSeed, '{}')
    const printConfig = ['--seed', badSeed, '--port', '4566', '--print-aws-config']
    const fromState = await cli(['sandbox', '--state', state, ...printConfig], { env })
    expect(fromState.code, fromState.stderr).toBe(0)
    expect(fromState.stdout).toContain('endpoint_url = http://127.0.0.1:4566')
    const fromSeed = await cli(['sandbox', ...printConfig], { env })
    expect(fromSeed.code).toBe(1)
    expect(fromSeed.stderr).toMatch(/bad-seed\.json is not a valid Sandbox seed/)
  })

  it('lists profiles with their problems, as text and JSON, never with secrets', async () => {
    const config = `[profile alpha]\nregion = us-east-1\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n[profile orphan]\nrole_arn = arn:aws:iam::111122223333:role/X\nsource_profile = gone\n`
    const { env } = workspace(config)
    const text = await cli(['profiles'], { env })
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^PROFILE\s+KIND\s+REGION/)
    expect(text.stdout).toMatch(/alpha\s+static\s+us-east-1/)
    expect(text.stdout).toMatch(/orphan: .*config:7: source_profile "gone" does not exist\./)
    const json = await cli(['profiles', '--json'], { env })
    expect(json.code).toBe(0)
    const list = JSON.parse(json.stdout) as { profiles: Array<{ name: string }> }
    expect(list.profiles.map((p) => p.name)).toEqual(['alpha', 'orphan', 'sandbox:alpha', 'sandbox:bravo'])
    expect(json.stdout + text.stdout).not.toContain(demo.alpha.secretAccessKey)
  })

  it('runs whoami and instances against the Sandbox, AWS_ENDPOINT_URL, AWS_PROFILE, and MFA', async () => {
    const plain = workspace(profileSection('bravo', demo.bravo))
    const who = await cli(['whoami', '--profile', 'bravo', '--json'], {
      env: { ...plain.env, AWS_ENDPOINT_URL: sandbox.url }
    })
    expect(who.code, who.stderr).toBe(0)
    expect(JSON.parse(who.stdout)).toMatchObject({ accountId: '444455556666', region: 'eu-west-2' })
    const listed = await cli(['instances'], {
      env: { ...plain.env, AWS_ENDPOINT_URL: sandbox.url, AWS_PROFILE: 'bravo' }
    })
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stdout).toMatch(/^ALIAS\s+ID\s+IDENTITY\s+STATUS\nbravo-retail\s+\S+\s+SAML\s+ACTIVE/)
    const elsewhere = await cli(['instances', '--profile', 'bravo', '--region', 'us-east-1'], {
      env: { ...plain.env, AWS_ENDPOINT_URL: sandbox.url }
    })
    expect(elsewhere.stdout.trim()).toBe('No Amazon Connect instance in us-east-1 for profile bravo.')

    const chain = `[profile hub]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n[profile admin]\nrole_arn = arn:aws:iam::444455556666:role/ConnectAdmin\nsource_profile = hub\nmfa_serial = arn:aws:iam::111122223333:mfa/sandbox-admin\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\n`
    const mfa = await cli(['whoami', '--profile', 'admin'], {
      env: workspace(chain).env,
      answers: ['123456']
    })
    expect(mfa.code, mfa.stderr).toBe(0)
    expect(mfa.asked).toEqual(['MFA code for profile admin (arn:aws:iam::111122223333:mfa/sandbox-admin): '])
    expect(mfa.stdout).toMatch(/Account\s+444455556666/)
    const denied = await cli(['whoami', '--profile', 'admin'], {
      env: workspace(chain).env,
      answers: ['000000']
    })
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(/MultiFactorAuthentication failed/)

    const local = await cli(['whoami', '--profile', 'sandbox:alpha'], { env: workspace().env })
    expect(local.code, local.stderr).toBe(0)
    expect(local.stdout).toMatch(/Account\s+111122223333/)
    const nameless = await cli(['whoami'], { env: workspace().env })
    expect(nameless.code).toBe(2)
    expect(nameless.stderr).toMatch(/--profile is required \(or set AWS_PROFILE\)/)
  })

  it('goes out through the proxy saved in the app; warns about a sealed password and bad settings', async () => {
    const proxy = await startRecordingProxy()
    try {
      const config = profileSection('bravo', demo.bravo, sandbox.url)
      const saved = { network: { proxyUrl: proxy.url } }
      const viaApp = await cli(['whoami', '--profile', 'bravo'], { env: workspace(config, saved).env })
      expect(viaApp.code, viaApp.stderr).toBe(0)
      expect(proxy.seen).toEqual([`POST ${sandbox.url}/`])

      const sealed = await cli(['whoami', '--profile', 'bravo'], {
        env: workspace(config, { ...saved, sealedProxyPassword: 'c2VhbGVk' }).env
      })
      expect(sealed.code, sealed.stderr).toBe(0)
      expect(sealed.stderr).toMatch(
        /proxy password is sealed by the OS keychain for the app only: give it to the CLI in HTTPS_PROXY/
      )
      const corrupt = await cli(['whoami', '--profile', 'bravo'], {
        env: workspace(config, { network: { proxyUrl: 42 } }).env
      })
      expect(corrupt.code, corrupt.stderr).toBe(0)
      expect(corrupt.stderr).toMatch(/Ignoring the network settings in .*settings\.json/)
    } finally {
      await proxy.close()
    }
  })

  // The proxy agent reads HTTP(S)_PROXY from the CLI's io.env, not from process.env.
  it('lets a proxy in its environment (io.env) win over the app’s', async () => {
    const proxy = await startRecordingProxy()
    try {
      const config = profileSection('bravo', demo.bravo, sandbox.url)
      const saved = { network: { proxyUrl: proxy.url } }
      const viaEnv = await cli(['whoami', '--profile', 'bravo'], {
        env: { ...workspace(config, saved).env, HTTP_PROXY: 'http://127.0.0.1:9' }
      })
      expect(proxy.seen).toEqual([])
      expect(viaEnv.code).toBe(1)
      expect(viaEnv.stderr).toMatch(/Proxy refused: 127\.0\.0\.1:9/)
    } finally {
      await proxy.close()
    }
  })

  // Given no endpoint, the SDK would look one up itself, in process.env and the endpoint_url of the
  // profile AWS_PROFILE names (or [default]); the clients ignore that lookup.
  it('sends a profile without endpoint_url to AWS itself, whatever AWS_PROFILE names', async () => {
    const other = await startSandbox({ throttle: noThrottle })
    const { env } = workspace(
      profileSection('hub', demo.alpha, other.url) + profileSection('plain', demo.alpha)
    )
    // The binary's situation (its io.env is process.env), so this case alone sets process.env, and puts it
    // back. A call to AWS itself (https) meets a proxy that refuses it: nothing leaves this machine.
    const shared = { ...env, AWS_PROFILE: 'hub', HTTPS_PROXY: 'http://127.0.0.1:9' }
    const saved = { ...process.env }
    let result: CliRun
    try {
      Object.assign(process.env, shared)
      result = await cli(['whoami', '--profile', 'plain'], { env: shared })
    } finally {
      for (const key of Object.keys(shared)) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key)
        else process.env[key] = saved[key]
      }
      await other.close()
    }
    expect(other.stats.total, result.stdout).toBe(0)
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Proxy refused: 127\.0\.0\.1:9/)
  })

  it('manages templates in the data folder and resolves one against the Sandbox', async () => {
    const { dir, env } = workspace()
    const file = join(dir, 'in.json')
    writeFileSync(file, JSON.stringify(tier1London))
    const tpl = (args: string[]): Promise<CliRun> => cli(['templates', ...args], { env })
    expect((await tpl(['list'])).stdout).toMatch(/No templates yet/)
    expect((await tpl(['import', file])).stdout).toMatch(/Imported 1 new/)
    expect((await tpl(['import', file])).stdout).toMatch(/skipped "Tier 1 London"/)
    expect((await tpl(['import', file, '--on-conflict', 'rename'])).stdout).toMatch(
      /renamed "Tier 1 London" → "Tier 1 London \(imported\)"/
    )
    expect((await tpl(['import', file, '--on-conflict', 'merge'])).code).toBe(2)
    expect((await tpl(['list'])).stdout).toMatch(
      /Tier 1 London\s+Support Tier 1\s+Agent\s+SOFT_PHONE\s+EMEA\/London\/Tier 1/
    )
    const shown = JSON.parse((await tpl(['show', 'tier 1 london'])).stdout) as {
      createUserSettings: Record<string, unknown>
    }
    expect(shown.createUserSettings).toMatchObject({ RoutingProfileId: '⟨Support Tier 1⟩' })
    const exported = JSON.parse((await tpl(['export', 'Tier 1 London'])).stdout) as { templates: unknown[] }
    expect(exported.templates).toHaveLength(1)
    expect((await tpl(['delete', 'Tier 1 London (imported)'])).stdout).toMatch(/Deleted/)
    expect((await tpl(['delete', 'Tier 1 London (imported)'])).code).toBe(1)
    const resolved = await tpl([
      'resolve',
      'Tier 1 London',
      '--profile',
      'sandbox:alpha',
      '--instance',
      'alpha-contact-center',
      '--json'
    ])
    expect(resolved.code, resolved.stderr).toBe(0)
    expect(JSON.parse(resolved.stdout)).toMatchObject({
      ok: true,
      accountId: '111122223333',
      ids: { routingProfileId: demo.alpha.rp('Support Tier 1') }
    })
    const elsewhere = await tpl([
      'resolve',
      'Tier 1 London',
      '--profile',
      'sandbox:bravo',
      '--instance',
      'bravo-retail'
    ])
    expect(elsewhere.code).toBe(1)
    expect(elsewhere.stdout).toMatch(/Routing profile "Support Tier 1" does not exist in bravo-retail/)
    const unknown = await tpl([
      'resolve',
      'Tier 1 London',
      '--profile',
      'sandbox:bravo',
      '--instance',
      'nope'
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/No instance "nope"/)
  })

  it('leaves the host process’s exitCode alone', async () => {
    const { dir, env } = workspace()
    writeFileSync(join(dir, 'in.json'), JSON.stringify(tier1London))
    expect((await cli(['templates', 'import', join(dir, 'in.json')], { env })).code).toBe(0)
    const io = { out: (): void => {}, err: (): void => {}, env, stdin: async () => '', ask: async () => '' }
    const host = process.exitCode
    const seen: Array<typeof process.exitCode> = []
    try {
      process.exitCode = 3
      expect(await runCli(['--version'], io)).toBe(0)
      seen.push(process.exitCode)
      process.exitCode = undefined
      const resolve = ['templates', 'resolve', 'Tier 1 London', '--profile', 'sandbox:bravo']
      expect(await runCli([...resolve, '--instance', 'bravo-retail'], io)).toBe(1)
      seen.push(process.exitCode)
    } finally {
      process.exitCode = host
    }
    expect(seen).toEqual([3, undefined])
  })

  it('creates a user: dry run, create, taken name, password from env or stdin or generated, never logged', async () => {
    const { data, env } = workspace()
    const create = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, stdin = ''): Promise<CliRun> =>
      cli(
        [
          'create',
          '--profile',
          'sandbox:alpha',
          '--instance',
          'alpha-contact-center',
          '--routing-profile',
          'Sales Inbound',
          '--security-profile',
          'Agent',
          '--first-name',
          'Cli',
          '--last-name',
          'User',
          ...args
        ],
        { env: { ...env, ...extraEnv }, stdin }
      )
    const secret = 'EnvPassw0rdSecret'
    const dry = await create(
      [
        '--username',
        'cli.user',
        '--email',
        'cli.user@alpha.example.com',
        '--password-env',
        'NEW_PASSWORD',
        '--dry-run',
        '--json'
      ],
      { NEW_PASSWORD: secret }
    )
    expect(dry.code, dry.stderr).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({
      valid: true,
      request: { Username: 'cli.user', Password: '«redacted»' }
    })
    expect(dry.stdout).not.toContain(secret)
    const weak = await create(
      [
        '--username',
        'cli.weak',
        '--email',
        'w@alpha.example.com',
        '--password-env',
        'NEW_PASSWORD',
        '--dry-run'
      ],
      { NEW_PASSWORD: 'weak' }
    )
    expect(weak.code).toBe(1)
    expect(weak.stdout).toMatch(/Password: A password is 8–64 characters/)
    const unset = await create(['--username', 'cli.unset', '--password-env', 'NOT_SET', '--dry-run'])
    expect(unset.code).toBe(2)
    expect(unset.stderr).toMatch(/the environment variable NOT_SET is not set/)
    const created = await create(
      [
        '--username',
        'cli.user',
        '--email',
        'cli.user@alpha.example.com',
        '--password-stdin',
        '--tag',
        'team=cli',
        '--json'
      ],
      {},
      `${secret}\n`
    )
    expect(created.code, created.stderr).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({
      username: 'cli.user',
      accountId: '111122223333',
      attempts: 1
    })
    const again = await create(
      ['--username', 'cli.user', '--email', 'cli.user@alpha.example.com', '--password-stdin'],
      {},
      `${secret}\n`
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(
      /A user named "cli\.user" already exists in alpha-contact-center; nothing was created\./
    )
    const generated = await create([
      '--username',
      'cli.gen',
      '--email',
      'g@alpha.example.com',
      '--generate-password'
    ])
    expect(generated.code, generated.stderr).toBe(0)
    expect(generated.stdout).toMatch(/^Created cli\.gen in alpha-contact-center \(111122223333, us-east-1\)/)
    const shown = /Password (\S+)/.exec(generated.stdout)?.[1] ?? ''
    expect(shown).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{16}$/)
    expect((await create(['--username', 'x', '--password-stdin', '--generate-password'])).code).toBe(2)
    expect((await create(['--username', 'x', '--tag', 'novalue'])).code).toBe(2)
    const saml = await cli(
      [
        'create',
        '--profile',
        'sandbox:bravo',
        '--instance',
        'bravo-retail',
        '--routing-profile',
        'Store Support',
        '--security-profile',
        'Agent',
        '--username',
        'cli.saml@bravo.example.com',
        '--first-name',
        'Saml',
        '--last-name',
        'User'
      ],
      { env }
    )
    expect(saml.code, saml.stderr).toBe(0)
    expect(saml.stdout).toMatch(
      /^Created cli\.saml@bravo\.example\.com in bravo-retail \(444455556666, eu-west-2\)/
    )
    const audit = readFileSync(join(data, 'audit.jsonl'), 'utf8')
    expect(audit).not.toContain(secret)
    expect(audit).not.toContain(shown)
    expect(auditOutcomes(data)).toEqual([
      'started',
      'created',
      'started',
      'failed',
      'started',
      'created',
      'started',
      'created'
    ])
  })

  describe('Connect calls per create, counted at the Sandbox', () => {
    const passwordArgs = ['--password-env', 'NEW_PASSWORD']
    const passwordEnv = { NEW_PASSWORD: 'Str0ngPassw0rd' }

    it('by instance ID: at most 6 cold, then only CreateUser; a taken name is CreateUser’s to refuse', async () => {
      const { data, env } = workspace(demoProfiles(sandbox.url))
      const run = (username: string, ...more: string[]): Promise<CliRun> =>
        cli([...createArgs(demo.alpha.instanceId, username), ...passwordArgs, ...more], {
          env: { ...env, ...passwordEnv }
        })
      sandbox.stats.reset()
      const cold = await run('count.id.cold')
      expect(cold.code, cold.stderr).toBe(0)
      const coldCalls = calls(sandbox.stats)
      expect(coldCalls.connect, JSON.stringify(coldCalls.byOperation)).toBeLessThanOrEqual(6)
      expect(coldCalls.byOperation).toMatchObject({
        CreateUser: 1,
        DescribeInstance: 1,
        GetCallerIdentity: 1
      })
      expect(sandbox.stats.count('ListInstances')).toBe(0)
      expect(sandbox.stats.count('SearchUsers')).toBe(0)

      sandbox.stats.reset()
      const warm = await run('count.id.warm')
      expect(warm.code, warm.stderr).toBe(0)
      expect(calls(sandbox.stats)).toEqual({ connect: 1, sts: 0, byOperation: { CreateUser: 1 } })

      // A name taken outside this data folder: only --dry-run looks it up (SearchUsers) before sending.
      const taken = 'count.taken'
      await connect(sandbox, demo.alpha).send(new CreateUserCommand(alphaUser(taken)))
      sandbox.stats.reset()
      const dry = await run(taken, '--dry-run')
      expect(dry.code).toBe(1)
      expect(dry.stdout).toMatch(
        /^Refused: nothing would be sent\.\n {2}count\.taken already exists \(user ID /
      )
      expect(calls(sandbox.stats)).toEqual({ connect: 1, sts: 0, byOperation: { SearchUsers: 1 } })

      sandbox.stats.reset()
      const refused = await run(taken)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toMatch(
        /A user named "count\.taken" already exists in alpha-contact-center; nothing was created\./
      )
      expect(calls(sandbox.stats)).toEqual({ connect: 1, sts: 0, byOperation: { CreateUser: 1 } })
      expect(auditOutcomes(data)).toEqual(['started', 'created', 'started', 'created', 'started', 'failed'])
    })

    it('a cold create by alias sends at most 7 Connect calls; a warm one only CreateUser', async () => {
      const { env } = workspace(demoProfiles(sandbox.url))
      sandbox.stats.reset()
      const cold = await cli([...createArgs('alpha-contact-center', 'count.alias.cold'), ...passwordArgs], {
        env: { ...env, ...passwordEnv }
      })
      expect(cold.code, cold.stderr).toBe(0)
      const coldCalls = calls(sandbox.stats)
      expect(coldCalls.connect, JSON.stringify(coldCalls.byOperation)).toBeLessThanOrEqual(7)
      expect(coldCalls.byOperation).toMatchObject({ CreateUser: 1, ListInstances: 1 })
      expect(sandbox.stats.count('SearchUsers')).toBe(0)

      sandbox.stats.reset()
      const warm = await cli([...createArgs('alpha-contact-center', 'count.alias.warm'), ...passwordArgs], {
        env: { ...env, ...passwordEnv }
      })
      expect(warm.code, warm.stderr).toBe(0)
      expect(calls(sandbox.stats)).toEqual({ connect: 1, sts: 0, byOperation: { CreateUser: 1 } })
    })
  })
})

/**
 * The spawned cases start before the first test (this hook runs with the file's other beforeAll) and run
 * in the background while the in-process cases go one by one: each is a new Node process loading the
 * bundle and the SDK, CPU work the in-process cases (often waiting on the CLI's pacer) leave room for.
 * Their tests, below, await and judge them.
 */
let spawned: {
  exitCodes: Promise<[Run, Run]>
  ctrlC: Promise<{ firstExit: number; persisted: string | undefined }>
  slowPipe: Promise<{ result: Run; password: string; data: string }>
}

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) {
    throw new Error(
      'out/main/cli.js is missing: the spawned cases run the built binary, so run `npm run build` (npm test does it).'
    )
  }
  spawned = {
    exitCodes: inBackground(() => Promise.all([spawnCli(['--help']), spawnCli(['no-such-command'])])),
    ctrlC: inBackground(sandboxUntilCtrlC),
    slowPipe: inBackground(createThroughSlowPipe)
  }
})

/** Kills `child` if it still runs after `ms`: a hung binary fails its test instead of hanging the run. */
function killAfter(child: ChildProcess, ms: number): void {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms)
  child.once('exit', () => clearTimeout(timer))
}

/** Starts a task now; its test awaits it later (and reports its failure, so none goes unhandled). */
function inBackground<T>(task: () => Promise<T>): Promise<T> {
  const running = task()
  running.catch(() => {})
  return running
}

/** Starts `connect-provisioner sandbox …` and resolves with its endpoint once it prints it. */
async function startCliSandbox(
  args: string[]
): Promise<{ url: string; child: ChildProcessWithoutNullStreams; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', ...args], { env: cleanProcessEnv() })
  killAfter(child, 12_000)
  const lines = createInterface({ input: child.stdout })
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.on('line', (line) => {
      const match = /^Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line)
      if (match?.[1]) resolveUrl(match[1])
    })
    child.on('exit', (code) => reject(new Error(`the sandbox exited early with ${code}`)))
  })
  const stop = (): Promise<number> =>
    new Promise((done) => {
      if (child.exitCode !== null) return done(child.exitCode)
      child.on('exit', (code) => done(code ?? -1))
      child.kill('SIGINT')
    })
  return { url, child, stop }
}

/**
 * `sandbox --state FILE` in the foreground: a user is created in it, Ctrl+C stops it, and a Sandbox
 * started from the state file it kept knows the user.
 */
async function sandboxUntilCtrlC(): Promise<{ firstExit: number; persisted: string | undefined }> {
  const state = join(mkdtempSync(join(tmpdir(), 'cp-cli-state-')), 'state.json')
  const running = await startCliSandbox(['--state', state, '--rate', '0'])
  let UserId: string | undefined
  let firstExit: number
  try {
    const client = new ConnectClient({
      region: demo.alpha.region,
      endpoint: running.url,
      credentials: keysOf(demo.alpha),
      maxAttempts: 1
    })
    UserId = (await client.send(new CreateUserCommand(alphaUser('cli.persisted')))).UserId
  } finally {
    firstExit = await running.stop()
  }
  const restarted = await startSandbox({ seed: loadSeedFile(state), throttle: noThrottle })
  try {
    const described = await connect(restarted, demo.alpha).send(
      new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId })
    )
    return { firstExit, persisted: described.User?.Username }
  } finally {
    await restarted.close()
  }
}

/**
 * `create --password-stdin` through a slow pipe: nothing for 300 ms, then the start of the password, the
 * rest and the end a second later. A read that gives up on a pipe with nothing in it yet (EAGAIN, as
 * readFileSync(0) does) or stops at the first piece ("Sl0w-", refused as too short) fails the run.
 */
async function createThroughSlowPipe(): Promise<{ result: Run; password: string; data: string }> {
  const { data, env } = workspace()
  const password = 'Sl0w-Pipe-Passw0rd'
  const child = spawn(
    process.execPath,
    [
      bin,
      'create',
      '--profile',
      'sandbox:alpha',
      '--instance',
      'alpha-contact-center',
      '--routing-profile',
      'Sales Inbound',
      '--security-profile',
      'Agent',
      '--first-name',
      'Slow',
      '--last-name',
      'Pipe',
      '--username',
      'cli.slow.pipe',
      '--email',
      'cli.slow.pipe@alpha.example.com',
      '--password-stdin',
      '--json'
    ],
    { env: { ...cleanProcessEnv(), ...env } }
  )
  killAfter(child, 12_000)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)))
  const pause = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))
  await pause(300)
  child.stdin.write(password.slice(0, 5))
  await pause(1000)
  child.stdin.end(`${password.slice(5)}\n`)
  return { result: { code: await exited, stdout, stderr }, password, data }
}

describe('connect-provisioner binary, spawned', { timeout: 15_000 }, () => {
  it('exits 0 with help and 2 on a usage error', async () => {
    const [help, usage] = await spawned.exitCodes
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: connect-provisioner/)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/unknown command/)
  })

  it('runs the sandbox in the foreground, stops on Ctrl+C, and keeps its state file', async () => {
    const { firstExit, persisted } = await spawned.ctrlC
    expect(firstExit).toBe(0)
    expect(persisted).toBe('cli.persisted')
  })

  it('reads --password-stdin to its end from a slow pipe', async () => {
    const { result, password, data } = await spawned.slowPipe
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).not.toMatch(/EAGAIN/)
    expect(JSON.parse(result.stdout)).toMatchObject({ username: 'cli.slow.pipe', accountId: '111122223333' })
    expect(auditOutcomes(data)).toEqual(['started', 'created'])
    expect(readFileSync(join(data, 'audit.jsonl'), 'utf8')).not.toContain(password)
  })
})

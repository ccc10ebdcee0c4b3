/** The built `connect-provisioner` binary, as a user runs it: exit codes, help, and the sandbox command. */
import { CreateUserCommand, DescribeUserCommand } from '@aws-sdk/client-connect'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConnectClient } from '@aws-sdk/client-connect'
import { run } from './aws-tools'
import { startRecordingProxy } from './recording-proxy'
import { alphaUser, demo, keysOf } from './sandbox-helpers'

const root = resolve(import.meta.dirname, '../..')
const bin = join(root, 'bin/connect-provisioner.js')
const cli = (...args: string[]): ReturnType<typeof run> => run(process.execPath, [bin, ...args], process.env)

/**
 * Runs the CLI with only the given AWS files and variables (no real ~/.aws), feeding `input` to stdin;
 * `appSettings` becomes the app's settings.json in the data folder.
 */
function cliWith(
  config: string,
  env: Record<string, string>,
  args: string[],
  input = '',
  appSettings?: object
): ReturnType<typeof run> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cli-aws-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), '')
  if (appSettings) {
    mkdirSync(join(dir, 'data'))
    writeFileSync(join(dir, 'data', 'settings.json'), JSON.stringify(appSettings))
  }
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')))
  return run(
    process.execPath,
    [bin, ...args],
    {
      ...clean,
      HOME: dir,
      CONNECT_PROVISIONER_HOME: join(dir, 'data'),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      ...env
    },
    input
  )
}

beforeAll(() => {
  if (!existsSync(join(root, 'out/main/cli.js'))) {
    throw new Error(
      'out/main/cli.js is missing: the CLI tests run the built binary, so run `npm run build` (npm test does it).'
    )
  }
})

/** Starts `connect-provisioner sandbox …` and resolves with its endpoint once it prints it. */
async function startCliSandbox(
  args: string[]
): Promise<{ url: string; child: ChildProcessWithoutNullStreams; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', ...args])
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
      child.on('exit', (code) => done(code ?? -1))
      child.kill('SIGINT')
    })
  return { url, child, stop }
}

describe('connect-provisioner CLI', { timeout: 30_000 }, () => {
  it('prints help for the program and for every command, exit 0', async () => {
    const main = await cli('--help')
    expect(main.code).toBe(0)
    expect(main.stdout).toMatch(/Usage: connect-provisioner/)
    expect(main.stdout).toMatch(/sandbox/)
    const sandbox = await cli('sandbox', '--help')
    expect(sandbox.code).toBe(0)
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
      expect(sandbox.stdout).toContain(flag)
    }
    for (const command of ['profiles', 'whoami', 'instances', 'templates', 'create']) {
      const help = await cli(command, '--help')
      expect(help.code, command).toBe(0)
      expect(help.stdout).toContain(`Usage: connect-provisioner ${command}`)
    }
    expect((await cli('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('answers usage errors with exit 2 and a reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['no-such-command'], /unknown command/],
      [['sandbox', '--bogus'], /unknown option/],
      [['sandbox', '--rate', 'fast'], /expected a number/],
      [['sandbox', '--fail-rate', '2'], /from 0 to 1/],
      [['sandbox', '--print-aws-config'], /needs --port/],
      [['sandbox', '--host', '0.0.0.0'], /not a loopback address.*--allow-remote/]
    ]
    for (const [args, message] of cases) {
      const result = await cli(...args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(message)
    }
  })

  it('lists profiles with their problems, as text and JSON, never with secrets', async () => {
    const config = `[profile alpha]\nregion = us-east-1\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n[profile orphan]\nrole_arn = arn:aws:iam::111122223333:role/X\nsource_profile = gone\n`
    const text = await cliWith(config, {}, ['profiles'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^PROFILE\s+KIND\s+REGION/)
    expect(text.stdout).toMatch(/alpha\s+static\s+us-east-1/)
    expect(text.stdout).toMatch(/orphan: .*config:7: source_profile "gone" does not exist\./)
    const json = await cliWith(config, {}, ['profiles', '--json'])
    const list = JSON.parse(json.stdout) as { profiles: Array<{ name: string }> }
    expect(list.profiles.map((p) => p.name)).toEqual(['alpha', 'orphan', 'sandbox:alpha', 'sandbox:bravo'])
    expect(json.stdout + text.stdout).not.toContain(demo.alpha.secretAccessKey)
  })

  it('runs whoami and instances against the Sandbox, AWS_ENDPOINT_URL, AWS_PROFILE, and MFA on stdin', async () => {
    const sandbox = await startCliSandbox(['--rate', '0'])
    try {
      const keys = `aws_access_key_id = ${demo.bravo.accessKeyId}\naws_secret_access_key = ${demo.bravo.secretAccessKey}\n`
      const plain = `[profile bravo]\nregion = eu-west-2\n${keys}`
      const who = await cliWith(plain, { AWS_ENDPOINT_URL: sandbox.url }, [
        'whoami',
        '--profile',
        'bravo',
        '--json'
      ])
      expect(who.code, who.stderr).toBe(0)
      expect(JSON.parse(who.stdout)).toMatchObject({ accountId: '444455556666', region: 'eu-west-2' })
      const listed = await cliWith(plain, { AWS_ENDPOINT_URL: sandbox.url, AWS_PROFILE: 'bravo' }, [
        'instances'
      ])
      expect(listed.stdout).toMatch(/^ALIAS\s+ID\s+IDENTITY\s+STATUS\nbravo-retail\s+\S+\s+SAML\s+ACTIVE/)
      const elsewhere = await cliWith(plain, { AWS_ENDPOINT_URL: sandbox.url }, [
        'instances',
        '--profile',
        'bravo',
        '--region',
        'us-east-1'
      ])
      expect(elsewhere.stdout.trim()).toBe('No Amazon Connect instance in us-east-1 for profile bravo.')

      const chain = `[profile hub]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n[profile admin]\nrole_arn = arn:aws:iam::444455556666:role/ConnectAdmin\nsource_profile = hub\nmfa_serial = arn:aws:iam::111122223333:mfa/sandbox-admin\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\n`
      const mfa = await cliWith(chain, {}, ['whoami', '--profile', 'admin'], '123456\n')
      expect(mfa.code, mfa.stderr).toBe(0)
      expect(mfa.stderr).toContain('MFA code for profile admin (arn:aws:iam::111122223333:mfa/sandbox-admin)')
      expect(mfa.stdout).toMatch(/Account\s+444455556666/)
      const denied = await cliWith(chain, {}, ['whoami', '--profile', 'admin'], '000000\n')
      expect(denied.code).toBe(1)
      expect(denied.stderr).toMatch(/MultiFactorAuthentication failed/)

      const local = await cliWith('', {}, ['whoami', '--profile', 'sandbox:alpha'])
      expect(local.stdout).toMatch(/Account\s+111122223333/)
      expect((await cliWith('', {}, ['whoami'])).code).toBe(2)
    } finally {
      await sandbox.stop()
    }
  })

  it('goes out through the proxy saved in the app, unless the environment names one', async () => {
    const sandbox = await startCliSandbox(['--rate', '0'])
    const proxy = await startRecordingProxy()
    try {
      const config = `[profile bravo]\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.bravo.accessKeyId}\naws_secret_access_key = ${demo.bravo.secretAccessKey}\n`
      const saved = { network: { proxyUrl: proxy.url } }
      const viaApp = await cliWith(config, {}, ['whoami', '--profile', 'bravo'], '', saved)
      expect(viaApp.code, viaApp.stderr).toBe(0)
      expect(proxy.seen).toEqual([`POST ${sandbox.url}/`])

      const viaEnv = await cliWith(
        config,
        { HTTP_PROXY: 'http://127.0.0.1:9' },
        ['whoami', '--profile', 'bravo'],
        '',
        saved
      )
      expect(viaEnv.code).toBe(1)
      expect(viaEnv.stderr).toMatch(/Proxy refused: 127\.0\.0\.1:9/)

      const sealed = await cliWith(config, {}, ['whoami', '--profile', 'bravo'], '', {
        ...saved,
        sealedProxyPassword: 'c2VhbGVk'
      })
      expect(sealed.stderr).toMatch(
        /proxy password is sealed by the OS keychain for the app only: give it to the CLI in HTTPS_PROXY/
      )
      const corrupt = await cliWith(config, {}, ['whoami', '--profile', 'bravo'], '', {
        network: { proxyUrl: 42 }
      })
      expect(corrupt.code, corrupt.stderr).toBe(0)
      expect(corrupt.stderr).toMatch(/Ignoring the network settings in .*settings\.json/)
    } finally {
      await Promise.all([sandbox.stop(), proxy.close()])
    }
  })

  it('manages templates in the data folder and resolves one against the Sandbox', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cp-cli-templates-')), 'in.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'connect-provisioner/templates',
        version: 1,
        templates: [
          {
            name: 'Tier 1 London',
            routingProfile: 'Support Tier 1',
            securityProfiles: ['Agent'],
            hierarchyGroup: 'EMEA/London/Tier 1',
            phone: {
              mode: 'classic',
              phoneType: 'SOFT_PHONE',
              autoAccept: true,
              afterContactWorkSeconds: 120
            }
          }
        ]
      })
    )
    const home = mkdtempSync(join(tmpdir(), 'cp-cli-data-'))
    const tpl = (args: string[]): ReturnType<typeof run> =>
      run(process.execPath, [bin, 'templates', ...args], { ...process.env, CONNECT_PROVISIONER_HOME: home })
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
    expect(
      (await tpl(['resolve', 'Tier 1 London', '--profile', 'sandbox:bravo', '--instance', 'nope'])).stderr
    ).toMatch(/No instance "nope"/)
  })

  it('creates a user: dry run, create, duplicate refused, password from the environment, never logged', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cp-cli-create-'))
    const create = (args: string[], env: Record<string, string> = {}, input = ''): ReturnType<typeof run> =>
      run(
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
          'Cli',
          '--last-name',
          'User',
          ...args
        ],
        { ...process.env, CONNECT_PROVISIONER_HOME: home, ...env },
        input
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
    expect(again.stderr).toMatch(/already exists in alpha-contact-center; nothing was sent/)
    const generated = await create([
      '--username',
      'cli.gen',
      '--email',
      'g@alpha.example.com',
      '--generate-password'
    ])
    expect(generated.stdout).toMatch(/^Created cli\.gen in alpha-contact-center \(111122223333, us-east-1\)/)
    const shown = /Password (\S+)/.exec(generated.stdout)?.[1] ?? ''
    expect(shown).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{16}$/)
    expect((await create(['--username', 'x', '--password-stdin', '--generate-password'])).code).toBe(2)
    expect((await create(['--username', 'x', '--tag', 'novalue'])).code).toBe(2)
    const saml = await run(
      process.execPath,
      [
        bin,
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
      { ...process.env, CONNECT_PROVISIONER_HOME: home }
    )
    expect(saml.code, saml.stderr).toBe(0)
    expect(saml.stdout).toMatch(
      /^Created cli\.saml@bravo\.example\.com in bravo-retail \(444455556666, eu-west-2\)/
    )
    const audit = readFileSync(join(home, 'audit.jsonl'), 'utf8')
    expect(audit).not.toContain(secret)
    expect(audit).not.toContain(shown)
    expect(
      audit
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { outcome: string }).outcome)
    ).toEqual(['started', 'created', 'refused', 'started', 'created', 'started', 'created'])
  })

  it('fails with exit 1 and names the problem for a bad seed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'))
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify({ accounts: [{ id: '123', name: 'x', accessKeys: [] }], instances: [] })
    )
    const result = await cli('sandbox', '--seed', join(dir, 'seed.json'))
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /seed\.json is not a valid Sandbox seed: accounts\.0\.id: an account ID is 12 digits/
    )
  })

  it('runs the sandbox in the foreground, stops on Ctrl+C, and keeps its state file', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'cp-cli-')), 'state.json')
    const first = await startCliSandbox(['--state', state, '--rate', '0'])
    const client = (url: string): ConnectClient =>
      new ConnectClient({
        region: demo.alpha.region,
        endpoint: url,
        credentials: keysOf(demo.alpha),
        maxAttempts: 1
      })
    const { UserId } = await client(first.url).send(new CreateUserCommand(alphaUser('cli.persisted')))
    expect(await first.stop()).toBe(0)

    const second = await startCliSandbox(['--state', state, '--rate', '0'])
    try {
      const described = await client(second.url).send(
        new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId })
      )
      expect(described.User?.Username).toBe('cli.persisted')
    } finally {
      expect(await second.stop()).toBe(0)
    }
  })
})

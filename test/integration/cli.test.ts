/** The built `connect-provisioner` binary, as a user runs it: exit codes, help, and the sandbox command. */
import { CreateUserCommand, DescribeUserCommand } from '@aws-sdk/client-connect'
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { beforeAll, describe, expect, it } from 'vitest'
import { ConnectClient } from '@aws-sdk/client-connect'
import { run } from './aws-tools'
import { alphaUser, demo, keysOf } from './sandbox-helpers'

const root = resolve(import.meta.dirname, '../..')
const bin = join(root, 'bin/connect-provisioner.js')
const cli = (...args: string[]): ReturnType<typeof run> => run(process.execPath, [bin, ...args], process.env)

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

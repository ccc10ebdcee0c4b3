/**
 * Issue 10's kill -9: a CLI create killed at random points (the Sandbox adds latency, so kills land
 * before, during and after the CreateUser), then run again. Every username ends with exactly one user,
 * the second run says created or "already exists" (never a second user), and the data files still read.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { AuditLog } from '../../src/main/services/audit-log'
import { demo } from '../integration/sandbox-helpers'

const bin = resolve(import.meta.dirname, '../../bin/connect-provisioner.js')
const runs = 8
let sandbox: Sandbox
let dir: string
let env: Record<string, string>

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../out/main/cli.js')))
    throw new Error(
      'out/main/cli.js is missing: this test kills the built CLI, so run `npm run build` (npm test does).'
    )
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 }, faults: { latencyMs: 150 } })
  dir = mkdtempSync(join(tmpdir(), 'cp-kills-'))
  writeFileSync(
    join(dir, 'config'),
    `[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n`
  )
  writeFileSync(join(dir, 'credentials'), '')
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    CONNECT_PROVISIONER_HOME: join(dir, 'data'),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true'
  }
})
afterAll(() => sandbox?.close())

const createArgs = (username: string): string[] => [
  'create',
  '--profile',
  'alpha',
  '--instance',
  demo.alpha.instanceId,
  '--routing-profile',
  'Sales Inbound',
  '--security-profile',
  'Agent',
  '--username',
  username,
  '--email',
  `${username}@alpha.example.com`,
  '--first-name',
  'Kill',
  '--last-name',
  'Test',
  '--generate-password'
]

/** Spawns a create and kills it with SIGKILL after `afterMs`; resolves when it is gone. */
function killedCreate(username: string, afterMs: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...createArgs(username)], { env, stdio: 'ignore' })
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs)
    child.on('exit', () => {
      clearTimeout(timer)
      done()
    })
  })
}

const usersNamed = (username: string): number =>
  [...(sandbox.state.instances.get(demo.alpha.instanceId)?.users.values() ?? [])].filter(
    (u) => u.Username === username
  ).length

describe('kill -9 at random points, then run again', () => {
  it(`leaves exactly one user per username over ${runs} kills`, async () => {
    const outcomes: string[] = []
    for (let i = 0; i < runs; i++) {
      const username = `killed.${i}`
      // From before the process has loaded to after its CreateUser has been answered.
      await killedCreate(username, 100 + Math.floor(Math.random() * 1_400))
      const err: string[] = []
      const code = await runCli(createArgs(username), { out: () => {}, err: (l) => err.push(l), env })
      expect(usersNamed(username)).toBe(1)
      if (code === 0) outcomes.push('created by the second run')
      else {
        expect(err.join('\n')).toMatch(/already exists/)
        outcomes.push('created by the killed run')
      }
    }
    expect(outcomes).toHaveLength(runs)
    // The files the runs shared still read: the audit log, the caches.
    expect(new AuditLog(join(dir, 'data')).read().length).toBeGreaterThanOrEqual(runs)
    for (const file of ['account-cache.json', 'lookups.json'])
      expect(() => JSON.parse(readFileSync(join(dir, 'data', file), 'utf8')) as unknown).not.toThrow()
  }, 120_000) // each run spawns a Node process: about 2 s apiece on a loaded 2-core machine
})

/**
 * Issue 11's kill -9: a CLI `bulk run` killed at random points (the Sandbox adds latency, so kills land
 * while the plan is read, between an intent and its outcome, and after the run), then `bulk resume` in
 * this process. Every row of the file ends with exactly one user — none twice, none missing — and the
 * batch reads back finished. Generated passwords lost with the killed run are generated anew.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { BatchJournals } from '../../src/main/services/bulk/journal'
import { demo } from '../integration/sandbox-helpers'

const bin = resolve(import.meta.dirname, '../../bin/connect-provisioner.js')
const rows = 12
let sandbox: Sandbox
let dir: string
let data: string
let env: Record<string, string>

beforeAll(async () => {
  if (!existsSync(resolve(import.meta.dirname, '../../out/main/cli.js')))
    throw new Error(
      'out/main/cli.js is missing: this test kills the built CLI, so run `npm run build` (npm test does).'
    )
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 }, faults: { latencyMs: 60 } })
  dir = mkdtempSync(join(tmpdir(), 'cp-bulk-kill-'))
  data = join(dir, 'data')
  writeFileSync(
    join(dir, 'config'),
    `[profile alpha]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${demo.alpha.accessKeyId}\naws_secret_access_key = ${demo.alpha.secretAccessKey}\n`
  )
  writeFileSync(join(dir, 'credentials'), '')
  env = {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    CONNECT_PROVISIONER_HOME: data,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true'
  }
  // Warm the caches (identity, instance, lookups) as an admin's earlier runs would have.
  const warm = await runCli(['bulk', 'plan', csvFile('warm', false), ...target], quiet())
  expect(warm).toBe(0)
}, 30_000)
afterAll(() => sandbox?.close())

const target = ['--profile', 'alpha', '--instance', demo.alpha.instanceId]
const quiet = (): { out: () => void; err: () => void; env: Record<string, string> } => ({
  out: () => {},
  err: () => {},
  env
})

/** A console CSV of `rows` people named `${prefix}.N`; without passwords when they are to be generated. */
function csvFile(prefix: string, generated: boolean): string {
  const header =
    'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2'
  const lines = Array.from({ length: rows }, (_, i) => {
    const username = `${prefix}.${i + 1}`
    return `Kill,Test,${username}@alpha.example.com,${generated ? '' : 'Str0ngPassw0rd'},${username},Sales Inbound,Agent`
  })
  const file = join(dir, `${prefix}.csv`)
  writeFileSync(file, `${[header, ...lines].join('\n')}\n`)
  return file
}

/** When to kill: after a time, or as soon as the journal holds `intents` intents (one call in flight). */
type KillPoint = { afterMs: number } | { intents: number }

/** The entries of the newest journal not in `before`, counted by type. */
function journalTypes(before: Set<string>): string[] {
  const fresh = [...batches()].filter((id) => !before.has(id))
  const id = fresh.sort().at(-1)
  if (!id) return []
  try {
    return readFileSync(join(data, 'batches', `${id}.jsonl`), 'utf8')
      .split('\n')
      .map((line) => /"type":"([a-z-]+)"/.exec(line)?.[1] ?? '')
  } catch {
    return []
  }
}

/** Spawns `bulk run` and kills it with SIGKILL at `point`; resolves when it is gone. */
function killedRun(args: string[], point: KillPoint, before: Set<string>): Promise<void> {
  // Each run starts with a full quota, as an admin's runs minutes apart would.
  rmSync(join(data, 'pace'), { recursive: true, force: true })
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: 'ignore' })
    const kill = (): boolean => child.kill('SIGKILL')
    const timer =
      'afterMs' in point
        ? setTimeout(kill, point.afterMs)
        : setInterval(() => {
            if (journalTypes(before).filter((t) => t === 'intent').length >= point.intents) kill()
          }, 2)
    child.on('exit', () => {
      clearTimeout(timer)
      clearInterval(timer)
      done()
    })
  })
}

const usersNamed = (username: string): number =>
  [...(sandbox.state.instances.get(demo.alpha.instanceId)?.users.values() ?? [])].filter(
    (u) => u.Username === username
  ).length

const batches = (): Set<string> =>
  new Set(
    existsSync(join(data, 'batches'))
      ? readdirSync(join(data, 'batches'))
          .filter((n) => n.endsWith('.jsonl'))
          .map((n) => n.replace(/\.jsonl$/, ''))
      : []
  )

// Kill points: while the plan is read (before anything is journaled), and after 1 to all of the rows'
// intents, each time with that row's CreateUser most likely in flight (the Sandbox adds 60 ms a call).
const kills: Array<KillPoint & { generated: boolean; label: string }> = [
  { afterMs: 250, generated: false, label: 'while planning' },
  { intents: 1, generated: false, label: 'at the first intent' },
  { intents: 3, generated: true, label: 'at the 3rd intent' },
  { intents: 1 + Math.floor(Math.random() * rows), generated: false, label: 'at a random intent' },
  { intents: 1 + Math.floor(Math.random() * rows), generated: true, label: 'at a random intent' },
  { intents: rows, generated: false, label: 'at the last intent' }
]

describe('kill -9 of a CLI bulk run at random points, then bulk resume', () => {
  it.each(kills.map((k, i) => ({ ...k, i })))(
    'run $i, killed $label (generated passwords: $generated): every row exactly once, none missing',
    async ({ generated, i, ...point }) => {
      const prefix = `k${i}`
      const file = csvFile(prefix, generated)
      const before = batches()
      const passwordsOut = (name: string): string[] =>
        generated ? ['--passwords-out', join(dir, `${prefix}-${name}.csv`)] : []
      const passwordsArgs = (name: string): string[] =>
        generated ? ['--generate-passwords', ...passwordsOut(name)] : []
      await killedRun(
        ['bulk', 'run', file, ...target, '--yes', '--rate', '10', ...passwordsArgs('run')],
        point,
        before
      )

      const journals = new BatchJournals(data)
      const batchId = [...batches()].find((id) => {
        if (before.has(id)) return false
        try {
          journals.readBatch(id)
          return true
        } catch {
          return false // killed while its plan was being written: nothing was sent
        }
      })
      const err: string[] = []
      const io = { out: () => {}, err: (l: string) => err.push(l), env }
      rmSync(join(data, 'pace'), { recursive: true, force: true })
      const code = batchId
        ? await runCli(
            [
              'bulk',
              'resume',
              batchId,
              ...(generated ? [] : ['--file', file]),
              '--rate',
              '50',
              ...passwordsOut('resume')
            ],
            io
          )
        : await runCli(
            ['bulk', 'run', file, ...target, '--yes', '--rate', '50', ...passwordsArgs('rerun')],
            io
          )
      expect(err.join('\n')).not.toMatch(/Error:/)
      expect(`${code} ${err.join('\n')}`).toMatch(/^0 /) // the code, and why when it is not 0
      for (let n = 1; n <= rows; n++) expect(usersNamed(`${prefix}.${n}`)).toBe(1)
      if (batchId) {
        const { summary } = journals.readBatch(batchId)
        expect(summary.state).toBe('finished')
        expect(summary.counts).toMatchObject({ created: rows, failed: 0, unknown: 0, left: 0 })
      }
    }
  )
})

/** The 500-row console CSV of the "done when": a class with a dozen realistic mistakes. */
function classWithMistakes(): { file: string; mistakes: Map<number, string> } {
  const header =
    'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'
  const good = (n: number): string[] => [
    'Agent',
    `Class${n}`,
    `class.${n}@alpha.example.com`,
    '',
    '',
    'Str0ngPassw0rd',
    `class.${n}`,
    'Support Tier 1',
    'Agent',
    'EMEA|London|Tier 1',
    'soft',
    '',
    'yes',
    '120',
    'team=support'
  ]
  // Row number (the header is row 1) → the column the plan must blame, and the mistake.
  const mistakes = new Map<number, string>()
  const rows = Array.from({ length: 500 }, (_, i) => good(i + 1))
  const spoil = (row: number, column: string, index: number, value: string): void => {
    const cells = rows[row - 2]
    if (!cells) throw new Error(`no row ${row}`)
    cells[index] = value
    mistakes.set(row, column)
  }
  spoil(12, 'email address', 2, 'maria.garcia@')
  spoil(40, 'mobile', 4, '07700 900123')
  spoil(77, 'password', 5, 'welcome')
  spoil(103, 'routing profile name', 7, 'Support Tier 9')
  spoil(150, 'security_profile_name_1|security_profile_name_2', 8, 'Agnet')
  spoil(188, 'user_hierarchy_1|user_hierarchy_2', 9, 'EMEA|Londn')
  spoil(230, 'phone type (soft/desk)', 10, 'cell')
  spoil(261, 'soft phone auto accept (yes/no)', 12, 'maybe')
  spoil(299, 'ACW timeout (seconds)', 13, '-5')
  spoil(340, 'last name', 1, '')
  spoil(377, 'phone number', 10, 'desk')
  spoil(421, 'user login', 6, 'class.419') // row 420's username again
  const file = join(dir, 'class-of-500.csv')
  const quote = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)
  writeFileSync(file, `${[header, ...rows.map((r) => r.map(quote).join(','))].join('\r\n')}\r\n`)
  return { file, mistakes }
}

describe('issue 11, done when', () => {
  it('a 500-row console CSV with a dozen mistakes: a message per bad row, killed midway, resumed, exported, undone', async () => {
    const { file, mistakes } = classWithMistakes()
    const lines: string[] = []
    const io = { out: (l: string) => lines.push(l), err: () => {}, env }
    expect(await runCli(['bulk', 'plan', file, ...target, '--json'], io)).toBe(1)
    const plan = JSON.parse(lines.join('\n')) as {
      counts: { create: number; exists: number; error: number }
      rows: Array<{ row: number; status: string; problems?: Array<{ column?: string; message: string }> }>
    }
    // One message (at least) per bad row, naming the column; the duplicate username is refused too.
    for (const [row, column] of mistakes) {
      const planned = plan.rows.find((r) => r.row === row)
      expect(planned?.status, `row ${row}`).toBe('error')
      expect(
        planned?.problems?.map((p) => p.column),
        `row ${row}`
      ).toContain(column)
    }
    expect(plan.counts.error).toBe(mistakes.size)
    const toCreate = plan.counts.create
    expect(toCreate).toBe(500 - mistakes.size)

    // Run it headless, kill -9 it midway, resume it.
    const before = batches()
    await killedRun(['bulk', 'run', file, ...target, '--yes', '--rate', '200'], { intents: 200 }, before)
    const batchId = [...batches()].find((id) => !before.has(id)) ?? ''
    const journals = new BatchJournals(data)
    expect(journals.readBatch(batchId).summary.counts.created).toBeLessThan(toCreate)
    rmSync(join(data, 'pace'), { recursive: true, force: true })
    const resumed = await runCli(['bulk', 'resume', batchId, '--file', file, '--rate', '200'], quiet())
    expect(resumed).toBe(1) // every valid row done; 1 because the plan refused the 12 bad rows
    const { summary } = journals.readBatch(batchId)
    expect(summary.counts).toMatchObject({ created: toCreate, failed: 0, unknown: 0, left: 0 })
    const valid = Array.from({ length: 500 }, (_, i) => i + 2).filter((row) => !mistakes.has(row))
    for (const row of valid) expect(usersNamed(`class.${row - 1}`), `row ${row}`).toBe(1)

    // Its results, and its undo: the batch's users go, nobody else's.
    const out = join(dir, 'class-results.csv')
    expect(await runCli(['bulk', 'export', batchId, '--out', out], quiet())).toBe(0)
    const exported = readFileSync(out, 'utf8').split('\r\n').filter(Boolean)
    expect(exported).toHaveLength(501)
    expect(exported.filter((l) => l.includes('created'))).toHaveLength(toCreate)
    rmSync(join(data, 'pace'), { recursive: true, force: true })
    expect(await runCli(['bulk', 'undo', batchId, '--yes', '--rate', '200'], quiet())).toBe(0)
    for (const row of valid) expect(usersNamed(`class.${row - 1}`), `row ${row}`).toBe(0)
    expect(usersNamed('jane.doe')).toBe(1)
  }, 120_000)
})

/**
 * Bulk against the Sandbox over real HTTP with the real AWS SDK: the runner, its journal, resume and
 * undo, driven by plans made by hand (the plan itself is tested with the CSV in test/unit). Every row is
 * created exactly once through throttling, 500s and lost answers; undo deletes only the batch's users;
 * two accounts run in parallel; the users quota stops a run with a clear message.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { CreateUserCommand } from '@aws-sdk/client-connect'
import type { Services } from '../../src/main/composition'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { BatchJournals, parseJournal } from '../../src/main/services/bulk/journal'
import type { BatchProgress, BatchTarget, BulkPlan, PlannedRow } from '../../src/shared/bulk/types'
import type { InstanceContext } from '../../src/shared/accounts'
import type { CreateUserRequest } from '../../src/shared/create-user'
import type { AppError } from '../../src/shared/result'
import { cliInProcess, demoProfiles, workspace, type Workspace } from './cli-helpers'
import { connect, demo, servicesIn, servicesWithDemoProfiles, unpaced } from './sandbox-helpers'

const alphaTarget: BatchTarget = {
  profile: 'alpha',
  region: 'us-east-1',
  instanceId: demo.alpha.instanceId,
  accountId: demo.alpha.accountId,
  instanceAlias: 'alpha-contact-center',
  identityType: 'CONNECT_MANAGED'
}
const bravoTarget: BatchTarget = {
  profile: 'bravo',
  region: 'eu-west-2',
  instanceId: demo.bravo.instanceId,
  accountId: demo.bravo.accountId,
  instanceAlias: 'bravo-retail',
  identityType: 'SAML'
}
const alphaContext: InstanceContext = {
  profile: 'alpha',
  region: 'us-east-1',
  instanceId: demo.alpha.instanceId
}
const bravoContext: InstanceContext = {
  profile: 'bravo',
  region: 'eu-west-2',
  instanceId: demo.bravo.instanceId
}
const secret = 'Str0ngPassw0rd'

/** A request for the CONNECT_MANAGED demo instance (usernames ≤ 20 characters). */
function alphaRequest(username: string, password = secret): CreateUserRequest {
  return {
    InstanceId: demo.alpha.instanceId,
    Username: username,
    Password: password,
    IdentityInfo: { FirstName: 'Bulk', LastName: 'Agent', Email: `${username}@alpha.example.com` },
    PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 60 },
    SecurityProfileIds: [demo.alpha.sp('Agent')],
    RoutingProfileId: demo.alpha.rp('Sales Inbound')
  }
}

/** A request for the SAML demo instance (no password). */
function bravoRequest(username: string): CreateUserRequest {
  return {
    InstanceId: demo.bravo.instanceId,
    Username: username,
    IdentityInfo: { FirstName: 'Saml', LastName: 'Agent' },
    SecurityProfileIds: [demo.bravo.sp('Agent')],
    RoutingProfileId: demo.bravo.rp('Store Support')
  }
}

function planOf(target: BatchTarget, rows: PlannedRow[]): BulkPlan {
  return {
    form: 'roster',
    fileName: 'agents.csv',
    target,
    rows,
    counts: {
      create: rows.filter((r) => r.status === 'create').length,
      exists: rows.filter((r) => r.status === 'exists').length,
      error: rows.filter((r) => r.status === 'error').length
    },
    ignoredColumns: [],
    problems: [],
    unresolved: 0
  }
}

/** `count` rows to create named `${prefix}${n}`, from line `first` on. */
function createRows(
  count: number,
  prefix: string,
  request: (username: string) => CreateUserRequest = alphaRequest,
  first = 2
): PlannedRow[] {
  return Array.from({ length: count }, (_, i) => {
    const username = `${prefix}${i + 1}`
    return {
      row: first + i,
      username,
      status: 'create',
      request: request(username),
      generatedPassword: false
    }
  })
}

let sandbox: Sandbox
let services: Services
let folder: string
const fast = { attempts: 4, baseDelayMs: 0, maxDelayMs: 0 }

const users = (instanceId: string, username: string): number =>
  [...(sandbox.state.instances.get(instanceId)?.users.values() ?? [])].filter((u) => u.Username === username)
    .length
const alphaUsers = (username: string): number => users(demo.alpha.instanceId, username)
const journalText = (batchId: string): string =>
  readFileSync(join(folder, 'batches', `${batchId}.jsonl`), 'utf8')

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services, folder } = servicesWithDemoProfiles(sandbox, { retry: fast, pace: unpaced }))
  // Known accounts: each batch's pacer is its account's (a per-account rate applies to it).
  await services.directory.identity(alphaContext)
  await services.directory.identity(bravoContext)
})
afterAll(() => sandbox?.close())
beforeEach(() => {
  // Each test starts with a full quota: an earlier test's rate re-reads the shared bucket differently.
  rmSync(join(folder, 'pace'), { recursive: true, force: true })
  sandbox.throttle.config.rate = 0
  sandbox.faults.config = {}
  const alpha = sandbox.state.instances.get(demo.alpha.instanceId)
  if (alpha) alpha.usersQuota = 5000
})

describe('the plan', () => {
  it('reads the instance once for the whole file: one ListUsers pass, cached names, no call per row', async () => {
    await connect(sandbox, demo.alpha).send(new CreateUserCommand({ ...alphaRequest('plan.there') }))
    await services.lookups.refresh(alphaContext)
    const header =
      'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2'
    const people = Array.from(
      { length: 40 },
      (_, i) => `Ada,Lovelace,plan.${i}@alpha.example.com,${secret},plan.${i},Sales Inbound,Agent`
    )
    const text = [
      header,
      ...people,
      `Ada,Lovelace,there@alpha.example.com,${secret},plan.there,Sales Inbound,Agent`
    ].join('\n')
    sandbox.stats.reset()
    const plan = await services.bulk.plan({ context: alphaContext, text, fileName: 'people.csv' })
    expect(plan.counts).toEqual({ create: 40, exists: 1, error: 0 })
    expect(plan.target).toEqual(alphaTarget)
    expect(plan.rows.find((r) => r.username === 'plan.there')).toMatchObject({ status: 'exists' })
    const users = sandbox.state.instances.get(demo.alpha.instanceId)?.users.size ?? 0
    expect(sandbox.stats.count('ListUsers')).toBe(Math.ceil(users / 1000))
    expect(sandbox.stats.total).toBe(Math.ceil(users / 1000))
  })

  it('looks the instance’s names up again once before refusing a name the cache does not know', async () => {
    const text = [
      'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2',
      `Ada,Lovelace,nope@alpha.example.com,${secret},plan.nope,No Such Profile,Agent`
    ].join('\n')
    sandbox.stats.reset()
    const plan = await services.bulk.plan({ context: alphaContext, text, fileName: 'nope.csv' })
    expect(plan.counts.error).toBe(1)
    expect(sandbox.stats.count('ListRoutingProfiles')).toBe(1)
  })

  it('does not fetch the names again for a mistake that is not a name (a bad e-mail)', async () => {
    const text = [
      'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2',
      `Ada,Lovelace,not-an-email,${secret},plan.typo,Sales Inbound,Agent`
    ].join('\n')
    sandbox.stats.reset()
    const plan = await services.bulk.plan({ context: alphaContext, text, fileName: 'typo.csv' })
    expect(plan.counts.error).toBe(1)
    expect(plan.unresolved).toBe(0)
    expect(sandbox.stats.count('ListRoutingProfiles')).toBe(0)
  })
})

describe('a run', () => {
  it('creates the rows to create once each, skips existing and planned errors, and journals it all without a password', async () => {
    const existing = await connect(sandbox, demo.alpha).send(
      new CreateUserCommand({ ...alphaRequest('run.there') })
    )
    const plan = planOf(alphaTarget, [
      ...createRows(5, 'run.'),
      { row: 7, username: 'run.there', status: 'exists', userId: existing.UserId ?? '' },
      {
        row: 8,
        username: 'bad',
        status: 'error',
        problems: [{ row: 8, column: 'email', message: 'Not an e-mail.' }]
      }
    ])
    const progress: BatchProgress[] = []
    const run = services.bulk.run(plan, { onProgress: (p) => progress.push(p) })
    const result = await run.done
    expect(result.state).toBe('finished')
    expect(result.summary.counts).toEqual({
      created: 5,
      exists: 1,
      failed: 0,
      unknown: 0,
      left: 0,
      deleted: 0,
      refused: 1
    })
    for (let n = 1; n <= 5; n++) expect(alphaUsers(`run.${n}`)).toBe(1)
    expect(result.results.map((r) => [r.row, r.outcome])).toEqual([
      [2, 'created'],
      [3, 'created'],
      [4, 'created'],
      [5, 'created'],
      [6, 'created'],
      [7, 'exists'],
      [8, 'planned-error']
    ])
    expect(result.results[6]?.message).toBe('email: Not an e-mail.')
    expect(progress.at(-1)).toMatchObject({ state: 'finished', counts: { created: 5, left: 0 } })
    expect(progress.some((p) => p.last?.outcome === 'created' && p.rate >= 0)).toBe(true)

    // The journal: plan, state, intent before each outcome; 0600 in a 0700 folder; no password anywhere.
    const text = journalText(run.batchId)
    expect(text).not.toContain(secret)
    const entries = parseJournal(text)
    expect(entries[0]?.type).toBe('plan')
    expect(entries[1]).toMatchObject({ type: 'state', state: 'running' })
    expect(entries.at(-1)).toMatchObject({ type: 'state', state: 'finished' })
    expect(entries.filter((e) => e.type === 'intent')).toHaveLength(5)
    expect(entries.filter((e) => e.type === 'outcome')).toHaveLength(5)
    const plan0 = entries[0]
    expect(plan0?.type === 'plan' && plan0.rows[0]).toMatchObject({
      hasPassword: true,
      request: { Password: '«redacted»' }
    })
    for (const entry of entries.filter((e) => e.type === 'outcome')) {
      const intentAt = entries.findIndex((e) => e.type === 'intent' && e.row === entry.row)
      expect(intentAt).toBeGreaterThan(0)
      expect(intentAt).toBeLessThan(entries.indexOf(entry))
    }
    if (process.platform !== 'win32') {
      expect(statSync(join(folder, 'batches')).mode & 0o777).toBe(0o700)
      expect(statSync(join(folder, 'batches', `${run.batchId}.jsonl`)).mode & 0o777).toBe(0o600)
    }
    expect(existsSync(join(folder, 'batches', `${run.batchId}.lock`))).toBe(false)

    // History, results and the audit trail read back the same.
    const listed = services.bulk.list().batches.find((b) => b.batchId === run.batchId)
    expect(listed).toMatchObject({ state: 'finished', fileName: 'agents.csv', target: alphaTarget })
    const csv = services.bulk.exportResults(run.batchId, 'csv')
    expect(csv.split('\r\n')[0]).toBe('"row","username","outcome","userId","userArn","errorCode","message"')
    expect(csv).toContain('"run.1","created"')
    expect(JSON.parse(services.bulk.exportResults(run.batchId, 'json'))).toMatchObject({
      batch: { batchId: run.batchId },
      rows: expect.arrayContaining([expect.objectContaining({ username: 'run.1', outcome: 'created' })])
    })
    const audited = services.activity.list().filter((e) => e.batchId === run.batchId)
    expect(audited.map((e) => e.outcome).sort()).toEqual([
      'created',
      'created',
      'created',
      'created',
      'created'
    ])
    expect(JSON.stringify(audited)).not.toContain(secret)
  })

  it('defuses spreadsheet formulas in the exported CSV', async () => {
    const run = services.bulk.run(
      planOf(alphaTarget, [
        { row: 2, username: '=HYPERLINK("x")', status: 'error', problems: [{ row: 2, message: '@SUM(1)' }] },
        ...createRows(1, 'csv.', alphaRequest, 3)
      ])
    )
    await run.done
    const csv = services.bulk.exportResults(run.batchId, 'csv')
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`)
    expect(csv).toContain(`"'@SUM(1)"`)
  })

  it('refuses a second batch on the same account and Region while one runs', async () => {
    sandbox.faults.config = { latencyMs: 50 }
    const first = services.bulk.run(planOf(alphaTarget, createRows(3, 'one.at.')))
    const error = (() => {
      try {
        services.bulk.run(planOf(alphaTarget, createRows(1, 'two.at.')))
      } catch (e) {
        return e as AppError
      }
      return undefined
    })()
    expect(error?.code).toBe('CONFLICT')
    await first.done
  })
})

describe('throttling, server errors and lost answers', () => {
  it('at a low quota (5/s, burst 2) and a faster client rate: every row created once, none failed', async () => {
    sandbox.throttle.config.rate = 5
    sandbox.throttle.config.burst = 2
    const notes: string[] = []
    const throttledBefore = sandbox.stats.byStatus.get(429) ?? 0
    const run = services.bulk.run(planOf(alphaTarget, createRows(10, 'thr.')), {
      pace: { perSecond: 20, burst: 5 },
      onProgress: (p) => {
        if (p.note) notes.push(p.note)
      }
    })
    const result = await run.done
    expect(result.summary.counts).toMatchObject({ created: 10, failed: 0, unknown: 0, left: 0 })
    for (let n = 1; n <= 10; n++) expect(alphaUsers(`thr.${n}`)).toBe(1)
    expect((sandbox.stats.byStatus.get(429) ?? 0) - throttledBefore).toBeGreaterThan(0)
    // The live note says what is happening while it happens, as well as afterwards.
    expect(notes.some((n) => /^Throttled, retrying row \d+ \(\d of 4\)…$/.test(n))).toBe(true)
    expect(notes.some((n) => /needed \d attempts/.test(n))).toBe(true)
  })

  it('scripted 500s and commit-then-drop: every row exactly once, each one created', async () => {
    sandbox.faults.next('fail', 'CreateUser')
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    sandbox.faults.next('fail', 'CreateUser')
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    sandbox.faults.next('drop', 'CreateUser')
    const result = await services.bulk.run(planOf(alphaTarget, createRows(8, 'flt.')), { concurrency: 1 })
      .done
    expect(result.summary.counts).toMatchObject({ created: 8, failed: 0, unknown: 0, left: 0 })
    for (let n = 1; n <= 8; n++) expect(alphaUsers(`flt.${n}`)).toBe(1)
    expect(result.results.filter((r) => /answer was lost/.test(r.message ?? ''))).toHaveLength(2)
  })

  it('random 500s, drops and commit-then-drop on every call: exactly once, and resume settles any unknown', async () => {
    sandbox.faults.config = { failRate: 0.15, dropRate: 0.05, commitThenDropRate: 0.2 }
    const run = services.bulk.run(planOf(alphaTarget, createRows(20, 'rnd.')))
    let result = await run.done
    sandbox.faults.config = {}
    if (result.summary.counts.unknown || result.summary.counts.left)
      result = await services.bulk.resume(run.batchId, {
        passwords: new Map(createRows(20, 'rnd.').map((r) => [r.row, secret]))
      }).done
    expect(result.summary.counts).toMatchObject({ created: 20, unknown: 0, left: 0 })
    for (let n = 1; n <= 20; n++) expect(alphaUsers(`rnd.${n}`)).toBe(1)
  })
})

describe('the users quota', () => {
  it('stops the run with a clear message; resume after raising it creates the rest, once each', async () => {
    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    if (!instance) throw new Error('no alpha instance')
    instance.usersQuota = instance.users.size + 3
    const rows = createRows(6, 'quota.')
    const run = services.bulk.run(planOf(alphaTarget, rows), { concurrency: 1 })
    const stopped = await run.done
    expect(stopped.state).toBe('stopped')
    expect(stopped.reason).toMatch(/users quota/)
    expect(stopped.reason).toMatch(/Service Quotas/)
    expect(stopped.summary.counts).toMatchObject({ created: 3, failed: 0, left: 3 })
    expect(services.bulk.read(run.batchId).summary.state).toBe('stopped')

    instance.usersQuota = 5000
    const needs = services.bulk.resumeNeeds(run.batchId)
    expect(needs).toMatchObject({ recheck: 1, unsent: 2 })
    expect(needs.csvPasswordRows.map((r) => r.row)).toEqual([5, 6, 7])
    expect(() => services.bulk.resume(run.batchId)).toThrow(/passwords from the CSV/)
    const resumed = await services.bulk.resume(run.batchId, {
      passwords: new Map(rows.map((r) => [r.row, secret]))
    }).done
    expect(resumed.state).toBe('finished')
    expect(resumed.summary.counts).toMatchObject({ created: 6, left: 0 })
    for (let n = 1; n <= 6; n++) expect(alphaUsers(`quota.${n}`)).toBe(1)
  })
})

describe('resume after a crash', () => {
  it('re-checks every intent without an outcome before sending anything: found → created, missing → sent', async () => {
    const journals = new BatchJournals(folder)
    const rows = createRows(4, 'crash.')
    const { journal } = journals.create(planOf(alphaTarget, rows))
    const at = new Date().toISOString()
    journal.append({ type: 'state', at, state: 'running' })
    // Row 2 was created and its outcome never written; row 3 was about to be sent; rows 4–5 never were.
    await connect(sandbox, demo.alpha).send(new CreateUserCommand({ ...alphaRequest('crash.1') }))
    journal.append({ type: 'intent', at, row: 2, username: 'crash.1' })
    journal.append({ type: 'intent', at, row: 3, username: 'crash.2' })
    expect(services.bulk.read(journal.batchId).summary.state).toBe('interrupted')

    const creates = sandbox.stats.count('CreateUser')
    const searches = sandbox.stats.count('SearchUsers')
    const result = await services.bulk.resume(journal.batchId, {
      passwords: new Map(rows.map((r) => [r.row, secret]))
    }).done
    expect(result.summary.counts).toMatchObject({ created: 4, left: 0, unknown: 0 })
    expect(result.results[0]?.message).toMatch(/found by SearchUsers/)
    expect(sandbox.stats.count('CreateUser') - creates).toBe(3)
    expect(sandbox.stats.count('SearchUsers') - searches).toBe(2)
    for (let n = 1; n <= 4; n++) expect(alphaUsers(`crash.${n}`)).toBe(1)
  })

  it('generated passwords lost with the run: recovered rows say so, the rest get new ones, handed out once', async () => {
    const journals = new BatchJournals(folder)
    const rows: PlannedRow[] = createRows(3, 'gen.').map((r) =>
      r.status === 'create' ? { ...r, generatedPassword: true } : r
    )
    const { journal } = journals.create(planOf(alphaTarget, rows))
    const at = new Date().toISOString()
    await connect(sandbox, demo.alpha).send(new CreateUserCommand({ ...alphaRequest('gen.1') }))
    journal.append({ type: 'state', at, state: 'running' })
    journal.append({ type: 'intent', at, row: 2, username: 'gen.1' })
    const needs = services.bulk.resumeNeeds(journal.batchId)
    expect(needs.csvPasswordRows).toEqual([])
    expect(needs.generatedRows.map((r) => r.username)).toEqual(['gen.1', 'gen.2', 'gen.3'])
    const handed: string[] = []
    const run = services.bulk.resume(
      journal.batchId,
      {},
      { onGeneratedPassword: (g) => handed.push(g.username) }
    )
    const result = await run.done
    expect(result.summary.counts).toMatchObject({ created: 3, left: 0 })
    expect(result.results[0]?.message).toMatch(/password was lost/)
    expect(result.results[1]?.message).toMatch(/generated on resume/)
    expect(handed).toEqual(['gen.2', 'gen.3'])
    expect(run.generatedPasswords().every((g) => g.regenerated && g.password.length === 16)).toBe(true)
    expect(journalText(journal.batchId)).not.toContain(run.generatedPasswords()[0]?.password ?? 'none')
  })

  it('an intent whose username someone else took is left alone as existing', async () => {
    const journals = new BatchJournals(folder)
    const { journal } = journals.create(planOf(alphaTarget, createRows(1, 'other.')))
    await connect(sandbox, demo.alpha).send(
      new CreateUserCommand({
        ...alphaRequest('other.1'),
        IdentityInfo: { FirstName: 'Some', LastName: 'One', Email: 'o@alpha.example.com' }
      })
    )
    journal.append({ type: 'intent', at: new Date().toISOString(), row: 2, username: 'other.1' })
    const result = await services.bulk.resume(journal.batchId, { passwords: new Map([[2, secret]]) }).done
    expect(result.results[0]).toMatchObject({ outcome: 'exists' })
    expect(alphaUsers('other.1')).toBe(1)
  })
})

describe('pause, resume and cancel', () => {
  it('pause stops handing out rows, resume goes on, cancel ends after the calls in flight', async () => {
    sandbox.faults.config = { latencyMs: 40 }
    let created = 0
    let run: ReturnType<Services['bulk']['run']> | undefined
    const paused = new Promise<void>((resolve) => {
      run = services.bulk.run(planOf(alphaTarget, createRows(30, 'pause.')), {
        pace: { perSecond: 20, burst: 1 },
        onProgress: (p) => {
          created = p.counts.created
          if (created === 3 && p.state === 'running') resolve()
        }
      })
    })
    if (!run) throw new Error('no run')
    await paused
    run.pause()
    expect(run.progress().state).toBe('paused')
    await new Promise((r) => setTimeout(r, 200))
    const whilePaused = created
    await new Promise((r) => setTimeout(r, 300))
    expect(created).toBe(whilePaused) // nothing more after the calls in flight
    run.resume()
    await new Promise((r) => setTimeout(r, 200))
    expect(created).toBeGreaterThan(whilePaused)
    run.cancel()
    const result = await run.done
    expect(result.state).toBe('cancelled')
    expect(result.summary.counts.left).toBeGreaterThan(0)
    expect(result.summary.counts.created + result.summary.counts.left).toBe(30)
    expect(result.summary.counts.unknown).toBe(0)
    expect(services.bulk.read(run.batchId).results.filter((r) => r.outcome === 'skipped')).toHaveLength(
      result.summary.counts.left
    )
    // A cancelled batch can be resumed.
    sandbox.faults.config = {}
    const resumed = await services.bulk.resume(run.batchId, {
      passwords: new Map(createRows(30, 'pause.').map((r) => [r.row, secret]))
    }).done
    expect(resumed.summary.counts).toMatchObject({ created: 30, left: 0 })
    for (let n = 1; n <= 30; n++) expect(alphaUsers(`pause.${n}`)).toBe(1)
  })
})

describe('two accounts in parallel', () => {
  it('runs a batch in Alpha and one in Bravo at once, each at its own pace', async () => {
    sandbox.faults.config = { latencyMs: 20 }
    const pace = { perSecond: 12, burst: 2 }
    const alpha = services.bulk.run(planOf(alphaTarget, createRows(10, 'par.a.')), { pace })
    const bravo = services.bulk.run(planOf(bravoTarget, createRows(10, 'par.b.', bravoRequest)), { pace })
    const [a, b] = await Promise.all([alpha.done, bravo.done])
    expect(a.summary.counts).toMatchObject({ created: 10, left: 0 })
    expect(b.summary.counts).toMatchObject({ created: 10, left: 0 })
    for (let n = 1; n <= 10; n++) {
      expect(alphaUsers(`par.a.${n}`)).toBe(1)
      expect(users(demo.bravo.instanceId, `par.b.${n}`)).toBe(1)
    }
    // Their outcomes interleave in time: neither waited for the other.
    const span = (batchId: string): [number, number] => {
      const times = parseJournal(journalText(batchId))
        .filter((e) => e.type === 'outcome')
        .map((e) => Date.parse(e.type === 'outcome' ? e.at : ''))
      return [Math.min(...times), Math.max(...times)]
    }
    const [aFrom, aTo] = span(alpha.batchId)
    const [bFrom, bTo] = span(bravo.batchId)
    expect(aFrom).toBeLessThan(bTo)
    expect(bFrom).toBeLessThan(aTo)
  })
})

describe('undo', () => {
  it('deletes exactly the users the batch created: an unrelated user and the existing row survive', async () => {
    const unrelated = await connect(sandbox, demo.alpha).send(
      new CreateUserCommand({ ...alphaRequest('undo.other') })
    )
    const existing = await connect(sandbox, demo.alpha).send(
      new CreateUserCommand({ ...alphaRequest('undo.there') })
    )
    const before = sandbox.state.instances.get(demo.alpha.instanceId)?.users.size ?? 0
    const run = services.bulk.run(
      planOf(alphaTarget, [
        ...createRows(4, 'undo.'),
        { row: 6, username: 'undo.there', status: 'exists', userId: existing.UserId ?? '' }
      ])
    )
    await run.done
    expect(sandbox.state.instances.get(demo.alpha.instanceId)?.users.size).toBe(before + 4)

    const preview = services.bulk.undoPreview(run.batchId)
    expect(preview).toMatchObject({ target: alphaTarget, recheck: 0 })
    expect(preview.users.map((u) => u.username)).toEqual(['undo.1', 'undo.2', 'undo.3', 'undo.4'])

    // One DeleteUser commits and loses its answer: the retry finds it gone, which counts as deleted.
    sandbox.faults.next('commit-then-drop', 'DeleteUser')
    const undone = await services.bulk.undo(run.batchId).done
    expect(undone.state).toBe('undone')
    expect(undone.summary.counts).toMatchObject({ created: 4, deleted: 4 })
    for (let n = 1; n <= 4; n++) expect(alphaUsers(`undo.${n}`)).toBe(0)
    expect(alphaUsers('undo.other')).toBe(1)
    expect(alphaUsers('undo.there')).toBe(1)
    expect(
      sandbox.state.instances.get(demo.alpha.instanceId)?.users.get(unrelated.UserId ?? '')
    ).toBeDefined()
    expect(sandbox.state.instances.get(demo.alpha.instanceId)?.users.size).toBe(before)

    const entries = parseJournal(journalText(run.batchId))
    expect(entries.filter((e) => e.type === 'undo-intent')).toHaveLength(4)
    expect(
      entries
        .filter((e) => e.type === 'undo-outcome')
        .map((e) => e.type === 'undo-outcome' && e.outcome)
        .sort()
    ).toEqual(['deleted', 'deleted', 'deleted', 'gone'].sort())
    expect(
      services.activity.list().filter((e) => e.batchId === run.batchId && e.outcome === 'deleted')
    ).toHaveLength(4)
    expect(services.bulk.list().batches.find((b) => b.batchId === run.batchId)?.state).toBe('undone')
    // Again: nothing left to delete, nothing sent; and an undone batch is not resumed.
    const deletes = sandbox.stats.count('DeleteUser')
    await services.bulk.undo(run.batchId).done
    expect(sandbox.stats.count('DeleteUser')).toBe(deletes)
    expect(() => services.bulk.resume(run.batchId)).toThrow(/undone/)
  })

  it('is resumable: an undo interrupted midway carries on with the users not yet deleted', async () => {
    const run = services.bulk.run(planOf(alphaTarget, createRows(3, 'undo2.')))
    await run.done
    const journal = new BatchJournals(folder).open(run.batchId)
    const record = services.bulk.read(run.batchId)
    const first = record.results[0]
    if (!first?.userId) throw new Error('no user ID')
    // The killed undo had deleted the first user (its outcome lost) and nothing else.
    sandbox.state.instances.get(demo.alpha.instanceId)?.deleteUser(first.userId)
    journal.append({
      type: 'undo-intent',
      at: new Date().toISOString(),
      row: first.row,
      userId: first.userId
    })
    const undone = await services.bulk.undo(run.batchId).done
    expect(undone.state).toBe('undone')
    expect(undone.summary.counts.deleted).toBe(3)
    for (let n = 1; n <= 3; n++) expect(alphaUsers(`undo2.${n}`)).toBe(0)
  })

  it('deletes a user whose CreateUser answer was lost in an interrupted run, once it is found to be the batch’s', async () => {
    const journals = new BatchJournals(folder)
    const { journal } = journals.create(planOf(alphaTarget, createRows(2, 'undo3.')))
    await connect(sandbox, demo.alpha).send(new CreateUserCommand({ ...alphaRequest('undo3.1') }))
    const at = new Date().toISOString()
    journal.append({ type: 'intent', at, row: 2, username: 'undo3.1' })
    journal.append({ type: 'intent', at, row: 3, username: 'undo3.2' })
    expect(services.bulk.undoPreview(journal.batchId)).toMatchObject({ users: [], recheck: 2 })
    const undone = await services.bulk.undo(journal.batchId).done
    expect(undone.state).toBe('undone')
    expect(alphaUsers('undo3.1')).toBe(0)
    expect(undone.results.map((r) => r.outcome)).toEqual(['created', 'skipped'])
  })
})

describe('the bulk CLI (in-process)', () => {
  const header =
    'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),soft phone auto accept (yes/no),ACW timeout (seconds)'
  const line = (username: string, email = `${username}@alpha.example.com`, password = secret): string =>
    `Ada,Lovelace,${email},${password},${username},Sales Inbound,Agent,soft,yes,60`
  let ws: Workspace
  const target = ['--profile', 'alpha', '--instance', 'alpha-contact-center']
  const csv = (name: string, lines: string[]): string => {
    const file = join(ws.dir, name)
    writeFileSync(file, `${[header, ...lines].join('\r\n')}\r\n`)
    return file
  }
  const jsonLines = (text: string): Array<Record<string, unknown>> =>
    text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>)

  beforeAll(() => {
    ws = workspace(demoProfiles(sandbox.url))
  })

  it('bulk template prints each form’s blank CSV', async () => {
    const consoleForm = await cliInProcess(['bulk', 'template'], { env: ws.env })
    expect(consoleForm.code).toBe(0)
    expect(consoleForm.stdout.split('\n')[0]).toMatch(/^first name,last name,email address/)
    const roster = await cliInProcess(['bulk', 'template', '--form', 'roster'], { env: ws.env })
    expect(roster.stdout).toMatch(/template/)
    expect((await cliInProcess(['bulk', 'template', '--form', 'excel'], { env: ws.env })).code).toBe(2)
  })

  it('run goes at the rate saved in the app for the account and Region, unless --rate says otherwise', async () => {
    const saved = workspace(demoProfiles(sandbox.url), {
      accountRates: { [`${demo.alpha.accountId}|us-east-1`]: 40 }
    })
    const run = (name: string, extra: string[] = []): ReturnType<typeof cliInProcess> =>
      cliInProcess(
        ['bulk', 'run', csv(name, [line(name.replace('.csv', ''))]), ...target, '--yes', ...extra],
        {
          env: saved.env
        }
      )
    const bySettings = await run('cli.rate1.csv')
    expect(bySettings.code).toBe(0)
    expect(bySettings.stderr).toContain(
      'At 40 requests/second (the rate saved in the app for this account and Region).'
    )
    const byFlag = await run('cli.rate2.csv', ['--rate', '25'])
    expect(byFlag.stderr).toContain('At 25 requests/second (--rate).')
    const byDefault = await cliInProcess(
      ['bulk', 'run', csv('cli.rate3.csv', [line('cli.rate3')]), ...target, '--yes'],
      { env: ws.env }
    )
    expect(byDefault.stderr).toContain('At Connect’s default quota (2 requests/second)')
  })

  it('bulk list moves a journal it cannot read aside, says so, and lists the rest', async () => {
    const ws2 = workspace(demoProfiles(sandbox.url))
    const batches = join(ws2.data, 'batches')
    mkdirSync(batches, { recursive: true })
    // What a crash while the plan line was written leaves: a journal with no plan.
    const torn = join(batches, '20260101-000000-abcdef.jsonl')
    writeFileSync(torn, '{"type":"pl')
    const listed = await cliInProcess(['bulk', 'list', '--json'], { env: ws2.env })
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toEqual([])
    expect(listed.stderr).toMatch(/warning: The journal of batch 20260101-000000-abcdef could not be read/)
    expect(existsSync(torn)).toBe(false)
    const kept = readdirSync(batches).filter((n) => n.includes('.corrupt-'))
    expect(kept).toHaveLength(1)
    expect(readFileSync(join(batches, kept[0] ?? ''), 'utf8')).toBe('{"type":"pl')
    // Said once: the next listing is quiet.
    expect((await cliInProcess(['bulk', 'list'], { env: ws2.env })).stderr).toBe('')
  })

  it('plan: counts and a message per bad row, no password printed, nothing sent; exit 1 for a bad row', async () => {
    const file = csv('plan.csv', [line('cli.p1'), line('cli.p2', 'not-an-email')])
    const creates = sandbox.stats.count('CreateUser')
    const text = await cliInProcess(['bulk', 'plan', file, ...target], { env: ws.env })
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/1 to create, 0 already exist \(skipped\), 1 with errors/)
    expect(text.stdout).toMatch(/Row 3, email address/)
    const json = await cliInProcess(['bulk', 'plan', file, ...target, '--json'], { env: ws.env })
    const plan = JSON.parse(json.stdout) as {
      counts: unknown
      rows: Array<{ request?: { Password?: string } }>
    }
    expect(plan.counts).toEqual({ create: 1, exists: 0, error: 1 })
    expect(plan.rows[0]?.request?.Password).toBe('«redacted»')
    expect(json.stdout + text.stdout).not.toContain(secret)
    expect(sandbox.stats.count('CreateUser')).toBe(creates)
  })

  it('run: refuses without --yes off a terminal (exit 2, saying where and how many); with --yes creates each row once', async () => {
    const file = csv('run.csv', [line('cli.r1'), line('cli.r2'), line('cli.r3')])
    const refused = await cliInProcess(['bulk', 'run', file, ...target, '--rate', '50'], { env: ws.env })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(
      /Create 3 user\(s\) in alpha-contact-center \(account 111122223333, us-east-1\)/
    )
    expect(alphaUsers('cli.r1')).toBe(0)

    const ran = await cliInProcess(['bulk', 'run', file, ...target, '--rate', '50', '--yes', '--json'], {
      env: ws.env
    })
    expect(ran.code).toBe(0)
    const lines = jsonLines(ran.stdout)
    expect(lines[0]).toMatchObject({ type: 'plan', counts: { create: 3 } })
    expect(lines.filter((l) => l['type'] === 'row').map((l) => l['outcome'])).toEqual([
      'created',
      'created',
      'created'
    ])
    const done = lines.at(-1)
    expect(done).toMatchObject({ type: 'done', state: 'finished', counts: { created: 3, left: 0 } })
    for (const n of [1, 2, 3]) expect(alphaUsers(`cli.r${n}`)).toBe(1)
    expect(ran.stdout + ran.stderr).not.toContain(secret)

    // Again: every row exists now, so nothing is sent.
    const again = await cliInProcess(['bulk', 'run', file, ...target, '--yes'], { env: ws.env })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/0 to create, 3 already exist/)

    const batchId = String(done?.['batchId'])
    const list = JSON.parse(
      (await cliInProcess(['bulk', 'list', '--json'], { env: ws.env })).stdout
    ) as Array<{
      batchId: string
      state: string
    }>
    expect(list.find((b) => b.batchId === batchId)?.state).toBe('finished')
    const shown = await cliInProcess(['bulk', 'show', batchId], { env: ws.env })
    expect(shown.stdout).toMatch(/cli\.r2\s+created/)
    const out = join(ws.dir, 'results.csv')
    expect((await cliInProcess(['bulk', 'export', batchId, '--out', out], { env: ws.env })).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('"cli.r3","created"')
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o600)

    // Undo: refused without --yes (naming account, instance, count), then done.
    const notConfirmed = await cliInProcess(['bulk', 'undo', batchId], { env: ws.env })
    expect(notConfirmed.code).toBe(2)
    expect(notConfirmed.stdout).toMatch(
      /deletes 3 user\(s\) it created in alpha-contact-center \(account 111122223333, us-east-1\)/
    )
    expect(alphaUsers('cli.r1')).toBe(1)
    const undone = await cliInProcess(['bulk', 'undo', batchId, '--yes'], { env: ws.env })
    expect(undone.code).toBe(0)
    for (const n of [1, 2, 3]) expect(alphaUsers(`cli.r${n}`)).toBe(0)
  })

  it('generated passwords go to one new owner-only file, and nowhere else', async () => {
    const file = csv('gen.csv', [line('cli.g1', undefined, ''), line('cli.g2', undefined, '')])
    const passwords = join(ws.dir, 'passwords.csv')
    const noFile = await cliInProcess(['bulk', 'run', file, ...target, '--yes', '--generate-passwords'], {
      env: ws.env
    })
    expect(noFile.code).toBe(2)
    writeFileSync(join(ws.dir, 'taken.csv'), 'keep me')
    const taken = await cliInProcess(
      [
        'bulk',
        'run',
        file,
        ...target,
        '--yes',
        '--generate-passwords',
        '--passwords-out',
        join(ws.dir, 'taken.csv')
      ],
      { env: ws.env }
    )
    expect(taken.code).toBe(2)
    expect(readFileSync(join(ws.dir, 'taken.csv'), 'utf8')).toBe('keep me')
    const ran = await cliInProcess(
      [
        'bulk',
        'run',
        file,
        ...target,
        '--yes',
        '--rate',
        '50',
        '--generate-passwords',
        '--passwords-out',
        passwords
      ],
      { env: ws.env }
    )
    expect(ran.code).toBe(0)
    const written = readFileSync(passwords, 'utf8').trim().split('\r\n')
    expect(written[0]).toBe('"row","username","password"')
    expect(written.slice(1).map((l) => l.split(',')[1])).toEqual(['"cli.g1"', '"cli.g2"'])
    if (process.platform !== 'win32') expect(statSync(passwords).mode & 0o777).toBe(0o600)
    const generated = written.slice(1).map((l) => l.split(',')[2]?.replace(/"/g, '') ?? '')
    for (const password of generated) {
      expect(password).toHaveLength(16)
      expect(ran.stdout + ran.stderr).not.toContain(password)
      for (const name of readdirSync(join(ws.data, 'batches')))
        expect(readFileSync(join(ws.data, 'batches', name), 'utf8')).not.toContain(password)
      expect(readFileSync(join(ws.data, 'audit.jsonl'), 'utf8')).not.toContain(password)
    }
  })

  it('resume needs the same CSV for its passwords (exit 2 without it), then finishes the batch', async () => {
    const file = csv('resume.csv', [line('cli.s1'), line('cli.s2')])
    const services2 = servicesIn(ws.data, { retry: fast, pace: unpaced })
    const plan = await services2.bulk.plan({
      context: alphaContext,
      text: readFileSync(file, 'utf8'),
      fileName: 'resume.csv'
    })
    // A batch stopped before it sent anything (as if killed just after journaling its plan).
    const { journal } = new BatchJournals(ws.data).create(plan)
    journal.append({ type: 'state', at: new Date().toISOString(), state: 'running' })
    const withoutFile = await cliInProcess(['bulk', 'resume', journal.batchId], { env: ws.env })
    expect(withoutFile.code).toBe(2)
    expect(withoutFile.stderr).toMatch(/rows 2, 3 need their passwords from the CSV/)
    const other = csv('other.csv', [line('cli.zz'), line('cli.s2')])
    expect(
      (await cliInProcess(['bulk', 'resume', journal.batchId, '--file', other], { env: ws.env })).code
    ).toBe(2)
    const resumed = await cliInProcess(['bulk', 'resume', journal.batchId, '--file', file, '--rate', '50'], {
      env: ws.env
    })
    expect(resumed.code).toBe(0)
    expect(alphaUsers('cli.s1')).toBe(1)
    expect(alphaUsers('cli.s2')).toBe(1)
  })
})

/**
 * The bulk desk (what the window's bulk:* channels call) against the Sandbox: plans of picked files held
 * in main with their passwords and shown without them, the same file planned again, progress events
 * coalesced yet covering every row, the account's rate remembered, undo refused for a stale count,
 * generated passwords saved once.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/composition'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { BulkDesk } from '../../src/main/services/bulk/bulk-desk'
import { memorySettings, SettingsService } from '../../src/main/services/settings-service'
import type { BatchProgressEvent, BatchResultRow } from '../../src/shared/bulk/types'
import type { InstanceContext } from '../../src/shared/accounts'
import { AppError } from '../../src/shared/result'
import { demo, servicesWithDemoProfiles, unpaced } from './sandbox-helpers'

const header =
  'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2'
const context: InstanceContext = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }

function csv(prefix: string, count: number, password = 'Str0ngPassw0rd'): string {
  const rows = Array.from(
    { length: count },
    (_, i) => `Desk,Agent${i},${prefix}${i}@alpha.example.com,${password},${prefix}${i},Sales Inbound,Agent`
  )
  return [header, ...rows].join('\n')
}

let sandbox: Sandbox
let services: Services
let files: string
const answers: { open?: string; save?: string } = {}
const events: BatchProgressEvent[] = []
let settings: SettingsService
let desk: BulkDesk

/** Waits for the batch's end after event `from`, without sleeping: events arrive as the run goes. */
function ended(batchId: string, from = 0): Promise<BatchProgressEvent> {
  return new Promise((resolve) => {
    const check = (): void => {
      const last = events.slice(from).findLast((e) => e.progress.batchId === batchId)
      if (last && !['running', 'paused'].includes(last.progress.state)) resolve(last)
      else setImmediate(check)
    }
    check()
  })
}

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services } = servicesWithDemoProfiles(sandbox, { pace: unpaced }))
  files = mkdtempSync(join(tmpdir(), 'cp-desk-'))
  settings = new SettingsService(memorySettings())
  desk = new BulkDesk(services.bulk, {
    dialogs: {
      openFile: () => Promise.resolve(answers.open),
      saveFile: () => Promise.resolve(answers.save)
    },
    rates: settings,
    defaultPace: unpaced,
    emit: (event) => events.push(event),
    progressEveryMs: 5
  })
})
afterAll(async () => {
  await sandbox?.close()
  rmSync(files, { recursive: true, force: true })
})

describe('the bulk desk', () => {
  it('plans the file the admin picks, shows it without passwords, and plans it again after a fix', async () => {
    answers.open = undefined
    expect(await desk.planFile(context, {})).toBeNull()
    const path = join(files, 'agents.csv')
    writeFileSync(path, csv('desk.a', 3).replace('desk.a2@alpha.example.com', 'not-an-email'))
    answers.open = path
    const first = await desk.planFile(context, {})
    expect(first?.counts).toEqual({ create: 2, exists: 0, error: 1 })
    expect(JSON.stringify(first)).not.toContain('Str0ngPassw0rd')
    expect(first?.rows[0]).toMatchObject({
      row: 2,
      username: 'desk.a0',
      status: 'create',
      name: 'Desk Agent0'
    })
    expect(first?.rows[2]?.problems?.[0]?.column).toBe('email address')

    // A file that cannot be read again leaves the plan held, as it was.
    rmSync(path)
    await expect(desk.replan(first?.planId ?? '', {})).rejects.toThrow(/cannot be read: ENOENT/)
    writeFileSync(path, csv('desk.a', 3))
    const second = await desk.replan(first?.planId ?? '', {})
    expect(second.counts).toEqual({ create: 3, exists: 0, error: 0 })
    // The first plan was replaced: it can no longer run.
    expect(() => desk.run(first?.planId ?? '', { remember: false })).toThrow(/no longer held/)
  })

  it('runs with coalesced progress that still reports every row, and remembers the account’s rate', async () => {
    answers.open = join(files, 'twenty.csv')
    writeFileSync(answers.open, csv('desk.b', 20))
    const plan = await desk.planFile(context, {})
    expect(plan?.pace).toMatchObject({ saved: false })
    const { batchId } = desk.run(plan?.planId ?? '', { perSecond: 500, remember: true })
    const last = await ended(batchId)
    expect(last.progress.state).toBe('finished')
    const mine = events.filter((e) => e.progress.batchId === batchId)
    const rows = new Map<number, BatchResultRow>(mine.flatMap((e) => e.rows.map((r) => [r.row, r])))
    expect([...rows.values()].map((r) => r.outcome)).toEqual(Array(20).fill('created'))
    expect(mine.length).toBeLessThan(20)
    expect(settings.accountRate(demo.alpha.accountId, 'us-east-1')).toBe(500)
    answers.open = join(files, 'twenty.csv')
    expect((await desk.planFile(context, {}))?.pace).toEqual({
      perSecond: 500,
      burst: unpaced.burst,
      saved: true
    })

    const view = desk.view(batchId)
    expect(view).toMatchObject({ running: false, undoable: 20, resume: { recheck: 0, unsent: 0 } })
    expect(() => desk.undo(batchId, 19)).toThrow(AppError)
    const from = events.length
    desk.undo(batchId, 20)
    expect((await ended(batchId, from)).progress.state).toBe('undone')
    expect(desk.view(batchId).undoable).toBe(0)
  })

  it('holds generated passwords until they are saved once to a new owner-only file', async () => {
    answers.open = join(files, 'generated.csv')
    writeFileSync(answers.open, csv('desk.c', 2, ''))
    const plan = await desk.planFile(context, { generatePasswords: true })
    expect(plan?.rows.every((r) => r.generatedPassword)).toBe(true)
    const { batchId } = desk.run(plan?.planId ?? '', { remember: false })
    expect((await ended(batchId)).passwordsHeld).toBe(2)
    // Closing the window now would lose them: it asks first.
    expect(desk.closeWarning()).toMatch(/^2 generated passwords are not saved/)

    // An existing file is refused and the passwords stay held.
    answers.save = join(files, 'taken.csv')
    writeFileSync(answers.save, 'someone else’s file')
    await expect(desk.savePasswords(batchId)).rejects.toThrow(/already exists/)
    expect(readFileSync(answers.save, 'utf8')).toBe('someone else’s file')
    expect(desk.view(batchId).passwordsHeld).toBe(2)

    answers.save = join(files, 'passwords.csv')
    expect(await desk.savePasswords(batchId)).toEqual({ path: answers.save, count: 2 })
    expect(statSync(answers.save).mode & 0o777).toBe(0o600)
    expect(readFileSync(answers.save, 'utf8').split('\r\n').filter(Boolean)).toHaveLength(3)
    expect(desk.view(batchId).passwordsHeld).toBe(0)
    await expect(desk.savePasswords(batchId)).rejects.toThrow(/holds no generated password/)
    expect(desk.closeWarning()).toBeUndefined()
  })

  it('refuses to control a batch it is not running', () => {
    expect(() => desk.control('20260101-000000-abcdef', 'pause')).toThrow(/not running in this window/)
  })
})

/**
 * Bulk in the built renderer against the app's own Sandbox: choose a CSV with mistakes, see every row's
 * problem, run the valid rows, pause, continue, finish, export, undo; generated passwords saved once and
 * never crossing to the renderer; an interrupted batch offered at start and resumed exactly once.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoAccounts } from '../../src/main/sandbox/demo-seed'
import { BatchJournals } from '../../src/main/services/bulk/journal'
import { screenshot, useE2e, type AppPage } from './harness'

const e2e = useE2e()
const files = mkdtempSync(join(tmpdir(), 'cp-e2e-bulk-'))
const alpha = { profile: 'sandbox:alpha', region: 'us-east-1', instanceId: demoAccounts.alpha.instanceId }

const header =
  'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'

/** A console-form CSV of `count` valid agents named `prefix-N`, plus the rows given. */
function consoleCsv(prefix: string, count: number, extra: string[] = [], password = 'Welcome-2026a'): string {
  const rows = Array.from(
    { length: count },
    (_, i) =>
      `Agent,${prefix}${i},${prefix}.${i}@alpha.example.com,,,${password},${prefix}.${i},Support Tier 1,Agent,EMEA|London|Tier 1,soft,,yes,120,team=support`
  )
  return [header, ...rows, ...extra].join('\r\n') + '\r\n'
}

function writeCsv(name: string, text: string): string {
  const path = join(files, name)
  writeFileSync(path, text)
  return path
}

async function atBulk(options: { viewport?: { width: number; height: number } } = {}): Promise<AppPage> {
  const app = await e2e.open(options)
  const { page } = app
  await page.getByTestId('profile-sandbox:alpha').click()
  await page.getByTestId('instance-alpha-contact-center').click()
  await expect.poll(() => page.getByTestId('bar-instance').textContent()).toBe('alpha-contact-center')
  await page.getByTestId('nav-bulk').click()
  await page.getByTestId('bulk-choose').waitFor()
  return app
}

const count = (page: AppPage['page'], id: string): Promise<string | null> =>
  page.getByTestId(id).locator('strong').first().textContent()

describe('Bulk in Chromium', () => {
  it('says to pick an account first, and offers the blank CSVs', async () => {
    const app = await e2e.open()
    await app.page.getByTestId('nav-bulk').click()
    expect(await app.page.getByTestId('bulk-no-target').textContent()).toContain('Pick an account')
    expect(await app.page.getByTestId('empty-bulk').textContent()).toContain('No batches yet')
    await app.page.context().close()

    const bulk = await atBulk()
    e2e.backend.dialogAnswers.save = join(files, 'blank-console.csv')
    await bulk.page.getByTestId('bulk-blank-console').click()
    await expect.poll(() => bulk.page.getByTestId('bulk-status').textContent()).toContain('blank-console.csv')
    expect(readFileSync(join(files, 'blank-console.csv'), 'utf8')).toMatch(
      /^first name,last name,email address/
    )
    await bulk.page.context().close()
  })

  it('plans a CSV with mistakes, runs the valid rows with pause and continue, exports, and undoes', async () => {
    const csv = consoleCsv('pupil', 9, [
      'Jane,Doe,jane.doe@alpha.example.com,,,Welcome-2026a,jane.doe,Support Tier 1,Agent,,soft,,yes,120,',
      'Bad,Mail,not-an-email,,,Welcome-2026a,bad.mail,Support Tier 1,Agent,,soft,,yes,120,',
      'No,Profile,no.profile@alpha.example.com,,,Welcome-2026a,no.profile,Support Tier 9,Agent,,soft,,yes,120,'
    ])
    e2e.backend.dialogAnswers.open = writeCsv('class-of-2026.csv', csv)
    const app = await atBulk()
    const { page } = app
    await screenshot(page, 'bulk-start')
    await page.getByTestId('bulk-choose').click()
    await page.getByTestId('bulk-plan').waitFor()
    expect(await count(page, 'plan-count-create')).toBe('9')
    expect(await count(page, 'plan-count-exists')).toBe('1')
    expect(await count(page, 'plan-count-error')).toBe('2')
    // A plan with errors opens on them, each with its row, column and what to fix.
    const errors = page.getByTestId('bulk-row')
    await expect.poll(() => errors.count()).toBe(2)
    const errorText = await page.getByTestId('bulk-table').textContent()
    expect(errorText).toContain('12')
    expect(errorText).toContain('email address: ')
    expect(errorText).toContain('Support Tier 9')
    // A row's details open in full below the table.
    await page.getByTestId('bulk-row').nth(1).getByRole('button').click()
    expect(await page.getByTestId('bulk-row-details').textContent()).toContain('Support Tier 9')
    await screenshot(page, 'bulk-plan')
    // Nothing was created by the plan.
    expect(app.invokes('bulk:run')).toEqual([])

    await page.getByTestId('bulk-rate').fill('1')
    await page.getByTestId('bulk-run').click()
    const confirm = page.getByTestId('bulk-confirm-run')
    expect(await confirm.textContent()).toContain('alpha-contact-center')
    expect(await confirm.textContent()).toContain('111122223333')
    await page.getByTestId('bulk-confirm-run-confirm').click()
    await page.getByTestId('bulk-batch').waitFor()
    await expect
      .poll(async () => Number(await count(page, 'bulk-counts')), { timeout: 15_000 })
      .toBeGreaterThan(0)
    await page.getByTestId('bulk-pause').click()
    await expect.poll(() => page.getByTestId('bulk-batch').getAttribute('data-state')).toBe('paused')
    await screenshot(page, 'bulk-paused')
    const createdWhilePaused = Number(await count(page, 'bulk-counts'))
    expect(createdWhilePaused).toBeLessThan(9)
    await page.getByTestId('bulk-continue').click()
    await expect
      .poll(() => page.getByTestId('bulk-batch').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('finished')
    expect(await count(page, 'bulk-counts')).toBe('9')
    await screenshot(page, 'bulk-finished')

    // Results: every row, with the existing user skipped and the refused rows named.
    await page.getByTestId('bulk-filter-errors').click()
    await expect.poll(() => page.getByTestId('bulk-row').count()).toBe(2)
    await page.getByTestId('bulk-filter-all').click()
    e2e.backend.dialogAnswers.save = join(files, 'results.csv')
    await page.getByTestId('bulk-export-csv').click()
    await expect.poll(() => page.getByTestId('bulk-status').textContent()).toContain('results.csv')
    const exported = readFileSync(join(files, 'results.csv'), 'utf8')
    expect(exported.split('\r\n').filter(Boolean)).toHaveLength(13)
    expect(exported).toMatch(/pupil\.0.*created/)
    expect(exported).toMatch(/jane\.doe.*exists/)
    e2e.backend.dialogAnswers.save = join(files, 'results.json')
    await page.getByTestId('bulk-export-json').click()
    await expect.poll(() => page.getByTestId('bulk-status').textContent()).toContain('results.json')
    expect(JSON.parse(readFileSync(join(files, 'results.json'), 'utf8')).rows).toHaveLength(12)

    // Undo: the confirmation names the account, instance and count; only the batch's users go.
    await page.getByTestId('bulk-undo').click()
    const undo = page.getByTestId('bulk-confirm-undo')
    expect(await undo.textContent()).toContain('Delete 9 users')
    expect(await undo.textContent()).toContain('111122223333')
    expect(await undo.textContent()).toContain('alpha-contact-center')
    await screenshot(page, 'bulk-undo-confirm')
    await page.getByTestId('bulk-confirm-undo-confirm').click()
    await expect
      .poll(() => page.getByTestId('bulk-batch').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('undone')
    const users = await e2e.backend.services.gateway.listUsers(alpha)
    expect([...users.keys()].filter((u) => u.startsWith('pupil.'))).toEqual([])
    expect(users.has('jane.doe')).toBe(true)

    await page.getByTestId('bulk-back').click()
    await expect.poll(() => page.getByTestId('bulk-history-row').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('bulk-history').textContent()).toContain('class-of-2026.csv')
    await screenshot(page, 'bulk-history')
    expect(app.errors).toEqual([])
    await page.context().close()
  }, 90_000)

  it('holds generated passwords in main only, and saves them once to an owner-only file', async () => {
    e2e.backend.dialogAnswers.open = writeCsv('no-passwords.csv', consoleCsv('gen', 3, [], ''))
    const app = await atBulk()
    const { page } = app
    await page.getByTestId('bulk-generate').check()
    await page.getByTestId('bulk-choose').click()
    await page.getByTestId('bulk-plan').waitFor()
    expect(await count(page, 'plan-count-create')).toBe('3')
    await page.getByTestId('bulk-rate').fill('10')
    await page.getByTestId('bulk-run').click()
    await page.getByTestId('bulk-confirm-run-confirm').click()
    await expect
      .poll(() => page.getByTestId('bulk-batch').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('finished')
    await expect
      .poll(() => page.getByTestId('bulk-passwords').textContent())
      .toContain('3 generated passwords')
    const target = join(files, 'passwords.csv')
    e2e.backend.dialogAnswers.save = target
    await page.getByTestId('bulk-save-passwords').click()
    await expect.poll(() => page.getByTestId('bulk-status').textContent()).toContain('passwords.csv')
    expect(await page.getByTestId('bulk-passwords').count()).toBe(0)
    expect(statSync(target).mode & 0o777).toBe(0o600)
    const passwords = readFileSync(target, 'utf8')
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => JSON.parse(`[${line}]`) as [number, string, string])
    expect(passwords.map(([, username]) => username)).toEqual(['gen.0', 'gen.1', 'gen.2'])
    const traffic = JSON.stringify(app.traffic)
    for (const [, , password] of passwords) expect(traffic).not.toContain(password)
    // Saved once: they are no longer held anywhere.
    const batchId = (await page.getByTestId('bulk-batch').getAttribute('data-batch')) ?? ''
    const again = await page.evaluate(
      (id) => window.api.invoke('bulk:save-passwords', { batchId: id }),
      batchId
    )
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    await page.context().close()
  })

  it('offers an interrupted batch at start and resumes it without creating anyone twice', async () => {
    const { services } = e2e.backend
    const plan = await services.bulk.plan({
      context: alpha,
      text: consoleCsv('crash', 4),
      fileName: 'crashed.csv'
    })
    // What a kill -9 leaves: the plan, the first user created and journaled, the second sent (and
    // created in AWS) with no answer journaled, the rest never sent.
    const { journal } = new BatchJournals(e2e.backend.userDataPath).create(plan)
    const [first, second] = plan.rows.flatMap((r) => (r.status === 'create' ? [r] : []))
    if (!first || !second) throw new Error('the plan has no rows to create')
    const at = new Date().toISOString()
    journal.append({ type: 'state', at, state: 'running' })
    for (const row of [first, second]) {
      journal.append({ type: 'intent', at, row: row.row, username: row.username })
      const created = await services.gateway.createUser(alpha, row.request)
      if (row === first)
        journal.append({
          type: 'outcome',
          at,
          row: row.row,
          username: row.username,
          outcome: 'created',
          userId: created.userId,
          userArn: created.userArn
        })
    }

    const app = await e2e.open()
    const { page } = app
    const offer = page.getByTestId('bulk-interrupted')
    await offer.waitFor()
    expect(await offer.textContent()).toContain('crashed.csv')
    await screenshot(page, 'bulk-interrupted-offer')
    // The rows took their passwords from the CSV: resume asks for the same file.
    e2e.backend.dialogAnswers.open = writeCsv('crashed.csv', consoleCsv('crash', 4))
    await page.getByTestId('bulk-offer-resume').click()
    // Nothing is sent before the admin confirms where it goes.
    const confirm = page.getByTestId('bulk-confirm-resume')
    expect(await confirm.textContent()).toContain('alpha-contact-center')
    expect(await confirm.textContent()).toMatch(/the same\s+file/)
    await page.getByTestId('bulk-confirm-resume-confirm').click()
    await expect
      .poll(() => page.getByTestId('bulk-batch').getAttribute('data-state'), { timeout: 20_000 })
      .toBe('finished')
    expect(await count(page, 'bulk-counts')).toBe('4')
    const users = await services.gateway.listUsers(alpha)
    expect([...users.keys()].filter((u) => u.startsWith('crash.')).sort()).toEqual([
      'crash.0',
      'crash.1',
      'crash.2',
      'crash.3'
    ])
    expect(await page.getByTestId('bulk-interrupted').count()).toBe(0)
    await page.context().close()
  })

  it('scrolls a 10,000-row plan, showing only the rows in view', async () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) =>
        `Agent,Big${i},big.${i}@alpha.example.com,,,Welcome-2026a,big.${i},Support Tier 1,Agent,,soft,,yes,120,`
    )
    e2e.backend.dialogAnswers.open = writeCsv('big.csv', [header, ...rows].join('\n'))
    const app = await atBulk({ viewport: { width: 1024, height: 700 } })
    const { page } = app
    await page.getByTestId('bulk-choose').click()
    await page.getByTestId('bulk-plan').waitFor({ timeout: 20_000 })
    expect(await count(page, 'plan-count-create')).toBe('10,000')
    expect(await page.getByTestId('bulk-row').count()).toBeLessThan(60)
    await page.getByTestId('bulk-table-scroll').focus()
    await page.keyboard.press('End')
    await expect.poll(() => page.getByTestId('bulk-row').last().textContent()).toContain('big.9999')
    await screenshot(page, 'bulk-plan-10k-1024')
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

/**
 * bench/bulk-table: the Bulk view with a 10,000-row plan in Chromium. The built renderer runs against the
 * app's real services (as in the e2e suite); a 10,000-row CSV is planned against the Sandbox, then the
 * table is shown, filtered and scrolled end to end while Chromium's trace records every long task
 * (a main-thread task over 50 ms). Target (issue 11): no long task over 100 ms.
 *
 * The e2e bridge hands main's answers to the page through the DevTools protocol, which Chromium parses
 * as script source: for the 1.8 MB plan that alone is one long task that Electron's IPC (a structured
 * clone) does not have. Those tasks are reported apart, as the test bridge's, not the renderer's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { it } from 'vitest'
import { appUnderTest } from '../test/e2e/app-under-test'
import { findChromium } from '../test/e2e/global-setup'
import { openApp, serveRenderer } from '../test/e2e/harness'
import { machine, median, writeSection } from './results'

const runs = 5
const rows = 10_000

const header =
  'first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2'

interface Phase {
  /** Wall time of the phase, ms. */
  ms: number
  /** The renderer's longest task over 50 ms during it, ms (0: none). */
  longest: number
  longTasks: number
  /** The longest task that was the test bridge delivering main's answer (DevTools protocol), ms. */
  bridge: number
}

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  tid: number
  args?: { name?: string; chrome_mojo_event_info?: { mojo_interface_tag?: string } }
}

/** Runs `work` under Chromium's tracing; splits the main thread's long tasks into the renderer's and the bridge's. */
async function traced(page: Page, work: () => Promise<void>): Promise<Phase> {
  const cdp = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])))
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done))
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' })
  const start = performance.now()
  await work()
  const ms = performance.now() - start
  // Let the last frame finish inside the trace.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50))))
  await cdp.send('Tracing.end')
  await complete
  await cdp.detach()
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid
  // A task is a top-level `RunTask` (its name depends on the Chromium version) not nested in another.
  const candidates = events.filter(
    (e) =>
      e.tid === main &&
      e.ph === 'X' &&
      (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') &&
      (e.dur ?? 0) > 50_000
  )
  const within = (inner: TraceEvent, outer: TraceEvent): boolean =>
    inner !== outer && inner.ts >= outer.ts && inner.ts + (inner.dur ?? 0) <= outer.ts + (outer.dur ?? 0)
  const tasks = candidates.filter((t) => !candidates.some((other) => within(t, other)))
  const isBridge = (task: TraceEvent): boolean =>
    events.some(
      (e) =>
        e.tid === main &&
        e.ts >= task.ts &&
        e.ts <= task.ts + (task.dur ?? 0) &&
        e.args?.chrome_mojo_event_info?.mojo_interface_tag === 'blink.mojom.DevToolsSession'
    )
  const own = tasks.filter((t) => !isBridge(t)).map((t) => (t.dur ?? 0) / 1000)
  const bridge = tasks.filter(isBridge).map((t) => (t.dur ?? 0) / 1000)
  return { ms, longest: Math.max(0, ...own), longTasks: own.length, bridge: Math.max(0, ...bridge) }
}

it('measures the Bulk table with 10,000 rows in Chromium', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cp-bench-table-'))
  const csv = join(folder, 'big.csv')
  writeFileSync(
    csv,
    [
      header,
      ...Array.from(
        { length: rows },
        (_, i) => `Agent,Big${i},big.${i}@alpha.example.com,Welcome-2026a,big.${i},Support Tier 1,Agent`
      )
    ].join('\n')
  )
  const launch = await findChromium()
  const app = appUnderTest()
  const server = await serveRenderer()
  const browser = await chromium.launch({
    executablePath: launch.executablePath,
    env: { ...process.env, ...launch.env },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
  })
  const results: Array<Record<'show' | 'filter' | 'scroll', Phase>> = []
  try {
    app.dialogAnswers.open = csv
    for (let run = 0; run < runs; run++) {
      const { page } = await openApp(browser, server.url, app, { viewport: { width: 1280, height: 800 } })
      await page.getByTestId('profile-sandbox:alpha').click()
      await page.getByTestId('instance-alpha-contact-center').click()
      await page.getByTestId('nav-bulk').click()
      const phase = (work: () => Promise<void>): Promise<Phase> => traced(page, work)
      // Planning itself happens in main; the renderer's part starts when the plan arrives.
      const show = await phase(async () => {
        await page.getByTestId('bulk-choose').click()
        await page.getByTestId('bulk-plan').waitFor({ timeout: 60_000 })
      })
      const filter = await phase(async () => {
        for (const id of ['skipped', 'created', 'all']) {
          await page.getByTestId(`bulk-filter-${id}`).click()
          await page
            .getByTestId(id === 'skipped' ? 'bulk-table-empty' : 'bulk-row')
            .first()
            .waitFor()
        }
      })
      const scroll = await phase(() =>
        page.evaluate(async () => {
          const box = document.querySelector('[data-testid="bulk-table-scroll"]') as HTMLElement
          const frame = (): Promise<void> => new Promise((done) => requestAnimationFrame(() => done()))
          // Down the whole table in 200 steps, one frame each, then straight back to the top.
          for (let step = 1; step <= 200; step++) {
            box.scrollTop = (box.scrollHeight * step) / 200
            await frame()
          }
          box.scrollTop = 0
          await frame()
        })
      )
      results.push({ show, filter, scroll })
      await page.context().close()
    }
  } finally {
    await browser.close()
    await server.close()
    await app.close()
  }
  const row = (name: 'show' | 'filter' | 'scroll', what: string): string => {
    const longest = median(results.map((r) => r[name].longest))
    const worst = Math.max(...results.map((r) => r[name].longest))
    const ms = median(results.map((r) => r[name].ms))
    const bridge = Math.max(...results.map((r) => r[name].bridge))
    return `| ${what} | ${ms.toFixed(0)} ms | ${longest.toFixed(0)} ms | ${worst.toFixed(0)} ms | ${results.map((r) => r[name].longTasks).join(', ')} | ${bridge ? `${bridge.toFixed(0)} ms` : '—'} | ${worst <= 100 ? 'met' : 'NOT met'} |`
  }
  writeSection(
    'bench/bulk-table — the Bulk table with 10,000 rows in Chromium',
    `Machine: ${machine()}. Chromium: ${launch.description}. ${runs} runs, each in a fresh page at 1280×800.

Long tasks are the renderer main thread's tasks over 50 ms in Chromium's trace; "0 ms" means none.
Target (issue 11): no long task over 100 ms. The last column is the test bridge's delivery of main's
answer through the DevTools protocol (parsed as script), which the app's IPC does not have; it is not
counted against the target.

| phase | median wall time | median longest task | worst longest task | long tasks per run | test bridge's longest | verdict |
| --- | --- | --- | --- | --- | --- | --- |
${row('show', 'plan arrives (10,000 rows over IPC) → table shown')}
${row('filter', 'filters: Already exist (empty) → To create → All')}
${row('scroll', 'scroll top → bottom in 200 frames, then back to the top')}

The plan of the file itself (parse, validation, names, one ListUsers listing) runs in main: see
bench/bulk-plan. The table keeps only the rows in view in the DOM (about 30 of 10,000).`
  )
})

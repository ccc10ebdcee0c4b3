/**
 * The Bulk view's part of the tour: a new batch, a plan with mistakes and a finished batch, at 1024×700
 * and 1440×900, light and dark. Each passes axe-core's WCAG 2 A/AA rules, nothing spills sideways and
 * the account bar keeps one line. Screenshots go to docs/screenshots/ (the README's tour links them).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { accessibilityFindings, accountBarLayout, horizontalSpills } from './checks'
import { useE2e } from './harness'

const e2e = useE2e()
const shots = resolve(import.meta.dirname, '../../docs/screenshots')
const files = mkdtempSync(join(tmpdir(), 'cp-e2e-bulk-tour-'))

const header =
  'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'
const people = [
  ['Priya', 'Raman', '+447700900101', 'Support Tier 1', 'EMEA|London|Tier 1'],
  ['Tomasz', 'Nowak', '', 'Support Tier 2', 'EMEA|London|Tier 2'],
  ['Aoife', 'Byrne', '', 'Support Tier 1', 'EMEA|Dublin|Tier 1'],
  ['Kwame', 'Mensah', '', 'Sales Inbound', 'AMER|Seattle|Tier 1'],
  ['Sofia', 'Rossi', '', 'Sales Inbound', 'AMER|Seattle|Tier 1'],
  ['Hana', 'Sato', '', 'Basic Routing Profile', '']
]

/** The class of `suffix`: six agents, one already in the instance, and two rows with mistakes. */
function classCsv(suffix: string): string {
  const rows = people.map(
    ([first, last, mobile, profile, hierarchy]) =>
      `${first},${last},${first?.toLowerCase()}.${last?.toLowerCase()}${suffix}@alpha.example.com,,${mobile},Welcome-2026a,${first?.toLowerCase()}.${last?.toLowerCase()}${suffix},${profile},Agent,${hierarchy},soft,,yes,120,team=support`
  )
  return [
    header,
    ...rows,
    'Jane,Doe,jane.doe@alpha.example.com,,,Welcome-2026a,jane.doe,Support Tier 1,Agent,EMEA|London|Tier 1,soft,,yes,120,',
    `Omar,Haddad,omar.haddad${suffix}@alpha.example,,07700 900123,Welcome-2026a,omar.haddad${suffix},Support Tier 1,Agent,,soft,,yes,120,`,
    `Lena,Fischer,lena.fischer${suffix}@alpha.example.com,,,welcome,lena.fischer${suffix},Support Tier 3,Agent,,soft,,maybe,120,`
  ].join('\r\n')
}

async function expectClean(page: Page, view: string): Promise<void> {
  expect(await accessibilityFindings(page), `axe on ${view}`).toEqual([])
  expect(await horizontalSpills(page), `sideways spill on ${view}`).toEqual([])
  expect((await accountBarLayout(page)).oneLine, `account bar on ${view}`).toBe(true)
}

const sizes = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 }
] as const

describe('the Bulk tour, in Chromium', () => {
  for (const size of sizes) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`Bulk at ${size.width}×${size.height}, ${scheme}: new batch, plan, results`, async () => {
        mkdirSync(shots, { recursive: true })
        const shoot = (name: string): Promise<Buffer> =>
          page.screenshot({ path: join(shots, `${name}-${size.width}-${scheme}.png`) })
        const app = await e2e.open({ colorScheme: scheme, viewport: size })
        const { page } = app
        await page.getByTestId('profile-sandbox:alpha').click()
        // Its only instance is chosen with it (the first time, once the Sandbox has started).
        await expect
          .poll(() => page.getByTestId('bar-instance').textContent(), { timeout: 20_000 })
          .toBe('alpha-contact-center')
        await page.getByTestId('nav-bulk').click()
        await page.getByTestId('bulk-choose').waitFor()
        await expectClean(page, 'Bulk, new batch')
        await shoot('bulk-new')

        e2e.backend.dialogAnswers.open = join(files, 'class-of-march.csv')
        writeFileSync(e2e.backend.dialogAnswers.open, classCsv(`${size.width}${scheme[0]}`))
        await page.getByTestId('bulk-choose').click()
        await page.getByTestId('bulk-plan').waitFor()
        await expect.poll(() => page.getByTestId('bulk-row').count()).toBe(2)
        await expectClean(page, 'Bulk, plan')
        await shoot('bulk-plan')

        await page.getByTestId('bulk-rate').fill('20')
        await page.getByTestId('bulk-run').click()
        await page.getByTestId('bulk-confirm-run-confirm').click()
        await expect
          .poll(() => page.getByTestId('bulk-batch').getAttribute('data-state'), { timeout: 20_000 })
          .toBe('finished')
        await expectClean(page, 'Bulk, results')
        await shoot('bulk-results')
        expect(app.errors).toEqual([])
        await page.context().close()
      }, 60_000)
    }
  }
})

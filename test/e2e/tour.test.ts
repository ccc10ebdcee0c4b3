/**
 * The tour: every view with realistic content at 1024×700 and 1440×900, light and dark. Each view passes
 * axe-core's WCAG 2 A/AA rules (every text at least 4.5:1), nothing spills sideways, the account bar keeps
 * one line, and the form and preview columns never overlap. The screenshots are written to
 * docs/screenshots/ (the README's tour links them), so every run of the suite refreshes them.
 */
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { accessibilityFindings, accountBarLayout, columnOverlaps, horizontalSpills } from './checks'
import { screenshot, useE2e } from './harness'

const e2e = useE2e()
const shots = resolve(import.meta.dirname, '../../docs/screenshots')

beforeAll(async () => {
  const { templates, createUser } = e2e.backend.services
  templates.save({
    name: 'Tier 1 London',
    description: 'Voice agents, first line',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchyGroup: 'EMEA/London/Tier 1',
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
    tags: { team: 'support', site: 'london' },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
  })
  templates.save({
    name: 'Sales inbound',
    routingProfile: 'Sales Inbound',
    securityProfiles: ['Agent'],
    phone: {
      mode: 'classic',
      phoneType: 'DESK_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 60,
      deskPhoneNumber: '+442079460000'
    }
  })
  templates.save({
    name: 'Supervisors, all channels',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent', 'CallCenterManager'],
    phone: { mode: 'per-channel', channels: { VOICE: { autoAccept: false }, CHAT: { autoAccept: true } } }
  })
  // Some history for Activity: a user created, and one refused before sending.
  const context = {
    profile: 'sandbox:alpha',
    region: 'us-east-1',
    instanceId: '7c8e4a30-1f2b-4c5d-9e6f-a1b2c3d4e5f6'
  }
  await createUser.create({
    context,
    template: 'Tier 1 London',
    person: { firstName: 'Grace', lastName: 'Hopper', password: 'Str0ng-Passw0rd' }
  })
  await createUser
    .create({
      context,
      template: 'Tier 1 London',
      person: { firstName: 'Grace', lastName: 'Hopper', password: 'Str0ng-Passw0rd' }
    })
    .catch(() => undefined)
  mkdirSync(shots, { recursive: true })
})

const sizes = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 }
] as const

/** Screenshots the view as docs/screenshots/<view>-<width>-<scheme>.png. */
async function shoot(page: Page, view: string, width: number, scheme: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${view}-${width}-${scheme}.png`) })
}

/** What every view must pass, whatever its size and scheme. */
async function expectClean(page: Page, view: string): Promise<void> {
  expect(await accessibilityFindings(page), `axe on ${view}`).toEqual([])
  expect(await horizontalSpills(page), `sideways spill on ${view}`).toEqual([])
  const bar = await accountBarLayout(page)
  expect(bar.oneLine, `account bar on ${view}`).toBe(true)
  expect(bar.height, `account bar height on ${view}`).toBeLessThanOrEqual(60)
}

describe('the tour, in Chromium', () => {
  for (const size of sizes) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`every view at ${size.width}×${size.height}, ${scheme}: readable, one-line bar, no overlap`, async () => {
        const app = await e2e.open({ colorScheme: scheme, viewport: size })
        const { page } = app
        // Accounts: the Sandbox account chosen (its one instance is chosen with it), labelled PROD.
        await page.getByTestId('profile-sandbox:alpha').click()
        await expect.poll(() => page.getByTestId('bar-instance').textContent()).toBe('alpha-contact-center')
        await page.getByTestId('label-text').fill('PROD')
        await page.getByTestId('label-color').selectOption(scheme === 'light' ? 'orange' : 'red')
        await page.getByTestId('label-save').click()
        await expect.poll(() => page.getByTestId('account-label').textContent()).toBe('PROD')
        await page.getByTestId('profile-search').focus()
        await expectClean(page, 'Accounts')
        await shoot(page, 'accounts', size.width, scheme)

        await page.getByTestId('nav-templates').click()
        await page.getByTestId('tpl-item-Tier 1 London').waitFor()
        await expectClean(page, 'Templates')
        await shoot(page, 'templates', size.width, scheme)

        await page.getByTestId('tpl-edit-Tier 1 London').click()
        await page.getByRole('button', { name: 'Add tag' }).click()
        await page.getByLabel('Tag 3 key').fill('cost-centre')
        await page.getByLabel('Tag 3 value').fill('CC-4411 London contact centre')
        await expectClean(page, 'the template editor')
        expect(await columnOverlaps(page, '.editor .fields', '.editor .preview')).toEqual([])
        await shoot(page, 'template-editor', size.width, scheme)
        await page.getByTestId('tpl-cancel').click()
        await page.getByTestId('tpl-discard').click()

        await page.getByTestId('nav-create').click()
        await page.getByTestId('create-template').selectOption('Tier 1 London')
        await page.getByTestId('create-first').fill('Ada')
        // A new name per run of this test: each creates nothing, but the duplicate check would see the others.
        await page.getByTestId('create-last').fill(`Lovelace${size.width === 1024 ? 'a' : 'b'}${scheme[0]}`)
        await page.getByTestId('create-generate').click()
        await page.getByTestId('create-preview').click()
        await page
          .getByTestId('create-ok')
          .waitFor()
          .catch(async (e: unknown) => {
            await screenshot(page, 'tour-create-fail')
            throw e
          })
        await expectClean(page, 'Create user')
        expect(await columnOverlaps(page, '.create .fields', '.create .preview')).toEqual([])
        await shoot(page, 'create-user', size.width, scheme)

        // Bulk is photographed by its own suite; it is held to the same rules here.
        await page.getByTestId('nav-bulk').click()
        await page.getByTestId('bulk-choose').waitFor()
        await expectClean(page, 'Bulk')

        await page.getByTestId('nav-activity').click()
        await page.getByTestId('activity-table').waitFor()
        await expectClean(page, 'Activity')
        await shoot(page, 'activity', size.width, scheme)

        await page.getByTestId('nav-settings').click()
        await page.getByTestId('proxy-url').waitFor()
        await expectClean(page, 'Settings')
        await shoot(page, 'settings', size.width, scheme)

        expect(app.errors).toEqual([])
        await page.context().close()
      }, 90_000)
    }
  }
})

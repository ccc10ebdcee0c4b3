/**
 * Create user in the built renderer against the app's own Sandbox: choose the account and instance, a
 * template, fill the form, preview, create, see the result and the Activity entry; a duplicate is refused
 * before sending; the password never comes back from main.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoAccounts } from '../../src/main/sandbox/demo-seed'
import { screenshot, useE2e, type AppPage } from './harness'

const e2e = useE2e()

beforeAll(() => {
  e2e.backend.services.templates.save({
    name: 'Tier 1 London',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchyGroup: 'EMEA/London/Tier 1',
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
  })
})

async function atCreateUser(): Promise<AppPage> {
  const app = await e2e.open()
  const { page } = app
  await page.getByTestId('profile-sandbox:alpha').click()
  await page.getByTestId('instance-alpha-contact-center').click()
  await expect.poll(() => page.getByTestId('bar-instance').textContent()).toBe('alpha-contact-center')
  await page.getByTestId('nav-create').click()
  await page.getByTestId('create-template').selectOption('Tier 1 London')
  return app
}

describe('Create user in Chromium', () => {
  it('says to choose an account first, when none is chosen', async () => {
    const app = await e2e.open()
    await app.page.getByTestId('nav-create').click()
    expect(await app.page.getByTestId('empty-create').textContent()).toContain(
      'Choose where to create the user'
    )
    await app.page.context().close()
  })

  it('previews, creates, shows the result and the Activity entry, and exports the activity', async () => {
    const app = await atCreateUser()
    const { page } = app
    await page.getByTestId('create-first').fill('Ada')
    await page.getByTestId('create-last').fill('Lovelace')
    expect(await page.getByTestId('create-username').getAttribute('placeholder')).toBe('ada.lovelace')
    await page.getByTestId('create-generate').click()
    const password = await page.getByTestId('create-password').inputValue()
    expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{16}$/)
    await page.getByTestId('copy-password').click()
    await expect.poll(() => e2e.backend.clipboard.at(-1)).toBe(password)
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-ok').waitFor({ timeout: 20_000 })
    const request = JSON.parse((await page.getByTestId('create-request').textContent()) ?? '{}')
    expect(request).toMatchObject({
      Username: 'ada.lovelace',
      Password: '«redacted»',
      IdentityInfo: { Email: 'ada.lovelace@alpha.example.com' }
    })
    await screenshot(page, 'create-preview')
    await page.getByTestId('create-send').click()
    await page.getByTestId('create-result').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('create-result').locator('h2').textContent()).toBe(
      'Created ada.lovelace in alpha-contact-center (111122223333, us-east-1)'
    )
    const userId = await page.getByTestId('created-id').textContent()
    await page.getByTestId('copy-summary').click()
    await expect
      .poll(() => e2e.backend.clipboard.at(-1))
      .toBe(
        `Created ada.lovelace in alpha-contact-center (111122223333, us-east-1)\nUser ID: ${userId}\nARN: arn:aws:connect:us-east-1:111122223333:instance/${demoAccounts.alpha.instanceId}/agent/${userId}`
      )
    await screenshot(page, 'create-result')

    await page.getByTestId('nav-activity').click()
    await page.getByTestId('activity-table').waitFor()
    const created = page.locator('tr[data-outcome="created"]')
    expect(await created.first().textContent()).toContain('ada.lovelace')
    expect(await created.first().textContent()).toContain(userId ?? 'missing')
    await screenshot(page, 'activity')
    const csv = join(e2e.backend.userDataPath, 'activity.csv')
    e2e.backend.dialogAnswers.save = csv
    await page.getByTestId('activity-export').click()
    await expect.poll(() => existsSync(csv)).toBe(true)
    const text = readFileSync(csv, 'utf8')
    expect(text).toContain('"ada.lovelace"')
    expect(text).not.toContain(password)

    const fromMain = JSON.stringify(app.traffic.map((c) => (c.kind === 'invoke' ? c.response : c.payload)))
    expect(fromMain).not.toContain(password)
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('refuses a duplicate username and a weak password before sending anything', async () => {
    const app = await atCreateUser()
    const { page } = app
    await page.getByTestId('create-first').fill('Jane')
    await page.getByTestId('create-last').fill('Doe')
    await page.getByTestId('create-password').fill('Str0ngPassw0rd')
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-duplicate').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('create-duplicate').textContent()).toContain(
      'jane.doe already exists in alpha-contact-center (routing profile Support Tier 1)'
    )
    expect(await page.getByTestId('create-send').isDisabled()).toBe(true)

    await page.getByTestId('create-username').fill('jane.doe2')
    await page.getByTestId('create-password').fill('weak')
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-problems').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('create-problems').textContent()).toContain('8–64 characters')
    expect(await page.getByTestId('create-send').isDisabled()).toBe(true)
    await screenshot(page, 'create-refused')
    expect(app.invokes('users:create')).toEqual([])
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

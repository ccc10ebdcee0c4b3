/**
 * Create user in the built renderer against the app's own Sandbox: choose the account and instance, a
 * template, fill the form, preview, create, see the result and the Activity entry; a duplicate is refused
 * before sending; the password never comes back from main.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoAccounts } from '../../src/main/sandbox/demo-seed'
import { focused } from './checks'
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

  it('keeps the draft across views, shows problems beside their fields, and moves focus where the eye is', async () => {
    const app = await atCreateUser()
    const { page } = app
    await page.getByTestId('create-first').fill('Ada')
    await page.getByTestId('create-last').fill('Byron')
    await page.locator('input[name="mobile"]').fill('0770 090 0123')
    await page.getByTestId('create-password').fill('weak')
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-problems').waitFor({ timeout: 20_000 })
    // Each problem sits under its own field, named as the form names it; focus goes to the first.
    expect(await page.getByTestId('issue-password').textContent()).toContain('8–64 characters')
    expect(await page.getByTestId('issue-mobile').textContent()).toContain('E.164')
    const listed = (await page.getByTestId('create-problems').textContent()) ?? ''
    expect(listed).toContain('Mobile:')
    expect(listed).not.toContain('IdentityInfo')
    expect(await focused(page)).toBe('create-password')
    await screenshot(page, 'create-problems-beside-fields')

    // Away and back: the draft and its check are still there.
    await page.getByTestId('nav-activity').click()
    await page.getByTestId('nav-create').click()
    expect(await page.getByTestId('create-first').inputValue()).toBe('Ada')
    expect(await page.getByTestId('create-password').inputValue()).toBe('weak')
    await page.getByTestId('create-problems').waitFor()

    // Fixed fields make the old check stale: Create waits for a new one.
    await page.locator('input[name="mobile"]').fill('+447700900123')
    await page.getByTestId('create-generate').click()
    await page.getByTestId('create-stale').waitFor()
    expect(await page.getByTestId('create-send').isDisabled()).toBe(true)
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-ok').waitFor({ timeout: 20_000 })
    expect(await focused(page)).toBe('create-send')
    // The Sandbox's AWS CLI line names the profile the AWS CLI can know, and says how.
    expect(await page.locator('pre.cli').textContent()).toContain("--profile 'sandbox-alpha'")
    expect(await page.getByTestId('create-cli-sandbox').textContent()).toContain('--print-aws-config')
    const password = await page.getByTestId('create-password').inputValue()

    await page.keyboard.press('Enter')
    await page.getByTestId('create-result').waitFor({ timeout: 20_000 })
    // Focus on the outcome, not <body>; one last copy of the generated password, then it is forgotten.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2')
    await page.getByTestId('result-copy-password').click()
    await expect.poll(() => e2e.backend.clipboard.at(-1)).toBe(password)
    await page.getByTestId('result-password-copied').waitFor()
    expect(await page.getByTestId('result-copy-password').count()).toBe(0)
    expect(
      JSON.stringify(app.traffic.map((c) => (c.kind === 'invoke' ? c.response : c.payload)))
    ).not.toContain(password)
    await page.getByTestId('create-another').click()
    expect(await focused(page)).toBe('create-first')
    expect(await page.getByTestId('create-first').inputValue()).toBe('')
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('says "Username taken" and turns Create off when someone takes the name between preview and Create', async () => {
    const app = await atCreateUser()
    const { page } = app
    await page.getByTestId('create-first').fill('Grace')
    await page.getByTestId('create-last').fill('Taken')
    await page.getByTestId('create-password').fill('Str0ngPassw0rd')
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-ok').waitFor({ timeout: 20_000 })
    // Meanwhile, another admin (or a CLI run) creates grace.taken.
    await e2e.backend.services.createUser.create({
      context: { profile: 'sandbox:alpha', region: 'us-east-1', instanceId: demoAccounts.alpha.instanceId },
      template: 'Tier 1 London',
      person: { firstName: 'Grace', lastName: 'Taken', password: 'Str0ngPassw0rd' }
    })
    await page.getByTestId('create-send').click()
    await page.getByTestId('error-note').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('error-title').textContent()).toBe('Username taken')
    expect(await page.getByTestId('issue-username').textContent()).toContain('taken')
    expect(await page.getByTestId('create-problems').textContent()).toContain('Username')
    expect(await page.getByTestId('create-ok').count()).toBe(0)
    expect(await page.getByTestId('create-send').isDisabled()).toBe(true)
    expect(await focused(page)).toBe('create-username')
    await screenshot(page, 'create-taken-meanwhile')
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

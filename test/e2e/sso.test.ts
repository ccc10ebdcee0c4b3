/**
 * IAM Identity Center in the built renderer, against the app's own Sandbox: sign in from the Accounts
 * view (the page the app asked the browser to open is approved, in Chromium, on the Sandbox's own
 * sign-in page), pick an account and role among every one granted, create a user with it; the whole
 * IPC traffic holds no access token, refresh token, client secret or role credential. Then the device
 * code (large, copyable), a denial in the browser, a start URL typed in that cannot be reached, and
 * "Sign in again" in the account bar. The sign-in dialog and the account list are screenshot at 1024 px,
 * light and dark, into docs/screenshots/sso-*.png; each passes axe's WCAG 2 A/AA rules.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { accessibilityFindings, accountBarLayout, focused, horizontalSpills } from './checks'
import { useE2e, type AppPage } from './harness'

/** Every page the app asked the system browser to open, in order. */
const opened: string[] = []
const shots = resolve(import.meta.dirname, '../../docs/screenshots')
const session = 'sandbox:identity-center'
const alphaAdmin = `sso:${session}/111122223333/ConnectAdmin`
const size = { width: 1024, height: 768 }

const e2e = useE2e({
  before: () => {
    // No AWS profiles: the Sandbox and its Identity Center are all there is, as on a new workstation.
    const dir = mkdtempSync(join(tmpdir(), 'cp-e2e-sso-'))
    writeFileSync(join(dir, 'config'), '')
    writeFileSync(join(dir, 'credentials'), '')
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      // A start URL typed into the app signs in at this Identity Center endpoint: nothing listens there.
      AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9'
    })
  },
  backend: {
    // The system browser: the test opens each page itself, in Chromium, and answers it.
    sso: { openBrowser: async (url) => void opened.push(url) },
    retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 }
  }
})

beforeAll(() => {
  e2e.backend.services.templates.save({
    name: 'Tier 1 London',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchyGroup: 'EMEA/London/Tier 1',
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
  })
  mkdirSync(shots, { recursive: true })
})

const text = (page: Page, testId: string): Promise<string | null> => page.getByTestId(testId).textContent()

/** The admin in the browser: the Sandbox's sign-in page the app opened, answered as `admin`. */
async function answerSignInPage(app: AppPage, decision: 'Allow access' | 'Deny'): Promise<void> {
  const url = opened.at(-1)
  if (!url) throw new Error('the app opened no sign-in page')
  const browserTab = await app.page.context().newPage()
  await browserTab.goto(url)
  await browserTab.getByLabel('Sign in as').selectOption('admin')
  await browserTab.getByRole('button', { name: decision }).click()
  await browserTab.waitForLoadState()
  await browserTab.close()
}

/** Starts a sign-in from the session's row and waits for the dialog to say the page was opened. */
async function startSignIn(page: Page): Promise<void> {
  const before = opened.length
  await page.getByTestId(`sso-sign-in-${session}`).click()
  await page.getByTestId('sso-browser-opened').waitFor()
  expect(opened.length).toBe(before + 1)
}

async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await accessibilityFindings(page), `axe on ${what}`).toEqual([])
}

describe('IAM Identity Center in Chromium', () => {
  it('signs in from the Accounts view, picks an account and role, creates a user; no secret crosses', async () => {
    const app = await e2e.open({ viewport: size, colorScheme: 'light' })
    const { page } = app
    await page.getByTestId(`sso-session-${session}`).waitFor()
    expect(await text(page, `sso-state-${session}`)).toBe('Not signed in')

    await startSignIn(page)
    // The authorization page of the Sandbox's Identity Center, redirecting to a loopback port.
    expect(opened.at(-1)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/authorize\?response_type=code&client_id=/)
    expect(await focused(page)).toBe('sso-sign-in-cancel')
    expect(await text(page, 'sso-waiting')).toMatch(/gives up at .* \(in about 10 min\)/)
    await expectAccessible(page, 'the sign-in dialog')
    await page.screenshot({ path: join(shots, 'sso-sign-in-1024-light.png') })

    await answerSignInPage(app, 'Allow access')
    // Signed in: the dialog closes and every account and role granted is listed, searchable.
    await page.getByTestId('sso-picker-count').waitFor()
    expect(await page.getByTestId('sso-sign-in-dialog').isVisible()).toBe(false)
    expect(await text(page, 'sso-picker-count')).toBe('4 accounts, 5 roles')
    expect(await focused(page)).toBe('sso-picker-search')
    expect(await page.locator('[data-testid^="sso-account-"] .name').allTextContents()).toEqual([
      'Alpha Contact Center',
      'Bravo Retail',
      'Log Archive',
      'Shared Services'
    ])
    await expectAccessible(page, 'the account list')
    await page.screenshot({ path: join(shots, 'sso-accounts-1024-light.png') })

    await page.getByTestId('sso-picker-search').fill('bravo')
    expect(await page.locator('[data-testid^="sso-account-"]').count()).toBe(1)
    await page.getByTestId('sso-picker-search').fill('readonly')
    expect(await text(page, 'sso-picker-count')).toBe('3 of 4 accounts match (3 roles)')
    await page.getByTestId('sso-picker-search').fill('')
    // The keyboard moves through the roles; Enter picks one.
    await page.getByTestId('sso-role-111122223333-ConnectAdmin').focus()
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toBe('sso-role-111122223333-ConnectReadOnly')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')

    // Chosen: the working profile, named by account and role, its one instance chosen with it.
    await expect.poll(() => text(page, 'bar-account'), { timeout: 10_000 }).toBe('111122223333')
    expect(await text(page, 'bar-profile')).toContain('Alpha Contact Center · ConnectAdmin')
    await expect.poll(() => text(page, 'bar-instance')).toBe('alpha-contact-center')
    expect(await page.getByTestId(`profile-${alphaAdmin}`).getAttribute('aria-pressed')).toBe('true')
    expect(e2e.backend.services.settings.sso().targets).toEqual([
      { session, accountId: '111122223333', roleName: 'ConnectAdmin', accountName: 'Alpha Contact Center' }
    ])
    expect(await text(page, `sso-state-${session}`)).toBe('Signed in')
    // Labelled and colour-coded like any account.
    await page.getByTestId('label-text').fill('ALPHA SSO')
    await page.getByTestId('label-color').selectOption('purple')
    await page.getByTestId('label-save').click()
    await expect.poll(() => text(page, 'account-label')).toBe('ALPHA SSO')
    expect((await accountBarLayout(page)).oneLine).toBe(true)

    // Create a user with the role.
    await page.getByTestId('nav-create').click()
    await page.getByTestId('create-template').selectOption('Tier 1 London')
    await page.getByTestId('create-first').fill('Sso')
    await page.getByTestId('create-last').fill('Admin')
    await page.getByTestId('create-generate').click()
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-ok').waitFor({ timeout: 20_000 })
    await page.getByTestId('create-send').click()
    await page.getByTestId('create-result').waitFor({ timeout: 20_000 })
    const created = app.invokes('users:create').at(-1)?.response as {
      ok: boolean
      value?: { accountId: string }
    }
    expect(created).toMatchObject({ ok: true, value: { accountId: '111122223333', username: 'sso.admin' } })
    expect(app.invokes('users:create').at(-1)?.request).toMatchObject({ profile: alphaAdmin })

    // Every crossing of the bridge, both ways: no token, refresh token, client secret or role credential.
    const secrets = new Set<string>()
    const cache = join(e2e.backend.userDataPath, 'sandbox-sso-cache')
    for (const file of readdirSync(cache)) {
      const data = JSON.parse(readFileSync(join(cache, file), 'utf8')) as Record<string, unknown>
      for (const key of ['accessToken', 'refreshToken', 'clientSecret'])
        if (typeof data[key] === 'string') secrets.add(data[key])
    }
    const role = await e2e.backend.services.sso.roleCredentials(session, '111122223333', 'ConnectAdmin')
    secrets.add(role.accessKeyId).add(role.secretAccessKey).add(role.sessionToken)
    expect(secrets.size).toBeGreaterThanOrEqual(6)
    const traffic = JSON.stringify(app.traffic)
    expect(app.traffic.some((c) => c.channel === 'sso:event')).toBe(true)
    for (const secret of secrets)
      expect(traffic.includes(secret), 'a secret reached the renderer').toBe(false)
    expect(traffic).not.toMatch(/"(accessToken|refreshToken|clientSecret|secretAccessKey|sessionToken)"/)
    expect(app.errors).toEqual([])
    await app.page.context().close()
  })

  it('signs in with a device code, shown large and copyable; dark', async () => {
    const app = await e2e.open({ viewport: size, colorScheme: 'dark' })
    const { page } = app
    await page.getByTestId(`sso-sign-out-${session}`).click()
    await expect.poll(() => text(page, `sso-state-${session}`)).toBe('Not signed in')

    await startSignIn(page)
    await page.getByTestId('sso-use-device-code').click()
    await page.getByTestId('sso-user-code').waitFor()
    const code = (await text(page, 'sso-user-code')) ?? ''
    expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/)
    expect(opened.at(-1)).toMatch(new RegExp(`/device\\?user_code=${code}$`))
    await page.getByTestId('sso-copy-code').click()
    await expect.poll(() => e2e.backend.clipboard.at(-1)).toBe(code)
    await expectAccessible(page, 'the device-code dialog')
    await page.screenshot({ path: join(shots, 'sso-sign-in-1024-dark.png') })

    await answerSignInPage(app, 'Allow access')
    // The app polls every second, as the Sandbox asks.
    await page.getByTestId('sso-picker-count').waitFor({ timeout: 10_000 })
    await expectAccessible(page, 'the account list')
    await page.screenshot({ path: join(shots, 'sso-accounts-1024-dark.png') })
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('sso-picker').isVisible()).toBe(false)
    expect(app.errors).toEqual([])
    await app.page.context().close()
  })

  it('says what to do when access is denied in the browser', async () => {
    const app = await e2e.open({ viewport: size })
    const { page } = app
    await page.getByTestId(`sso-sign-out-${session}`).click()
    await startSignIn(page)
    await answerSignInPage(app, 'Deny')
    await page.getByTestId('sso-sign-in-error').waitFor()
    expect(await page.locator('#sso-sign-in-title').textContent()).toContain('Access denied in the browser')
    expect(await page.getByTestId('sso-sign-in-error').getAttribute('data-reason')).toBe('denied')
    expect(await text(page, 'sso-sign-in-message')).toMatch(/denied in the browser.*choose Allow/)
    expect(await focused(page)).toBe('sso-sign-in-retry')
    await expectAccessible(page, 'a denied sign-in')
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('sso-sign-in-dialog').isVisible()).toBe(false)
    expect(await text(page, `sso-state-${session}`)).toBe('Not signed in')
    await app.page.context().close()
  })

  it('offers Sign in again in the account bar for a remembered role whose session ended', async () => {
    const app = await e2e.open({ viewport: size })
    const { page } = app
    // Remembered: listed with the profiles and restored at start, though signed out.
    await expect.poll(() => text(page, 'bar-profile')).toContain('Alpha Contact Center · ConnectAdmin')
    await page.getByTestId('bar-sso-sign-in').waitFor()
    const before = opened.length
    await page.getByTestId('bar-sso-sign-in').click()
    await page.getByTestId('sso-browser-opened').waitFor()
    expect(opened.length).toBe(before + 1)
    await answerSignInPage(app, 'Allow access')
    await expect.poll(() => page.getByTestId('bar-sso-sign-in').count()).toBe(0)
    await expect.poll(() => text(page, 'bar-account')).toBe('111122223333')
    expect(await page.getByTestId('sso-picker').isVisible()).toBe(false)
    await app.page.context().close()
  })

  for (const [scheme, viewport] of [
    ['light', size],
    ['dark', { width: 1440, height: 900 }]
  ] as const) {
    it(`keeps the Accounts view readable with the Identity Center section, ${viewport.width} px ${scheme}`, async () => {
      const app = await e2e.open({ viewport, colorScheme: scheme })
      const { page } = app
      await page.getByTestId(`sso-session-${session}`).waitFor()
      await expect.poll(() => text(page, 'bar-account')).toBe('111122223333')
      await page.getByTestId('sso-add').click()
      await page.getByTestId('sso-add-start-url').fill('https://example.com')
      await page.getByTestId('sso-add-save').click()
      // The Region is missing: said next to it, and nothing is saved.
      await page.getByTestId('sso-add-error').waitFor()
      expect(await page.getByTestId('sso-add-region').getAttribute('aria-invalid')).toBe('true')
      expect(await text(page, 'sso-add-error')).toMatch(/Region your Identity Center lives in/)
      await expectAccessible(page, `Accounts at ${viewport.width} px, ${scheme}`)
      expect(await horizontalSpills(page)).toEqual([])
      expect((await accountBarLayout(page)).oneLine).toBe(true)
      await app.page.context().close()
    })
  }

  it('adds a start URL typed in, and says when Identity Center cannot be reached', async () => {
    const app = await e2e.open({ viewport: size })
    const { page } = app
    await page.getByTestId('sso-add').click()
    expect(await focused(page)).toBe('sso-add-start-url')
    await page.getByTestId('sso-add-start-url').fill('http://d-1234567890.awsapps.com/start')
    await page.getByTestId('sso-add-save').click()
    expect(await text(page, 'sso-add-error')).toMatch(/starting with https:\/\//)
    await page.getByTestId('sso-add-start-url').fill('https://d-1234567890.awsapps.com/start')
    await page.getByTestId('sso-add-region').fill('eu-west-2')
    await page.getByTestId('sso-add-save').click()
    // The name came from the start URL; the session is saved in the app's settings, then signed in.
    await page.getByTestId('sso-sign-in-error').waitFor()
    expect(await page.getByTestId('sso-sign-in-error').getAttribute('data-reason')).toBe('network')
    expect(await text(page, 'sso-sign-in-message')).toMatch(
      /Cannot reach IAM Identity Center for session "d-1234567890" at 127\.0\.0\.1:9/
    )
    expect(e2e.backend.services.settings.sso().sessions).toEqual([
      { name: 'd-1234567890', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-2' }
    ])
    await page.getByTestId('sso-sign-in-close').click()
    await page.getByTestId('sso-remove-d-1234567890').click()
    await page.getByTestId('sso-remove-confirm').click()
    await expect.poll(() => page.getByTestId('sso-session-d-1234567890').count()).toBe(0)
    expect(e2e.backend.services.settings.sso().sessions).toEqual([])
    await app.page.context().close()
  })
})

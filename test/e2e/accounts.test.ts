/**
 * Accounts in the built renderer: switching between the two Sandbox accounts, a role profile that asks
 * for MFA through the window, labels, recents, restore on restart, and proof from the recorded IPC
 * traffic that no secret key, session token or MFA code ever reached the renderer; a proxy password
 * that stays off the disk.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rootCertificates } from 'node:tls'
import { describe, expect, it } from 'vitest'
import { demoAccounts, demoMfa, demoRoles } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { focused } from './checks'
import { screenshot, useE2e, type AppPage } from './harness'

let remote: Sandbox | undefined

const e2e = useE2e({
  before: async () => {
    const sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
    remote = sandbox
    const dir = mkdtempSync(join(tmpdir(), 'cp-e2e-aws-'))
    const { alpha } = demoAccounts
    writeFileSync(
      join(dir, 'config'),
      `[profile hub]\nregion = us-east-1\nendpoint_url = ${sandbox.url}\naws_access_key_id = ${alpha.accessKeyId}\naws_secret_access_key = ${alpha.secretAccessKey}\n\n` +
        `[profile bravo-admin]\nrole_arn = ${demoRoles.bravoAdmin}\nsource_profile = hub\nmfa_serial = ${demoMfa.serialNumber}\nregion = eu-west-2\nendpoint_url = ${sandbox.url}\n\n` +
        `[profile broken]\nrole_arn = arn:aws:iam::111122223333:role/X\nsource_profile = missing\n`
    )
    writeFileSync(join(dir, 'credentials'), '')
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    })
  },
  after: () => remote?.close()
})

const text = (app: AppPage, testId: string): Promise<string | null> =>
  app.page.getByTestId(testId).textContent()

/** Everything main sent to the renderer: responses and events (requests are the renderer's own). */
function towardRenderer(app: AppPage): string {
  return JSON.stringify(app.traffic.map((c) => (c.kind === 'invoke' ? c.response : c.payload)))
}

describe('Accounts in Chromium', () => {
  it('switches between the two Sandbox accounts, shows the right account ID, labels and recents', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('profile-sandbox:alpha').waitFor()
    expect(await page.locator('.profiles h2').allTextContents()).toEqual([
      'Roles',
      'Access keys',
      'Sandbox — local, no AWS'
    ])
    expect(await page.getByTestId('profile-broken').textContent()).toContain(
      'source_profile "missing" does not exist.'
    )

    // AWS profiles exist, so nothing says there are none, nor pushes the Sandbox.
    expect(await page.getByTestId('no-aws-profiles').count()).toBe(0)
    expect(await page.getByTestId('use-sandbox-hint').count()).toBe(0)

    await page.getByTestId('profile-sandbox:alpha').click()
    // The first call starts the embedded Sandbox: allow for a busy machine.
    await expect.poll(() => text(app, 'bar-account'), { timeout: 10_000 }).toBe('111122223333')
    // Its one instance is chosen with it: there is nothing to choose.
    await expect.poll(() => text(app, 'bar-instance')).toBe('alpha-contact-center')
    // The instance list is cached for an hour: Refresh list asks AWS again.
    await page.getByTestId('instance-alpha-contact-center').waitFor()
    await page.getByTestId('instances-refresh').click()
    await page.getByTestId('instance-alpha-contact-center').click()
    await expect.poll(() => text(app, 'bar-instance')).toBe('alpha-contact-center')
    expect(await text(app, 'account-bar')).toContain('Connect-managed users')
    await page.getByTestId('label-text').fill('PROD')
    await page.getByTestId('label-color').selectOption('red')
    await page.getByTestId('label-save').click()
    await expect.poll(() => text(app, 'account-label')).toBe('PROD')
    await screenshot(page, 'accounts-alpha-prod')

    await page.getByTestId('profile-sandbox:bravo').click()
    await expect.poll(() => text(app, 'bar-account')).toBe('444455556666')
    expect(await page.getByTestId('account-label').count()).toBe(0)
    await page.getByTestId('instance-bravo-retail').click()
    await expect.poll(() => text(app, 'account-bar')).toContain('SAML')
    await screenshot(page, 'accounts-bravo')

    await page.getByTestId('recent-switch').selectOption({ label: 'sandbox:alpha · us-east-1' })
    await expect.poll(() => text(app, 'bar-account')).toBe('111122223333')
    await expect.poll(() => text(app, 'bar-instance')).toBe('alpha-contact-center')
    expect(await text(app, 'account-label')).toBe('PROD')

    await page.getByTestId('profile-search').fill('bravo')
    expect(
      await page
        .locator('[data-testid^="profile-"]:not([data-testid="profile-search"])')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    ).toEqual(['profile-bravo-admin', 'profile-sandbox:bravo'])
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('asks for the MFA code in a dialog, assumes the role, and restores the account on restart', async () => {
    const app = await e2e.open({ colorScheme: 'dark' })
    const { page } = app
    await page.getByTestId('profile-bravo-admin').click()
    await page.getByTestId('mfa-code').waitFor()
    expect(await page.getByTestId('mfa-dialog').textContent()).toContain(demoMfa.serialNumber)
    // Too short: the app says what it needs (not the browser's "match the requested format"); nothing sent.
    await page.getByTestId('mfa-code').fill('123')
    await page.getByTestId('mfa-submit').click()
    expect(await page.getByTestId('mfa-error').textContent()).toBe(
      'Enter the six digits your MFA device shows (that was 3).'
    )
    expect(app.invokes('accounts:answer-mfa')).toEqual([])
    // A wrong code keeps the dialog open and asks for the next one.
    await page.getByTestId('mfa-code').fill('000000')
    await page.getByTestId('mfa-submit').click()
    await expect
      .poll(() => page.getByTestId('mfa-error').textContent())
      .toBe('That code was not accepted, try the next one.')
    expect(await page.getByTestId('mfa-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mfa-code')
    await page.getByTestId('mfa-code').fill(demoMfa.code)
    await screenshot(page, 'accounts-mfa-dialog')
    await page.getByTestId('mfa-submit').click()
    await expect.poll(() => text(app, 'bar-account')).toBe('444455556666')
    expect(await text(app, 'identity-account')).toBe('444455556666')
    await screenshot(page, 'accounts-role-dark')

    const restarted = await e2e.open()
    await expect.poll(() => text(restarted, 'bar-profile')).toBe('bravo-admin')
    await expect.poll(() => text(restarted, 'bar-account')).toBe('444455556666')

    for (const seen of [app, restarted]) {
      const sent = towardRenderer(seen)
      for (const secret of [
        demoAccounts.alpha.secretAccessKey,
        demoAccounts.bravo.secretAccessKey,
        demoMfa.code
      ]) {
        expect(sent).not.toContain(secret)
      }
      expect(sent).not.toMatch(
        /secretAccessKey|sessionToken|SessionToken|aws_secret_access_key|ASIA[A-Z0-9]{12}/
      )
      expect(seen.errors).toEqual([])
    }
    // The code did travel renderer → main, once, in the answer; never back.
    expect(app.invokes('accounts:answer-mfa').map((c) => c.request)).toEqual([
      { requestId: expect.any(String), code: '000000' },
      { requestId: expect.any(String), code: demoMfa.code }
    ])
    expect(await page.getByTestId('mfa-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false)
    await page.context().close()
    await restarted.page.context().close()
  })

  it('shows a broken profile’s own problem first, where it is, and asks AWS only when told to', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('profile-broken').click()
    const problems = page.getByTestId('profile-problems')
    await problems.waitFor()
    expect(await problems.textContent()).toContain('source_profile "missing" does not exist.')
    expect(await problems.textContent()).toMatch(/config:\d+/)
    expect(await page.getByTestId('error-note').count()).toBe(0)
    const asked = (): number =>
      app.invokes('accounts:whoami').filter((c) => (c.request as { profile: string }).profile === 'broken')
        .length
    expect(asked()).toBe(0)
    await screenshot(page, 'accounts-broken-profile')

    await page.getByTestId('region-select').selectOption('us-east-1')
    await page.getByTestId('profile-try-anyway').click()
    const note = page.getByTestId('error-note')
    await note.waitFor()
    expect(await page.getByTestId('error-title').textContent()).not.toBe('Region needed')
    expect(await note.textContent()).toMatch(/No credentials|Credentials problem|Profile/)
    await page.getByTestId('error-retry').click()
    await expect.poll(asked).toBe(2)
    await screenshot(page, 'accounts-error')
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('moves through the profiles with the arrow keys, Home and End; Enter picks', async () => {
    const app = await e2e.open()
    const { page } = app
    const first = page.getByTestId('profile-bravo-admin')
    await first.waitFor()
    // The app restores the last account at start; wait for that, then count.
    await expect.poll(() => text(app, 'bar-account')).not.toBe('…')
    const calls = app.invokes('accounts:whoami').length
    const order = await page
      .locator('.profiles button[data-roving]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))
    await first.focus()
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toBe(order[1])
    await page.keyboard.press('End')
    expect(await focused(page)).toBe(order.at(-1))
    await page.keyboard.press('ArrowUp')
    expect(await focused(page)).toBe(order.at(-2))
    await page.keyboard.press('Home')
    expect(await focused(page)).toBe(order[0])
    // Moving picks nothing (picking calls AWS); Enter does.
    expect(app.invokes('accounts:whoami')).toHaveLength(calls)
    await page.keyboard.press('End')
    await page.keyboard.press('Enter')
    await expect.poll(() => text(app, 'bar-profile')).toBe('Bravo Retail')
    await expect.poll(() => text(app, 'bar-account')).toBe('444455556666')
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('keeps a proxy password off the disk and never sends it back to the window', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('proxy-url').fill('http://me:hunter2@proxy.example.com:3128')
    await page.getByTestId('network-save').click()
    await expect
      .poll(() => page.getByTestId('proxy-url').inputValue())
      .toBe('http://me:****@proxy.example.com:3128/')
    // The test backend has no OS keychain, like a Linux desktop without a keyring.
    await page.getByTestId('proxy-password-session').waitFor()
    await screenshot(page, 'settings-proxy')
    expect(readFileSync(join(e2e.backend.userDataPath, 'settings.json'), 'utf8')).not.toContain('hunter2')
    const toWindow = app.traffic.map((c) => (c.kind === 'invoke' ? c.response : c.payload))
    expect(JSON.stringify(toWindow)).not.toContain('hunter2')
    expect(e2e.backend.services.settings.network().proxyUrl).toBe('http://me:hunter2@proxy.example.com:3128/')

    // Browse… fills the CA field from the file dialog; saving checks the file is PEM.
    const caFile = join(mkdtempSync(join(tmpdir(), 'cp-e2e-ca-')), 'company-root.pem')
    writeFileSync(caFile, rootCertificates[0] ?? '')
    e2e.backend.dialogAnswers.open = caFile
    await page.getByTestId('ca-browse').click()
    await expect.poll(() => page.getByTestId('ca-file').inputValue()).toBe(caFile)
    await page.getByTestId('proxy-url').fill('')
    await page.getByTestId('network-save').click()
    await expect.poll(() => e2e.backend.services.settings.network()).toEqual({ caFile })
    await page.getByTestId('ca-file').fill('')
    await page.getByTestId('network-save').click()
    await expect.poll(() => e2e.backend.services.settings.network()).toEqual({})
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

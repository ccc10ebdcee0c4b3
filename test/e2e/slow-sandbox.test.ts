/**
 * A slow and failing Sandbox behind an ordinary AWS profile: every answer late, CreateUser throttled and
 * failing with 500s. The window shows what is happening while it happens ("Asking AWS…", "Opening…",
 * "Throttled, retrying (3 of 6)…"), titles a failure by its class (AWS's server error, the proxy), and
 * never leaves the admin wondering whether anything was sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoAccounts } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { focused } from './checks'
import { screenshot, useE2e, type AppPage } from './harness'

let remote: Sandbox | undefined
const sandbox = (): Sandbox => {
  if (!remote) throw new Error('the remote Sandbox has not started')
  return remote
}

const e2e = useE2e({
  before: async () => {
    // Connect's own throttle off: the faults below are the only ones, so the test knows what happens.
    remote = await startSandbox({ throttle: { rate: 0, burst: 1 } })
    const dir = mkdtempSync(join(tmpdir(), 'cp-e2e-slow-'))
    const { alpha } = demoAccounts
    const profile = (name: string): string =>
      `[profile ${name}]\nregion = us-east-1\nendpoint_url = ${remote?.url}\naws_access_key_id = ${alpha.accessKeyId}\naws_secret_access_key = ${alpha.secretAccessKey}\n\n`
    writeFileSync(join(dir, 'config'), profile('slow') + profile('behind-proxy'))
    writeFileSync(join(dir, 'credentials'), '')
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    })
  },
  after: () => remote?.close(),
  // Six attempts with a short backoff, and no client pacing (the Sandbox's throttle is off): the whole
  // story takes seconds, not the real ~40 s of patience.
  backend: {
    retry: { attempts: 6, baseDelayMs: 300, maxDelayMs: 1200 },
    pace: { perSecond: 50, burst: 50 }
  }
})

beforeAll(() => {
  e2e.backend.services.templates.save({
    name: 'Tier 1 London',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
  })
})

/** Records every text the element with `testId` shows from now on (a message may last a moment only). */
async function recordTexts(app: AppPage, testId: string): Promise<() => Promise<string[]>> {
  await app.page.evaluate((id) => {
    const seen: string[] = []
    const all = ((window as unknown as { __seen?: Record<string, string[]> }).__seen ??= {})
    all[id] = seen
    const note = (): void => {
      const text = document.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim()
      if (text && seen.at(-1) !== text) seen.push(text)
    }
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true })
  }, testId)
  return () =>
    app.page.evaluate(
      (id) => (window as unknown as { __seen: Record<string, string[]> }).__seen[id] ?? [],
      testId
    )
}

async function atCreateUser(app: AppPage, profile: string, last: string): Promise<void> {
  const { page } = app
  await page.getByTestId(`profile-${profile}`).click()
  await expect
    .poll(() => page.getByTestId('bar-instance').textContent(), { timeout: 15_000 })
    .toBe('alpha-contact-center')
  await page.getByTestId('nav-create').click()
  await page.getByTestId('create-template').selectOption('Tier 1 London')
  await page.getByTestId('create-first').fill('Ada')
  await page.getByTestId('create-last').fill(last)
  await page.getByTestId('create-password').fill('Str0ng-Passw0rd')
  await page.getByTestId('create-preview').click()
  await page.getByTestId('create-ok').waitFor({ timeout: 15_000 })
}

describe('a slow, throttling, failing Sandbox', () => {
  it('says what it is waiting for, and each retry as it happens, until the user is created', async () => {
    const app = await e2e.open({ viewport: { width: 1024, height: 700 } })
    const { page } = app
    sandbox().faults.config.latencyMs = 500
    const identityTexts = await recordTexts(app, 'identity-progress')
    const barTexts = await recordTexts(app, 'bar-instance')
    await page.getByTestId('profile-slow').click()
    await expect
      .poll(() => page.getByTestId('identity-progress').textContent())
      .toContain('Asking AWS who this profile is…')
    // The only instance is chosen by itself; while DescribeInstance takes its time the bar says so.
    await expect
      .poll(() => page.getByTestId('instance-state-alpha-contact-center').textContent(), {
        timeout: 15_000
      })
      .toContain('Opening…')
    await screenshot(page, 'slow-opening-instance')
    await expect
      .poll(() => page.getByTestId('bar-instance').textContent(), { timeout: 15_000 })
      .toBe('alpha-contact-center')
    expect(await identityTexts()).toContain('Asking AWS who this profile is…')
    expect(await barTexts()).toContain('alpha-contact-center…')

    sandbox().faults.config.latencyMs = 0
    await page.getByTestId('nav-create').click()
    await page.getByTestId('create-template').selectOption('Tier 1 London')
    await page.getByTestId('create-first').fill('Ada')
    await page.getByTestId('create-last').fill('Slow')
    await page.getByTestId('create-password').fill('Str0ng-Passw0rd')
    const checking = await recordTexts(app, 'create-progress')
    await page.getByTestId('create-preview').click()
    await page.getByTestId('create-ok').waitFor({ timeout: 15_000 })
    expect((await checking()).join('\n')).toContain('Checking the rules and looking the username up…')
    sandbox().faults.config.latencyMs = 300

    // Three throttles, then a 500, then it goes through: attempt 5 of 6.
    for (const fault of ['throttle', 'throttle', 'throttle', 'fail'] as const)
      sandbox().faults.next(fault, 'CreateUser')
    const progress = await recordTexts(app, 'create-progress')
    await page.getByTestId('create-send').click()
    await expect
      .poll(() => page.getByTestId('create-sending').textContent())
      .toContain('Sending to alpha-contact-center')
    await expect
      .poll(() => page.getByTestId('create-progress').textContent())
      .toMatch(/retrying \(\d of 6\)…/)
    await screenshot(page, 'slow-create-retrying')
    await page.getByTestId('create-result').waitFor({ timeout: 20_000 })
    expect(await progress()).toEqual(
      expect.arrayContaining([
        'Sending CreateUser to alpha-contact-center…',
        'Throttled, retrying (2 of 6)…',
        'Throttled, retrying (3 of 6)…',
        'Throttled, retrying (4 of 6)…',
        'AWS had a server error, retrying (5 of 6)…'
      ])
    )
    expect(await page.getByTestId('create-attempts').textContent()).toContain('5 attempts')
    // Focus lands on what happened, not on <body>.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2')
    expect(app.invokes('users:create')).toHaveLength(1)
    expect(
      app.traffic.filter((c) => c.kind === 'event' && c.channel === 'users:create-retrying')
    ).toHaveLength(4)
    sandbox().faults.config.latencyMs = 0
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('titles a 500 on every attempt as AWS’s server error, and keeps the form to try again', async () => {
    const app = await e2e.open()
    const { page } = app
    await atCreateUser(app, 'slow', 'Failing')
    for (let n = 0; n < 6; n++) sandbox().faults.next('fail', 'CreateUser')
    await page.getByTestId('create-send').click()
    await page.getByTestId('error-note').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('error-title').textContent()).toBe('AWS had a server error')
    expect(await page.getByTestId('error-note').getAttribute('data-kind')).toBe('aws')
    expect(await page.getByTestId('error-message').textContent()).toMatch(
      /server error .*try again in a few minutes/
    )
    await screenshot(page, 'slow-create-server-error')
    // Nothing was created (the app looked), so trying again is safe: the form and its preview stay.
    expect(await page.getByTestId('create-first').inputValue()).toBe('Ada')
    expect(await page.getByTestId('create-send').isDisabled()).toBe(false)
    await page.getByTestId('create-send').click()
    await page.getByTestId('create-result').waitFor({ timeout: 15_000 })
    expect(await focused(page)).toBe('h2')
    await page.context().close()
  })

  it('names the proxy from Settings when it cannot be reached, typed without a scheme', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('proxy-url').fill('proxy.invalid:3128')
    await page.getByTestId('network-save').click()
    await expect
      .poll(() => page.getByTestId('network-saved').textContent())
      .toContain('http://proxy.invalid:3128/')
    expect(await page.getByTestId('proxy-url').inputValue()).toBe('http://proxy.invalid:3128/')

    await page.getByTestId('nav-accounts').click()
    await page.getByTestId('profile-behind-proxy').click()
    await page.getByTestId('error-note').waitFor({ timeout: 15_000 })
    expect(await page.getByTestId('error-title').textContent()).toBe('Proxy problem')
    const message = (await page.getByTestId('error-message').textContent()) ?? ''
    expect(message).toContain('proxy.invalid')
    expect(message).toContain('Settings → Network')
    expect(message).not.toContain('endpoint_url')
    await screenshot(page, 'slow-proxy-unreachable')

    // Cleared, Retry reaches AWS.
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('proxy-url').fill('')
    await page.getByTestId('network-save').click()
    await page.getByTestId('network-saved').waitFor()
    await page.getByTestId('nav-accounts').click()
    await page.getByTestId('error-retry').click()
    await expect
      .poll(() => page.getByTestId('bar-account').textContent(), { timeout: 15_000 })
      .toBe(demoAccounts.alpha.accountId)
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

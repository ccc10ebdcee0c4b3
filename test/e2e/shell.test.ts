import { describe, expect, it } from 'vitest'
import { sectionOrder, sections } from '../../src/renderer/src/lib/sections'
import { screenshot, useE2e } from './harness'

const e2e = useE2e()

describe('the built shell in Chromium', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`clicks through every section in ${colorScheme} mode with no console errors`, async () => {
      const app = await e2e.open({ colorScheme })
      const { page } = app
      await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('Connect Provisioner 0.1.0')
      for (const id of sectionOrder) {
        await page.getByTestId(`nav-${id}`).click()
        await expect.poll(() => page.locator('h1').textContent()).toBe(sections[id].label)
        // Every section but Accounts and Settings opens on an empty state that says what to do next.
        await expect
          .poll(() => page.getByTestId(`empty-${id}`).count())
          .toBe(['accounts', 'settings'].includes(id) ? 0 : 1)
        await screenshot(page, `shell-${id}-${colorScheme}`)
      }
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
      expect(background).toBe(colorScheme === 'dark' ? 'rgb(27, 30, 36)' : 'rgb(255, 255, 255)')
      expect(app.errors).toEqual([])
      expect(app.invokes('app:info')[0]?.response).toMatchObject({
        ok: true,
        value: { userDataPath: e2e.backend.userDataPath, versions: { node: process.versions.node } }
      })
      await page.context().close()
    })
  }

  it('is fully usable from the keyboard, with a visible focus ring', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('app-version').waitFor()
    await page.keyboard.press('Tab') // skip link
    await page.keyboard.press('Tab') // the sidebar's single tab stop
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'nav-accounts'
    )
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle
    )
    expect(outline).toBe('solid')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await page.locator('h1').textContent()).toBe('Create user')
    await screenshot(page, 'shell-keyboard-focus')
    await page.keyboard.press('Control+5')
    expect(await page.locator('h1').textContent()).toBe('Activity')
    await page.keyboard.press('Control+6')
    expect(await page.locator('h1').textContent()).toBe('Settings')
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('re-reads the AWS profiles when main says the window gained focus', async () => {
    const app = await e2e.open()
    await app.page.getByTestId('app-version').waitFor()
    await expect.poll(() => app.invokes('accounts:list-profiles').length).toBe(1)
    const calls = (): number => app.invokes('accounts:list-profiles').length
    const before = calls()
    await app.emit('app:focused', { at: new Date().toISOString() })
    await expect.poll(calls).toBe(before + 1)
    await app.page.context().close()
  })

  it('gets a typed error envelope for a malformed request through the real handlers', async () => {
    const app = await e2e.open()
    await app.page.getByTestId('app-version').waitFor()
    const result = await app.page.evaluate(() => window.api.invoke('app:info', { evil: true } as never))
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    await app.page.context().close()
  })

  it('shows a focus ring on every control Tab reaches in Create user, at 1024×700', async () => {
    e2e.backend.services.templates.save({
      name: 'Focus check',
      routingProfile: 'Support Tier 1',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
    })
    const app = await e2e.open({ viewport: { width: 1024, height: 700 } })
    const { page } = app
    await page.getByTestId('profile-sandbox:alpha').click()
    await expect
      .poll(() => page.getByTestId('bar-instance').textContent(), { timeout: 10_000 })
      .toBe('alpha-contact-center')
    await page.getByTestId('nav-create').click()
    await page.getByTestId('create-template').selectOption('Focus check')
    await page.getByTestId('create-template').focus()
    const seen: string[] = []
    for (let n = 0; n < 20 && seen.at(-1) !== 'create-preview'; n++) {
      await page.keyboard.press('Tab')
      const ring = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement
        const style = getComputedStyle(e)
        return {
          what: e.getAttribute('data-testid') ?? e.getAttribute('name') ?? e.tagName.toLowerCase(),
          ok: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
        }
      })
      seen.push(ring.what)
      expect(ring.ok, `focus ring on ${ring.what}`).toBe(true)
    }
    expect(seen).toEqual(
      expect.arrayContaining(['create-first', 'create-password', 'summary', 'create-preview'])
    )
    await page.context().close()
  })
})

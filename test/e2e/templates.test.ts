/**
 * Templates in the built renderer: created and edited with no account and no network, intact after a
 * reload, exported and imported through the (fake) file dialogs, and "new agent like X" from the Sandbox.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { columnOverlaps, focused } from './checks'
import { screenshot, useE2e, type AppPage } from './harness'

const e2e = useE2e()

async function openTemplates(): Promise<AppPage> {
  const app = await e2e.open()
  await app.page.getByTestId('nav-templates').click()
  return app
}

describe('Templates in Chromium', () => {
  it('creates and edits a template with no account selected, and finds it intact after a reload', async () => {
    const app = await openTemplates()
    const { page } = app
    await page.getByTestId('empty-templates').waitFor()
    expect(await page.getByTestId('bar-profile').count()).toBe(0)
    // Nothing to drift and nothing to conflict with yet.
    expect(await page.getByTestId('tpl-conflict').count()).toBe(0)
    await page.getByTestId('tpl-new').click()
    expect(await focused(page)).toBe('tpl-name')
    expect(await page.getByText(/No template matches/).count()).toBe(0)
    await page.getByTestId('tpl-save').click()
    expect(await page.getByTestId('template-editor').textContent()).toContain('a template needs a name')
    await page.getByTestId('tpl-name').fill('Tier 1 voice, London')
    await page.getByTestId('tpl-routing').fill('Support Tier 1')
    await page.getByTestId('tpl-security-0').fill('Agent')
    await page.getByTestId('tpl-hierarchy').fill('EMEA/London/Tier 1')
    await page.getByTestId('tpl-phone-type').selectOption('DESK_PHONE')
    expect(await page.getByTestId('template-editor').textContent()).toContain(
      'a desk phone needs its number (E.164)'
    )
    await page.getByTestId('tpl-desk-number').fill('+442079460000')
    await page.getByTestId('tpl-acw').fill('120')
    await page.getByTestId('tpl-auto-accept').check()
    await page.getByTestId('tpl-username-pattern').fill('{first}.{last}')
    expect(await page.getByTestId('tpl-username-sample').textContent()).toContain(
      'maximiliana.featherstonehaugh (29 characters): too long for CONNECT_MANAGED and EXISTING_DIRECTORY instances'
    )
    await page.getByTestId('tpl-username-pattern').fill('{first:1}{last:7}')
    expect(await page.getByTestId('tpl-username-sample').textContent()).toMatch(
      /→ mfeather \(8 characters\)\s*$/
    )
    const preview = JSON.parse((await page.getByTestId('tpl-preview').textContent()) ?? '{}')
    expect(preview).toEqual({
      RoutingProfileId: '⟨Support Tier 1⟩',
      SecurityProfileIds: ['⟨Agent⟩'],
      HierarchyGroupId: '⟨EMEA/London/Tier 1⟩',
      PhoneConfig: {
        PhoneType: 'DESK_PHONE',
        AutoAccept: true,
        AfterContactWorkTimeLimit: 120,
        DeskPhoneNumber: '+442079460000'
      }
    })
    await screenshot(page, 'templates-editor')
    await page.getByTestId('tpl-save').click()
    await page.getByTestId('tpl-item-Tier 1 voice, London').waitFor()

    await page.getByTestId('tpl-edit-Tier 1 voice, London').click()
    await page.getByTestId('tpl-name').fill('Tier 1 voice — London')
    await page.getByTestId('tpl-per-channel').check()
    await page.getByLabel('CHAT auto-accept').selectOption('yes')
    await page.getByLabel('VOICE after-contact work seconds').fill('30')
    await page.getByTestId('tpl-save').click()
    await page.getByTestId('tpl-item-Tier 1 voice — London').waitFor()
    expect(await page.getByTestId('tpl-item-Tier 1 voice, London').count()).toBe(0)
    await screenshot(page, 'templates-list')
    expect(app.errors).toEqual([])
    await page.context().close()

    const reloaded = await openTemplates()
    await reloaded.page.getByTestId('tpl-item-Tier 1 voice — London').waitFor()
    const saved = e2e.backend.services.templates.get('tier 1 voice — london')
    expect(saved).toMatchObject({
      routingProfile: 'Support Tier 1',
      securityProfiles: ['Agent'],
      hierarchyGroup: 'EMEA/London/Tier 1',
      phone: {
        mode: 'per-channel',
        channels: { CHAT: { autoAccept: true }, VOICE: { afterContactWorkSeconds: 30 } },
        voice: { phoneType: 'SOFT_PHONE' }
      }
    })
    await reloaded.page.context().close()
  })

  it('exports to a file and imports it back with a new name, through the file dialogs', async () => {
    const app = await openTemplates()
    const { page } = app
    await page.getByTestId('tpl-item-Tier 1 voice — London').waitFor()
    const file = join(e2e.backend.userDataPath, 'exported.json')
    e2e.backend.dialogAnswers.save = file
    await page.getByTestId('tpl-export-all').click()
    await expect.poll(() => existsSync(file)).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: 'connect-provisioner/templates',
      version: 1,
      templates: [{ name: 'Tier 1 voice — London' }]
    })
    e2e.backend.dialogAnswers.open = file
    // Templates exist, so Import… first asks what to do with a name that is taken.
    await page.getByTestId('tpl-import').click()
    await page.getByTestId('tpl-conflict').selectOption('rename')
    await page.getByTestId('tpl-import-choose').click()
    await page.getByTestId('tpl-item-Tier 1 voice — London (imported)').waitFor()
    expect(await page.getByTestId('tpl-status').textContent()).toContain('renamed 1')
    await page.getByTestId('tpl-delete-Tier 1 voice — London (imported)').click()
    await page.getByTestId('tpl-confirm-delete').click()
    await expect.poll(() => page.getByTestId('tpl-item-Tier 1 voice — London (imported)').count()).toBe(0)
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('starts a template from an existing Sandbox user and resolves it against the instance', async () => {
    const app = await e2e.open()
    const { page } = app
    await page.getByTestId('profile-sandbox:alpha').click()
    await page.getByTestId('instance-alpha-contact-center').click()
    await expect.poll(() => page.getByTestId('bar-instance').textContent()).toBe('alpha-contact-center')
    await page.getByTestId('nav-templates').click()
    await page.getByTestId('tpl-from-user').click()
    await page.getByTestId('tpl-user-query').fill('jane')
    await page.getByTestId('tpl-user-query').press('Enter')
    await page.getByTestId('tpl-user-jane.doe').click()
    await expect.poll(() => page.getByTestId('tpl-name').inputValue()).toBe('Like jane.doe')
    await expect
      .poll(
        async () => JSON.parse((await page.getByTestId('tpl-preview').textContent()) ?? '{}').RoutingProfileId
      )
      .toMatch(/^rp-0003/)
    await screenshot(page, 'templates-from-user')
    await page.getByTestId('tpl-save').click()
    await page.getByTestId('tpl-item-Like jane.doe').waitFor()
    await page.getByTestId('tpl-drift').click()
    await page.getByTestId('tpl-drift-report').waitFor()
    expect(await page.getByTestId('tpl-drift-report').textContent()).toContain(
      'Every template resolves in every instance'
    )
    e2e.backend.services.templates.save({
      name: 'Sales, typo',
      routingProfile: 'sales inbound',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
    })
    await page.getByTestId('tpl-drift').click()
    await expect
      .poll(() => page.getByTestId('tpl-drift-report').textContent())
      .toContain(
        'Routing profile "sales inbound" is not in alpha-contact-center (111122223333, us-east-1); did you mean "Sales Inbound"?'
      )
    await screenshot(page, 'templates-drift')
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('with 300 templates at 1024×700: Edit opens in view with Name focused; changes are never dropped unasked', async () => {
    const { templates } = e2e.backend.services
    for (let n = 1; n <= 300; n++) {
      templates.save({
        name: `Team ${String(n).padStart(3, '0')}`,
        routingProfile: 'Support Tier 1',
        securityProfiles: ['Agent'],
        phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 30 }
      })
    }
    const app = await e2e.open({ viewport: { width: 1024, height: 700 } })
    const { page } = app
    await page.getByTestId('nav-templates').click()
    const last = page.getByTestId('tpl-edit-Team 300')
    await last.scrollIntoViewIfNeeded()
    // One toolbar row at 1024 (no account: no instance row), and no row's buttons wrap.
    const toolbar = await page.getByTestId('tpl-toolbar').boundingBox()
    expect(toolbar?.height).toBeLessThanOrEqual(44)
    const tops = await page
      .getByTestId('tpl-item-Team 300')
      .locator('.actions button')
      .evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().top)))
    expect(new Set(tops).size).toBe(1)

    await last.click()
    const editor = page.getByTestId('template-editor')
    await editor.waitFor()
    const box = await editor.boundingBox()
    expect(box && box.y >= 0 && box.y < 700).toBe(true)
    expect(await focused(page)).toBe('tpl-name')
    expect(await page.getByTestId('tpl-name').inputValue()).toBe('Team 300')
    expect(
      await page.getByTestId('tpl-phone-type').evaluate((s) => s.getBoundingClientRect().height)
    ).toBeLessThan(45)

    // Escape with nothing changed closes at once, and focus returns to the row's Edit.
    await page.keyboard.press('Escape')
    await editor.waitFor({ state: 'detached' })
    expect(await focused(page)).toBe('tpl-edit-Team 300')

    await page.keyboard.press('Enter')
    await page.getByTestId('tpl-name').fill('Team 300, renamed')
    await page.getByRole('button', { name: 'Add tag' }).click()
    await page.getByLabel('Tag 1 key').fill('cost-centre')
    await page
      .getByLabel('Tag 1 value')
      .fill('a rather long value that used to push the inputs under the preview')
    expect(await columnOverlaps(page, '.editor .fields', '.editor .preview')).toEqual([])
    // Escape now asks; Escape again (or Keep editing) goes back to the form with the edits.
    await page.keyboard.press('Escape')
    await page.getByTestId('tpl-discard-confirm').waitFor()
    expect(await focused(page)).toBe('tpl-keep-editing')
    await screenshot(page, 'templates-discard-confirm')
    await page.keyboard.press('Escape')
    expect(await page.getByTestId('tpl-discard-confirm').count()).toBe(0)
    expect(await focused(page)).toBe('tpl-name')
    expect(await page.getByTestId('tpl-name').inputValue()).toBe('Team 300, renamed')
    // The draft survives a visit to another view.
    await page.getByTestId('nav-activity').click()
    await page.getByTestId('nav-templates').click()
    expect(await page.getByTestId('tpl-name').inputValue()).toBe('Team 300, renamed')
    // Cancel asks too; Drop changes closes, and nothing was saved.
    await page.getByTestId('tpl-cancel').click()
    await page.getByTestId('tpl-discard').click()
    await editor.waitFor({ state: 'detached' })
    expect(await focused(page)).toBe('tpl-edit-Team 300')
    expect(templates.list().map((t) => t.name)).not.toContain('Team 300, renamed')
    expect(templates.get('Team 300').tags).toEqual({})
    expect(app.errors).toEqual([])
    await page.context().close()
  })

  it('clears a stale import error when the next import is cancelled', async () => {
    const app = await openTemplates()
    const { page } = app
    await page.getByTestId('tpl-import').click()
    const bad = join(e2e.backend.userDataPath, 'not-templates.json')
    writeFileSync(bad, 'this is not JSON')
    e2e.backend.dialogAnswers.open = bad
    await page.getByTestId('tpl-import-choose').click()
    await page.getByTestId('error-note').waitFor()
    expect(await page.getByTestId('error-title').textContent()).not.toBe(
      'Something went wrong (a bug in the app)'
    )
    e2e.backend.dialogAnswers.open = undefined
    await page.getByTestId('tpl-import').click()
    await page.getByTestId('tpl-import-choose').click()
    await expect.poll(() => page.getByTestId('tpl-status').textContent()).toContain('Import cancelled')
    expect(await page.getByTestId('error-note').count()).toBe(0)
    expect(app.errors).toEqual([])
    await page.context().close()
  })
})

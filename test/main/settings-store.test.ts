import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSettingsStore } from '../../src/main/adapters/settings-store'
import { describeRecovery } from '../../src/main/services/store-recovery'

const folder = (): string => mkdtempSync(join(tmpdir(), 'cp-settings-'))

describe('settings store (electron-store)', () => {
  it('persists window bounds in settings.json across opens', () => {
    const dir = folder()
    openSettingsStore(dir).settings.set('windowBounds', { x: 10, y: 20, width: 1000, height: 700 })
    const reopened = openSettingsStore(dir)
    expect(reopened.recovery).toBeUndefined()
    expect(reopened.settings.get('windowBounds')).toEqual({ x: 10, y: 20, width: 1000, height: 700 })
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).windowBounds.width).toBe(1000)
  })

  it('moves a corrupt file aside, keeps its bytes, and reports where it went', () => {
    const dir = folder()
    const garbage = '{"windowBounds": {"x": 1,, oops'
    writeFileSync(join(dir, 'settings.json'), garbage)
    const { settings, recovery } = openSettingsStore(dir)
    expect(settings.get('windowBounds')).toBeUndefined()
    if (!recovery) throw new Error('a corrupt file was not reported')
    expect(recovery.movedTo).toMatch(/settings\.corrupt-.*\.json$/)
    expect(readFileSync(recovery.movedTo, 'utf8')).toBe(garbage)
    expect(readdirSync(dir)).toContain(recovery.movedTo.split(/[\\/]/).at(-1))
    settings.set('windowBounds', { x: 0, y: 0, width: 900, height: 600 })
    expect(openSettingsStore(dir).settings.get('windowBounds')?.width).toBe(900)
    expect(describeRecovery(recovery)).toContain(recovery.movedTo)
  })

  it('moves aside a file that breaks the schema instead of emptying it', () => {
    const dir = folder()
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ windowBounds: { x: 'left' } }))
    const { recovery } = openSettingsStore(dir)
    expect(recovery?.reason).toMatch(/schema/i)
  })
})

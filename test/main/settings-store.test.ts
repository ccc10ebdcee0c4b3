import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
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

  it('accepts a byte-order mark, and moves aside what is not settings (null, a list) instead of using it', () => {
    const dir = folder()
    writeFileSync(join(dir, 'settings.json'), `\ufeff${JSON.stringify({ network: { caFile: '/ca.pem' } })}`)
    const withBom = openSettingsStore(dir)
    expect(withBom.recovery).toBeUndefined()
    expect(withBom.settings.get('network')).toEqual({ caFile: '/ca.pem' })
    for (const content of ['null', '[1, 2]', '"x"']) {
      const other = folder()
      writeFileSync(join(other, 'settings.json'), content)
      const { settings, recovery } = openSettingsStore(other)
      expect(recovery?.reason).toMatch(/settings schema/)
      expect(readFileSync(recovery?.movedTo ?? '', 'utf8')).toBe(content)
      expect(settings.get('network')).toBeUndefined()
    }
  })

  it.runIf(process.platform !== 'win32')('writes settings.json 0600 in a 0700 folder', () => {
    const dir = folder()
    chmodSync(dir, 0o755)
    openSettingsStore(dir).settings.set('recentContexts', [])
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600)
  })
})

/**
 * electron-builder.yml, checked where no installer can be built: electron-builder's own loader and
 * JSON-schema validation, the per-user Windows install, the targets of the three platforms, and the
 * icons each of them reads.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
// electron-builder's own configuration loader and schema check (what `electron-builder` runs first).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import type { Configuration } from 'app-builder-lib'

const root = resolve(import.meta.dirname, '../..')
const quietLogger = { isEnabled: false, add: () => {} }
const load = (): Promise<Configuration> => getConfig(root, null, null) as Promise<Configuration>
const validate = (config: unknown): Promise<void> =>
  validateConfiguration(config as Configuration, quietLogger as never)

/** The width and height a PNG file declares in its IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const data = readFileSync(file)
  expect(data.subarray(1, 4).toString('latin1')).toBe('PNG')
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
}

describe('electron-builder.yml', () => {
  it('passes electron-builder 26 schema validation', async () => {
    const config = await load()
    await expect(validate(config)).resolves.toBeUndefined()
  })

  it('is really validated: a wrong type or an unknown option is refused', async () => {
    const config = await load()
    await expect(validate({ ...config, nsis: { ...config.nsis, perMachine: 'no' } })).rejects.toThrow(
      /perMachine/
    )
    await expect(validate({ ...config, autoUpdate: true })).rejects.toThrow(/autoUpdate/)
  })

  it('names the app and sends no update feed', async () => {
    const config = await load()
    expect(config.appId).toBe('com.connectprovisioner.app')
    expect(config.productName).toBe('Connect Provisioner')
    expect(config.publish).toBeNull()
    expect(config.afterPack).toBe('./scripts/after-pack.mjs')
    expect(config.asar).toBe(true)
    const packageJson = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >
    const everything = { ...packageJson['dependencies'], ...packageJson['devDependencies'] }
    expect(Object.keys(everything).filter((name) => /updater/i.test(name))).toEqual([])
  })

  it('installs on Windows per user, without admin rights or UAC, and also ships a portable exe', async () => {
    const config = await load()
    const targets = (config.win?.target as { target: string }[]).map((t) => t.target)
    expect(targets).toEqual(['nsis', 'portable'])
    // oneClick + perMachine false: %LOCALAPPDATA%\Programs, RequestExecutionLevel user, no prompt.
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false })
    expect(config.portable).toMatchObject({ requestExecutionLevel: 'user' })
  })

  it('builds a dmg for macOS and an AppImage and a deb for Linux', async () => {
    const config = await load()
    expect((config.mac?.target as { target: string }[]).map((t) => t.target)).toEqual(['dmg'])
    expect((config.linux?.target as { target: string }[]).map((t) => t.target)).toEqual(['AppImage', 'deb'])
  })

  it('points every platform at icons that exist, in every size', async () => {
    const config = await load()
    expect(config.win?.icon).toBe('resources/icons/icon.ico')
    expect(config.mac?.icon).toBe('resources/icons/icon.icns')
    expect(config.linux?.icon).toBe('resources/icons')
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      expect(pngSize(resolve(root, `resources/icons/${size}x${size}.png`))).toEqual({
        width: size,
        height: size
      })
    }
    const ico = readFileSync(resolve(root, 'resources/icons/icon.ico'))
    expect(ico.readUInt16LE(2)).toBe(1) // an icon, not a cursor
    const widths = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i] || 256)
    expect(widths).toEqual(expect.arrayContaining([16, 24, 32, 48, 64, 128, 256]))
    const icns = readFileSync(resolve(root, 'resources/icons/icon.icns'))
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns')
    expect(icns.readUInt32BE(4)).toBe(icns.length)
    expect(icns.includes(Buffer.from('ic10'))).toBe(true) // the 1024 px (512@2x) image
  })
})

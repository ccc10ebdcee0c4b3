/**
 * The Electron Fuses the afterPack hook flips: the settings object, and the hook itself run the way
 * electron-builder runs it, on a stand-in binary that carries Electron's fuse wire.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FuseV1Options, flipFuses, getCurrentFuseWire, type FuseConfig } from '@electron/fuses'
import { Arch } from 'electron-builder'
import afterPack from '../../scripts/after-pack.mjs'
import { fuseConfig, fuses } from '../../scripts/fuses.mjs'
import { electronDefaultWire } from '../../scripts/pack-check.mjs'

const dir = mkdtempSync(join(tmpdir(), 'cp-fuses-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A file with @electron/fuses' sentinel and Electron's default wire, as in the real executable. */
function standIn(name: string): string {
  const path = join(dir, name)
  const wire = Buffer.from(electronDefaultWire, 'latin1')
  writeFileSync(
    path,
    Buffer.concat([
      Buffer.from('ELF…'),
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1'),
      Buffer.from([1, wire.length]),
      wire,
      Buffer.from('…rest')
    ])
  )
  return path
}

describe('fuse settings', () => {
  it('are exactly what the issue asks for', () => {
    expect(fuses).toEqual({
      RunAsNode: false,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      // kept on: the renderer's module scripts need it under file:// (file-protocol.e2e.test.ts)
      GrantFileProtocolExtraPrivileges: true
    })
  })

  it('name every fuse @electron/fuses knows, so none is left to chance', () => {
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)))
    expect(Object.keys(fuses).sort()).toEqual(known.sort())
  })

  it('map onto the fuse wire by index, and re-sign only Apple Silicon builds', () => {
    const linux = fuseConfig({ electronPlatformName: 'linux', arch: Arch.x64 }, Arch.arm64)
    expect(linux).toMatchObject({
      version: '1',
      resetAdHocDarwinSignature: false,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: true
    })
    expect(fuseConfig({ electronPlatformName: 'darwin', arch: Arch.arm64 }, Arch.arm64)).toMatchObject({
      resetAdHocDarwinSignature: true
    })
    expect(fuseConfig({ electronPlatformName: 'darwin', arch: Arch.x64 }, Arch.arm64)).toMatchObject({
      resetAdHocDarwinSignature: false
    })
  })
})

describe('the afterPack hook', () => {
  it('flips the fuses in the packaged executable through electron-builder’s packager', async () => {
    const binary = standIn('connect-provisioner')
    const before = readFileSync(binary)
    const calls: FuseConfig[] = []
    const packager = {
      addElectronFuses: async (_context: unknown, config: FuseConfig) => {
        calls.push(config)
        await flipFuses(binary, config)
      }
    }
    await afterPack({ packager, electronPlatformName: 'linux', arch: Arch.x64, appOutDir: dir } as never)
    expect(calls).toHaveLength(1)
    const wire = await getCurrentFuseWire(binary)
    // In the binary a fuse is the character '1' (enabled) or '0' (disabled).
    const on = '1'.charCodeAt(0)
    const off = '0'.charCodeAt(0)
    expect(wire).toMatchObject({
      [FuseV1Options.RunAsNode]: off,
      [FuseV1Options.EnableCookieEncryption]: on,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: off,
      [FuseV1Options.EnableNodeCliInspectArguments]: off,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: on,
      [FuseV1Options.OnlyLoadAppFromAsar]: on,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: off,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: on
    })
    // Only the six fuses that differ from Electron's defaults changed; nothing around the wire did.
    const after = readFileSync(binary)
    expect(after.length).toBe(before.length)
    expect([...after].filter((byte, i) => byte !== before[i]).length).toBe(6)
  })
})

#!/usr/bin/env node
/**
 * Packs the app with electron-builder itself, where Electron's binary cannot be downloaded: the real
 * config (electron-builder.yml), the real file matching and production-dependency walk, the real
 * app.asar and the real afterPack hook, for Linux x64 with the `dir` target (no installer), on top
 * of a STAND-IN Electron: a folder laid out like Electron's Linux zip whose `electron` file is not
 * Electron, only a fuse wire with Electron's defaults, so the fuses the hook flips can be read back.
 *
 * `node scripts/pack-check.mjs` prints the asar's files and size; test/packaging/ checks them.
 * It needs `out/` (run `npx electron-vite build` first).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import asar from '@electron/asar'
import { getCurrentFuseWire } from '@electron/fuses'
import { Arch, Platform, build } from 'electron-builder'

export const root = resolve(import.meta.dirname, '..')

/** The marker @electron/fuses looks for, then wire version 1, then one byte per fuse. */
const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/**
 * Electron's default fuse wire as documented: RunAsNode on, CookieEncryption off, NodeOptions on,
 * NodeCliInspect on, AsarIntegrity off, OnlyLoadAppFromAsar off, BrowserV8Snapshot off,
 * GrantFileProtocolExtraPrivileges on ('1' = enabled, '0' = disabled).
 */
export const electronDefaultWire = '10110001'

/** A folder shaped like electron-v*-linux-x64.zip unpacked, with a stand-in `electron` executable. */
function standInElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  const wire = Buffer.from(electronDefaultWire, 'latin1')
  const body = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in for Electron: fuses only" >&2\nexit 1\n'),
    Buffer.from(sentinel, 'latin1'),
    Buffer.from([1, wire.length]),
    wire,
    Buffer.from('\n')
  ])
  writeFileSync(join(dir, 'electron'), body, { mode: 0o755 })
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n')
  writeFileSync(join(dir, 'LICENSES.chromium.html'), 'stand-in\n')
  writeFileSync(
    join(dir, 'version'),
    JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
  )
}

/**
 * Runs electron-builder (`--linux dir --x64`) into a temporary folder and describes the result.
 * @returns {Promise<{ dir: string, appOutDir: string, asarPath: string, files: { path: string, size: number }[], asarBytes: number, fuses: Record<number, number>, cleanup: () => void }>}
 */
export async function packForCheck() {
  statSync(join(root, 'out/main/index.js')) // fails early, clearly, when the app is not built
  const dir = mkdtempSync(join(tmpdir(), 'cp-pack-check-'))
  const electronDist = join(dir, 'electron-dist')
  standInElectron(electronDist)
  const output = join(dir, 'dist')
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { electronDist, directories: { output } }
  })
  const appOutDir = join(output, 'linux-unpacked')
  const asarPath = join(appOutDir, 'resources', 'app.asar')
  const files = asar
    .listPackage(asarPath, { isPack: false })
    .map((entry) => entry.replace(/^[\\/]/, '').replaceAll('\\', '/'))
    .flatMap((path) => {
      const stat = asar.statFile(asarPath, path, false)
      return 'size' in stat && !('files' in stat) ? [{ path, size: stat.size }] : []
    })
  return {
    dir,
    appOutDir,
    asarPath,
    files,
    asarBytes: statSync(asarPath).size,
    fuses: await getCurrentFuseWire(join(appOutDir, 'connect-provisioner')),
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const result = await packForCheck()
  const top = new Map()
  for (const { path, size } of result.files) {
    const key = path.startsWith('node_modules/')
      ? path
          .split('/')
          .slice(0, path.split('/')[1].startsWith('@') ? 3 : 2)
          .join('/')
      : path.split('/').slice(0, 2).join('/')
    top.set(key, (top.get(key) ?? 0) + size)
  }
  for (const [key, size] of [...top].sort((a, b) => b[1] - a[1]))
    console.log(`${(size / 1024).toFixed(0).padStart(8)} KiB  ${key}`)
  console.log(`app.asar: ${result.files.length} files, ${(result.asarBytes / 1048576).toFixed(2)} MiB`)
  console.log('fuse wire:', JSON.stringify(result.fuses))
  result.cleanup()
}

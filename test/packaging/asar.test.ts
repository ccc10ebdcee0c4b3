/**
 * app.asar as electron-builder really packs it (scripts/pack-check.mjs: the real config, file
 * matching, dependency walk and afterPack hook, on a stand-in Electron): only the built app and the
 * production dependencies, within budget, complete enough to run, with the fuses flipped.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import asar from '@electron/asar'
import { FuseV1Options } from '@electron/fuses'
import { fuses } from '../../scripts/fuses.mjs'
import { packForCheck } from '../../scripts/pack-check.mjs'

/** What app.asar may weigh: about 10.3 MiB and 2,300 files when this was written. */
const budget = { bytes: 6 * 1024 * 1024, files: 900 }

const root = resolve(import.meta.dirname, '../..')
type Packed = Awaited<ReturnType<typeof packForCheck>>
let packed: Packed

beforeAll(async () => {
  packed = await packForCheck()
}, 180_000)
afterAll(() => packed?.cleanup())

/** The npm packages the built main process and preload import by name (not node: built-ins). */
function importedPackages(): string[] {
  const names = new Set<string>()
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.(m?js|cjs)$/.test(entry.name)) {
        const code = readFileSync(path, 'utf8')
        for (const match of code.matchAll(
          /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g
        )) {
          const specifier = match[1]!
          if (specifier.startsWith('node:')) continue
          const parts = specifier.split('/')
          names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!)
        }
      }
    }
  }
  walk(join(root, 'out/main'))
  walk(join(root, 'out/preload'))
  return [...names].sort()
}

describe('app.asar', () => {
  it('holds only out/ (no source maps, no icons for installers), package.json and node_modules', () => {
    const paths = packed.files.map((file) => file.path)
    const outside = paths.filter(
      (path) => !path.startsWith('out/') && !path.startsWith('node_modules/') && path !== 'package.json'
    )
    expect(outside).toEqual([])
    expect(paths.filter((path) => /\.map$/.test(path))).toEqual([])
    expect(paths.filter((path) => /^(src|test|docs|bench|resources|scripts|bin)\//.test(path))).toEqual([])
    expect(paths.filter((path) => path.startsWith('out/renderer/icons/'))).toEqual([])
    expect(paths).toEqual(
      expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'])
    )
  })

  it('carries production dependencies only, without their docs or TypeScript', () => {
    // npm's own answer to "what does `npm ci --omit=dev` install": every package in app.asar is one.
    const production = new Set(
      execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
        .split('\n')
        .map((line) => /node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(line.trim())?.[1])
        .filter((name): name is string => name !== undefined)
    )
    const inAsar = new Set(
      packed.files
        .map((file) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file.path)?.[1])
        .filter((name): name is string => name !== undefined)
    )
    expect([...inAsar].filter((name) => !production.has(name))).toEqual([])
    expect(inAsar.has('electron')).toBe(false)
    expect(inAsar.has('electron-builder')).toBe(false)
    const paths = packed.files.map((file) => file.path)
    expect(paths.filter((path) => /\.(md|markdown|ts|mts|cts)$/i.test(path))).toEqual([])
  })

  it('stays within its budget', () => {
    const summary = `${packed.files.length} files, ${(packed.asarBytes / 1048576).toFixed(2)} MiB`
    console.log(`app.asar: ${summary}`)
    expect(packed.asarBytes, summary).toBeLessThanOrEqual(budget.bytes)
    expect(packed.files.length, summary).toBeLessThanOrEqual(budget.files)
  })

  it('has every package the built main process imports, and they load from the asar alone', () => {
    // Electron provides itself; SigV4a (multi-Region access points, unused by Connect) is an optional
    // import the bundled SDK tries only when asked to sign that way.
    const optional = new Set(['electron', '@aws-sdk/signature-v4a', '@aws-sdk/signature-v4-crt'])
    const imported = importedPackages().filter((name) => !optional.has(name))
    // The AWS SDK and zod are bundled into out/main (fewer files to load per CLI process).
    expect(imported).toEqual(expect.arrayContaining(['electron-store', 'proxy-agent', 'commander']))
    expect(imported).not.toContain('@aws-sdk/client-connect')
    const paths = new Set(packed.files.map((file) => file.path))
    expect(imported.filter((name) => !paths.has(`node_modules/${name}/package.json`))).toEqual([])

    // Unpack, then load each one with plain Node from inside the unpacked tree, so nothing resolves
    // to this checkout's node_modules (electron-store needs Electron itself, so it is only found),
    // and run the CLI bundle the asar carries.
    const unpacked = join(packed.dir, 'unpacked')
    asar.extractAll(packed.asarPath, unpacked)
    const probe = join(unpacked, 'out/main/probe-imports.mjs')
    writeFileSync(
      probe,
      `const failed = []
for (const name of ${JSON.stringify(imported)}) {
  try {
    if (name === 'electron-store') import.meta.resolve(name)
    else await import(name)
  } catch (error) { failed.push(name + ': ' + error.message) }
}
const lines = []
const { runCli } = await import('./cli.js')
const code = await runCli(['--help'], { out: (l) => lines.push(l), err: (l) => lines.push(l) })
console.log(JSON.stringify({ failed, code, help: lines.join('\\n') }))`
    )
    const env = { ...process.env, NODE_PATH: '', CONNECT_PROVISIONER_HOME: join(packed.dir, 'home') }
    const result = JSON.parse(
      execFileSync(process.execPath, [probe], { cwd: unpacked, env, encoding: 'utf8' })
    )
    expect(result).toMatchObject({ failed: [], code: 0 })
    expect(result.help).toContain('connect-provisioner')
  })

  it('is packed with the fuses flipped by the afterPack hook', () => {
    const expected = Object.fromEntries(
      Object.entries(fuses).map(([name, on]) => [
        FuseV1Options[name as keyof typeof FuseV1Options],
        (on ? '1' : '0').charCodeAt(0)
      ])
    )
    expect(packed.fuses).toMatchObject(expected)
  })
})

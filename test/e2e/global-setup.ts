/**
 * Runs once before the e2e project: finds the Chromium the suites drive and fails up front, saying
 * how to fix it, when there is none or the built renderer is missing.
 *
 * Chromium is looked for in this order, so `npm install && npm test` needs nothing but Node:
 *   1. CHROMIUM_PATH, when set (it must then be an executable: a typo is an error, not a fallback);
 *   2. a system Chromium or Chrome (Debian's /usr/bin/chromium, chromium-browser, google-chrome, …);
 *   3. the Chromium shipped inside the pinned devDependency @sparticuz/chromium (Linux x64), unpacked
 *      once into node_modules/.cache/ with the libraries and fonts it comes with.
 * CHROMIUM_SOURCE=path|system|npm forces one of them (e.g. to test the npm one where apt's exists).
 */
import { execFile } from 'node:child_process'
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync
} from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, delimiter, dirname, join, resolve } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createBrotliDecompress } from 'node:zlib'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { rendererDir, type ChromiumLaunch } from './harness'

const execFileAsync = promisify(execFile)
const sources = ['path', 'system', 'npm'] as const
type Source = (typeof sources)[number]

const systemNames = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']
const systemPaths = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
]

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** A system Chromium or Chrome: a known location, or one of the usual names on PATH. */
function systemChromium(): string | undefined {
  const onPath = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => systemNames.map((name) => join(dir, name)))
  return [...systemPaths, ...onPath].find(isExecutable)
}

/**
 * Unpacks one of the package's brotli files: a tarball into the folder `target`, else the single file
 * `target`. A tarball is decompressed to a file first: `tar` stops reading at the end-of-archive
 * marker, so a pipe into it can close before the padding is written ("Premature close").
 */
async function unbrotli(archive: string, target: string, tar: boolean): Promise<void> {
  const file = tar ? `${target}.${basename(archive, '.br')}` : target
  await pipeline(
    createReadStream(archive),
    createBrotliDecompress(),
    createWriteStream(file, { mode: 0o755 })
  )
  if (!tar) return
  mkdirSync(target, { recursive: true })
  await execFileAsync('tar', ['-x', '-f', file, '-C', target])
  rmSync(file)
}

/**
 * The Chromium inside @sparticuz/chromium, launched with our own flags (never the package's serverless
 * defaults, which turn web security off): the headless shell, plus the NSS/expat libraries and fonts it
 * ships, since a bare Linux may have neither.
 */
async function npmChromium(): Promise<ChromiumLaunch> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the Chromium from npm (@sparticuz/chromium) is Linux x64 only, and this is ${process.platform} ${process.arch}: ` +
        'install Chrome or Chromium, or point CHROMIUM_PATH at one.'
    )
  }
  let entry: string
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium')
  } catch {
    throw new Error('@sparticuz/chromium is not installed: run `npm install` (it is a devDependency).')
  }
  const packageDir = resolve(dirname(entry), '..')
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string
  }
  const bin = join(packageDir, 'bin')
  const dir = resolve(
    import.meta.dirname,
    `../../node_modules/.cache/connect-provisioner/chromium-${version}`
  )
  const executablePath = join(dir, 'chromium')
  if (!existsSync(executablePath)) {
    // Unpack beside the final folder and rename it into place, so a half-unpacked copy is never used.
    const partial = `${dir}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { recursive: true })
    await Promise.all([
      unbrotli(join(bin, 'chromium.br'), join(partial, 'chromium'), false),
      unbrotli(join(bin, 'al2023.tar.br'), partial, true), // lib/: libnss3, libnspr4, libexpat…
      unbrotli(join(bin, 'fonts.tar.br'), join(partial, 'fonts'), true),
      unbrotli(join(bin, 'swiftshader.tar.br'), partial, true) // libEGL/libGLESv2 beside the binary
    ])
    // The package's fonts.conf names /tmp/fonts; ours names the unpacked fonts and the system's.
    await writeFile(
      join(partial, 'fonts', 'fonts.conf'),
      '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
        `  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
        `  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`
    )
    if (existsSync(executablePath)) {
      rmSync(partial, { recursive: true, force: true }) // another run unpacked it meanwhile: keep that one
    } else {
      rmSync(dir, { recursive: true, force: true }) // a copy without its binary is half-made
      renameSync(partial, dir)
    }
  }
  const libraries = join(dir, 'lib')
  const inherited = process.env['LD_LIBRARY_PATH']
  return {
    source: 'npm',
    executablePath,
    description: `Chromium from @sparticuz/chromium ${version}`,
    env: {
      LD_LIBRARY_PATH: inherited ? `${libraries}${delimiter}${inherited}` : libraries,
      FONTCONFIG_PATH: join(dir, 'fonts')
    }
  }
}

/** The Chromium of `source`, or a failure that says how to get one. */
async function find(source: Source): Promise<ChromiumLaunch | undefined> {
  if (source === 'path') {
    const path = process.env['CHROMIUM_PATH']
    if (!path) return undefined
    if (!isExecutable(path)) throw new Error(`CHROMIUM_PATH is ${path}, which is not an executable file.`)
    return { source, executablePath: path, description: `CHROMIUM_PATH ${path}`, env: {} }
  }
  if (source === 'system') {
    const path = systemChromium()
    return path
      ? { source, executablePath: path, description: `system Chromium ${path}`, env: {} }
      : undefined
  }
  return npmChromium()
}

/** Finds Chromium in the order above, or the one CHROMIUM_SOURCE forces. */
export async function findChromium(): Promise<ChromiumLaunch> {
  const forced = process.env['CHROMIUM_SOURCE']
  if (forced !== undefined && forced !== '' && !sources.includes(forced as Source)) {
    throw new Error(`CHROMIUM_SOURCE is "${forced}"; use one of ${sources.join(', ')}, or leave it unset.`)
  }
  const order: readonly Source[] = forced ? [forced as Source] : sources
  for (const source of order) {
    const found = await find(source)
    if (found) return found
  }
  throw new Error(
    forced === 'path'
      ? 'CHROMIUM_SOURCE=path needs CHROMIUM_PATH set to a Chromium binary.'
      : 'No system Chromium or Chrome was found. Install one (`sudo apt-get install -y chromium`) or set CHROMIUM_PATH.'
  )
}

export default async function setup(project: TestProject): Promise<void> {
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(
      `e2e tests drive the built renderer, and ${rendererDir}/index.html is missing: run \`npm run build\`.`
    )
  }
  let chromium: ChromiumLaunch
  try {
    chromium = await findChromium()
  } catch (error) {
    throw new Error(`e2e tests need Chromium: ${(error as Error).message}`, { cause: error })
  }
  console.log(`e2e: ${chromium.description}`)
  project.provide('chromium', chromium)
}

/**
 * How the e2e suite finds Chromium (test/e2e/global-setup.ts): CHROMIUM_PATH, then a system one,
 * then the one inside the @sparticuz/chromium devDependency, so `npm test` needs nothing but npm.
 */
import { existsSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { findChromium } from '../e2e/global-setup'

afterEach(() => vi.unstubAllEnvs())

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, and refuses one that is not an executable', async () => {
    vi.stubEnv('CHROMIUM_SOURCE', '')
    vi.stubEnv('CHROMIUM_PATH', process.execPath)
    await expect(findChromium()).resolves.toMatchObject({ source: 'path', executablePath: process.execPath })
    vi.stubEnv('CHROMIUM_PATH', '/nowhere/chromium')
    await expect(findChromium()).rejects.toThrow(
      'CHROMIUM_PATH is /nowhere/chromium, which is not an executable'
    )
  })

  it('refuses an unknown CHROMIUM_SOURCE', async () => {
    vi.stubEnv('CHROMIUM_SOURCE', 'apt')
    await expect(findChromium()).rejects.toThrow('use one of path, system, npm')
  })

  it('finds no system browser on an empty PATH, and says how to get one', async () => {
    vi.stubEnv('CHROMIUM_SOURCE', 'system')
    vi.stubEnv('PATH', '')
    const found = await findChromium().catch((error: Error) => error)
    // This machine may have /usr/bin/chromium; a bare one has nothing at the known locations.
    if (found instanceof Error) expect(found.message).toContain('sudo apt-get install -y chromium')
    else expect(found.source).toBe('system')
  })

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'unpacks the npm Chromium with the libraries and fonts it ships, launched with them',
    async () => {
      vi.stubEnv('CHROMIUM_SOURCE', 'npm')
      const found = await findChromium()
      expect(found.source).toBe('npm')
      expect(existsSync(found.executablePath)).toBe(true)
      expect(found.executablePath).toMatch(
        /node_modules\/\.cache\/connect-provisioner\/chromium-[\d.]+\/chromium$/
      )
      const dir = found.executablePath.replace(/\/chromium$/, '')
      expect(found.env['LD_LIBRARY_PATH']?.split(':')[0]).toBe(`${dir}/lib`)
      expect(existsSync(`${dir}/lib/libnss3.so`)).toBe(true)
      expect(existsSync(`${found.env['FONTCONFIG_PATH']}/fonts.conf`)).toBe(true)
    },
    120_000
  )
})

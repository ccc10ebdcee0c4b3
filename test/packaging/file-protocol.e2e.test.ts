/**
 * Why the GrantFileProtocolExtraPrivileges fuse stays on (scripts/fuses.mjs). With the fuse off,
 * Electron treats file:// as a browser does; Chromium is a browser, so it shows what the packaged
 * app would do: the renderer, loaded from file:// as it is in the app (src/main/window.ts), loses
 * its module script and stylesheet to CORS and the window stays blank. If this test ever fails, the
 * renderer no longer needs the fuse: turn it off in scripts/fuses.mjs and in fuses.test.ts.
 */
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, rendererDir } from '../e2e/harness'

let browser: Browser
beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(() => browser?.close())

describe('the built renderer under browser-standard file:// rules', () => {
  it('does not start: its crossorigin module script and stylesheet are blocked', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    await page.goto(pathToFileURL(join(rendererDir, 'index.html')).href)
    await expect.poll(() => errors.filter((e) => /blocked by CORS policy/.test(e)).length).toBe(2)
    expect(await page.locator('#app').innerHTML()).toBe('')
    await page.close()
  })
})

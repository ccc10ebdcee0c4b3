import { existsSync } from 'node:fs'
import { chromiumPath, rendererDir } from './harness'

/** Fails the e2e run up front, saying how to fix it, when Chromium or the built renderer is missing. */
export default function setup(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `e2e tests need Debian's Chromium at ${chromiumPath} (none there). Install it with ` +
        '`sudo apt-get update && sudo apt-get install -y chromium`, or point CHROMIUM_PATH at a Chromium binary.'
    )
  }
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(
      `e2e tests drive the built renderer, and ${rendererDir}/index.html is missing: run \`npm run build\`.`
    )
  }
}

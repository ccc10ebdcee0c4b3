#!/usr/bin/env node
// The CLI entry npm links as `connect-provisioner`. The CLI itself is built with the app (npm run build).
import { existsSync } from 'node:fs'

const cli = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write('connect-provisioner: out/main/cli.js is missing; run `npm run build` first.\n')
  process.exit(1)
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// Output piped into `head` and the like: a closed pipe ends the output, it is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})
const { runCli } = await import(cli.href)
process.exitCode = await runCli(process.argv.slice(2))

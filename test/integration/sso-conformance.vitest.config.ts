/**
 * Runs sso-aws-clients.conformance.ts (AWS's own CLI and boto3 against the Sandbox's Identity Center)
 * on its own, until vitest.config.ts's `conformance` project lists it.
 */
import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    environment: 'node',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    alias: { electron: fileURLToPath(new URL('../fakes/electron.ts', import.meta.url)) },
    include: ['test/integration/sso-aws-clients.conformance.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})

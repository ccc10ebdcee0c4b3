import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Benchmarks run through vitest only to load TypeScript; they measure, they do not assert timings.
// Like the tests, they never load Electron's binary: `electron` is the test fake (bench/bulk-table runs
// the app's services with electron-store behind it).
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    alias: { electron: fileURLToPath(new URL('../test/fakes/electron.ts', import.meta.url)) },
    server: { deps: { inline: ['electron-store'] } }
  }
})

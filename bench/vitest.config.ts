import { defineConfig } from 'vitest/config'

// Benchmarks run through vitest only to load TypeScript; they measure, they do not assert timings.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
  }
})

import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'
import { fileURLToPath } from 'node:url'

// Tests never load Electron's binary: every import of `electron` (ours and electron-store's) resolves
// to a small fake that records what the code asked for.
const fakeElectron = fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url))
const nodeSide = {
  environment: 'node' as const,
  alias: { electron: fakeElectron },
  server: { deps: { inline: ['electron-store'] } }
}

export default defineConfig({
  plugins: [svelte()],
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          ...nodeSide,
          name: 'node',
          // Tests take well under a second each; the margin is for a loaded 2-core CI machine.
          testTimeout: 30_000,
          hookTimeout: 30_000,
          include: [
            'test/unit/**/*.test.ts',
            'test/main/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/reliability/**/*.test.ts'
          ]
        }
      },
      {
        extends: true,
        plugins: [svelteTesting()],
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.ts'],
          setupFiles: ['test/renderer/setup.ts']
        }
      },
      {
        extends: true,
        test: {
          ...nodeSide,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false
        }
      }
    ]
  }
})

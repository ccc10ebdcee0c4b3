import { configDefaults, defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { svelteTesting } from '@testing-library/svelte/vite'
import { fileURLToPath } from 'node:url'

// Tests never load Electron's binary: every import of `electron` (ours and electron-store's) resolves
// to a small fake that records what the code asked for.
const fakeElectron = fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url))
/** Suites that run AWS's own tools (the AWS CLI, boto3): the `conformance` project only. */
const conformance = [
  'test/integration/sandbox-aws-clients.test.ts',
  'test/integration/sso-aws-clients.conformance.ts'
]
/** Packaging checks that need Chromium: the `e2e` project runs them. */
const browserSide = ['test/packaging/**/*.e2e.test.ts']
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
            'test/reliability/**/*.test.ts',
            'test/packaging/**/*.test.ts'
          ],
          exclude: [...configDefaults.exclude, ...conformance, ...browserSide]
        }
      },
      {
        // AWS's own clients against the Sandbox: `npm run test:conformance`, not `npm test`, since
        // they need the AWS CLI and boto3 (a missing one fails the run with its install command).
        extends: true,
        test: {
          ...nodeSide,
          name: 'conformance',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          include: [...conformance]
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
          include: ['test/e2e/**/*.test.ts', ...browserSide],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          fileParallelism: false
        }
      }
    ]
  }
})

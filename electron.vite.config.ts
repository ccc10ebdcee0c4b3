import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { resolve } from 'node:path'

// main     -> out/main/index.js (the app) and out/main/cli.js (the CLI), ESM; "dependencies" stay external,
//             devDependencies are bundled: the AWS SDK and zod are devDependencies so a CLI process loads a
//             few bundled files instead of resolving hundreds in node_modules (start-up is quota time)
// preload  -> out/preload/index.cjs  CommonJS and fully bundled: a sandboxed preload cannot load ESM or npm deps
// renderer -> out/renderer/index.html + assets with relative URLs, loaded from file://; resources/ is its public dir
export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          cli: resolve(import.meta.dirname, 'src/main/cli.ts')
        }
      }
    }
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs' } }
    }
  },
  renderer: {
    publicDir: resolve(import.meta.dirname, 'resources'),
    // electron-vite leaves every bundle unminified; the renderer is minified so the window parses less.
    build: { minify: true },
    plugins: [svelte()]
  }
})

import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { resolve } from 'node:path'

// main     -> out/main/index.js   ESM; "dependencies" stay external (build.externalizeDeps defaults to true)
// preload  -> out/preload/index.cjs  CommonJS and fully bundled: a sandboxed preload cannot load ESM or npm deps
// renderer -> out/renderer/index.html + assets with relative URLs, loaded from file://; resources/ is its public dir
export default defineConfig({
  main: {},
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: { output: { format: 'cjs' } }
    }
  },
  renderer: {
    publicDir: resolve(import.meta.dirname, 'resources'),
    plugins: [svelte()]
  }
})

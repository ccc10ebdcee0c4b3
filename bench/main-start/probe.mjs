// Starts the built main process (out/main/index.js) under plain Node with the Electron stand-in, and
// prints how long it took from this process's start to the import, the BrowserWindow and its loadURL.
import { register } from 'node:module'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

const stub = pathToFileURL(join(import.meta.dirname, 'electron-stub.mjs')).href
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(specifier, context, next) {
      if (specifier === 'electron') return { url: ${JSON.stringify(stub)}, shortCircuit: true }
      return next(specifier, context)
    }`
  )}`
)
const index = pathToFileURL(join(process.argv[2], 'out/main/index.js')).href
const before = performance.now()
await import(index)
const imported = performance.now()
for (let i = 0; i < 200 && globalThis.__loadUrlAt === undefined; i++)
  await new Promise((r) => setTimeout(r, 5))
process.stdout.write(
  JSON.stringify({
    processToImport: before,
    importMs: imported - before,
    windowAt: globalThis.__browserWindowAt,
    loadUrlAt: globalThis.__loadUrlAt
  })
)
process.exit(0)

// A stand-in for Electron's main-process API, just enough for out/main/index.js to start and open its
// window under plain Node: every member not written out below is a function that does nothing.
import { EventEmitter } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const userData = mkdtempSync(join(tmpdir(), 'cp-main-start-'))
const noop = () => undefined
/** An object whose unknown members are no-op functions (or this same kind of object, when read deeper). */
const lenient = (base = {}) =>
  new Proxy(base, { get: (target, key) => (key in target ? target[key] : key === 'then' ? undefined : noop) })

export const app = lenient(
  Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    enableSandbox: noop,
    getPath: () => userData,
    getName: () => 'Connect Provisioner',
    getVersion: () => '0.0.0-bench',
    getAppPath: () => process.cwd(),
    isPackaged: false
  })
)
export const ipcMain = lenient(new EventEmitter())
const webRequest = lenient({})
export const session = { defaultSession: lenient(Object.assign(new EventEmitter(), { webRequest })) }
export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super()
    this.options = options
    this.webContents = lenient(Object.assign(new EventEmitter(), { session: session.defaultSession }))
    globalThis.__browserWindowAt = performance.now()
  }
  loadURL() {
    globalThis.__loadUrlAt = performance.now()
    return Promise.resolve()
  }
  loadFile() {
    return this.loadURL()
  }
  isDestroyed() {
    return false
  }
  isMinimized() {
    return false
  }
}
for (const method of ['show', 'focus', 'restore', 'setMenu', 'removeMenu', 'once', 'getNormalBounds'])
  BrowserWindow.prototype[method] ??= noop
export const shell = lenient({})
export const dialog = lenient({})
export const clipboard = lenient({})
export const nativeTheme = lenient(Object.assign(new EventEmitter(), { shouldUseDarkColors: false }))
export const safeStorage = lenient({
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text'
})
export const protocol = lenient({})
export const Menu = lenient({})
export default {
  app,
  ipcMain,
  session,
  BrowserWindow,
  shell,
  dialog,
  clipboard,
  nativeTheme,
  safeStorage,
  protocol,
  Menu
}

/**
 * A small fake of the `electron` module for tests under plain Node, where Electron's binary cannot
 * exist. It records what the code under test asked for (window options, handlers, sent events) so
 * tests can assert it, and lets tests fire the events Electron would. vitest aliases `electron` here.
 */
import { EventEmitter } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type Listener = (...args: unknown[]) => void

/** A minimal WebFrameMain. */
export class FakeFrame {
  constructor(
    public processId: number,
    public routingId: number,
    public url: string
  ) {}
}

let nextProcessId = 1

/** A WebContents that records handlers and sent messages, and can emit events. */
export class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame
  readonly sent: Array<{ channel: string; payload: unknown }> = []
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined
  constructor() {
    super()
    this.mainFrame = new FakeFrame(nextProcessId++, 1, '')
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
  }
  /** Emits `name` with a preventable event and reports whether a listener prevented it. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args)
    return prevented
  }
}

/** Every BrowserWindow created, in order. */
export const createdWindows: FakeBrowserWindow[] = []

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents()
  loadedUrl: string | undefined
  destroyed = false
  constructor(public readonly options: Record<string, unknown>) {
    super()
    createdWindows.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url
    this.webContents.mainFrame.url = url
    return Promise.resolve()
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMinimized(): boolean {
    return false
  }
  show(): void {}
  static getAllWindows(): FakeBrowserWindow[] {
    return createdWindows.filter((w) => !w.destroyed)
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown

/** ipcMain: records handlers; `invoke` calls one as Electron would. */
export const ipcMain = Object.assign(new EventEmitter(), {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  },
  invoke(channel: string, event: unknown, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`))
    return Promise.resolve(handler(event, payload))
  }
})

/** A session that records the handlers it is given. */
export class FakeSession {
  permissionRequestHandler: Listener | undefined
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined
  devicePermissionHandler: ((...args: unknown[]) => boolean) | undefined
  beforeRequest: ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void) | undefined
  readonly webRequest = {
    onBeforeRequest: (listener: FakeSession['beforeRequest']): void => {
      this.beforeRequest = listener
    }
  }
  setPermissionRequestHandler(handler: Listener): void {
    this.permissionRequestHandler = handler
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler
  }
  setDevicePermissionHandler(handler: (...args: unknown[]) => boolean): void {
    this.devicePermissionHandler = handler
  }
}

export const session = { defaultSession: new FakeSession() }

/** shell: records every URL the app asked to open externally. */
export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    this.opened.push(url)
    return Promise.resolve()
  }
}

export const nativeTheme = { shouldUseDarkColors: false }

export const app = Object.assign(new EventEmitter(), {
  /** A throw-away folder; tests pass their own folders wherever the code takes one. */
  getPath: (): string => join(tmpdir(), `fake-electron-${process.pid}`),
  getVersion: (): string => '0.0.0-test',
  getName: (): string => 'Connect Provisioner'
})

/** contextBridge: keeps what the preload exposed, for tests to call. */
export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld(key: string, value: unknown): void {
    this.exposed[key] = value
  }
}

/** ipcRenderer: records invokes, answers with `reply`, and delivers events sent with `emit`. */
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as Array<{ channel: string; payload: unknown }>,
  reply: (channel: string, payload: unknown): unknown => ({ ok: true, value: { channel, payload } }),
  invoke(channel: string, payload: unknown): Promise<unknown> {
    this.invoked.push({ channel, payload })
    return Promise.resolve(this.reply(channel, payload))
  }
})

/** safeStorage: a reversible scramble; tests choose whether the OS can encrypt and the Linux backend. */
export const safeStorage = {
  available: true,
  backend: 'gnome_libsecret',
  isEncryptionAvailable(): boolean {
    return this.available
  },
  getSelectedStorageBackend(): string {
    return this.backend
  },
  encryptString: (plain: string): Buffer => Buffer.from(Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)),
  decryptString: (sealed: Buffer): string => Buffer.from(sealed.map((b) => b ^ 0x5a)).toString('utf8')
}

export const BrowserWindow = FakeBrowserWindow

const electron = {
  app,
  BrowserWindow,
  contextBridge,
  ipcMain,
  ipcRenderer,
  nativeTheme,
  safeStorage,
  session,
  shell
}
export default electron

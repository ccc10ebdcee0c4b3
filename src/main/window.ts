/**
 * Security contract: the one BrowserWindow and every item of Electron's security checklist live here.
 * The renderer is sandboxed and isolated, loads only the app's own files, cannot navigate, open
 * windows, attach webviews, request permissions or fetch remote content; links open externally only
 * for an allow-list of https AWS documentation and console hosts.
 */
import { BrowserWindow, nativeTheme, shell, type Rectangle, type Session, type WebContents } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Hosts (and their subdomains) that `shell.openExternal` may open, https only. */
export const externalHostAllowList = [
  'docs.aws.amazon.com',
  'console.aws.amazon.com',
  'aws.amazon.com',
  'my.connect.aws'
] as const

/** True for an https URL on an allow-listed host or one of its subdomains. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false
  return externalHostAllowList.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`))
}

/** The URL the renderer is loaded from: the dev server under `electron-vite dev`, else the built file. */
export function rendererUrl(): string {
  return (
    process.env['ELECTRON_RENDERER_URL'] ??
    pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href
  )
}

/** Denies every permission request and check, and cancels any request for remote content. */
export function hardenSession(session: Session, appUrl: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  const app = new URL(appUrl)
  // Under `electron-vite dev` the renderer comes from a local dev server, whose hot reload uses a
  // WebSocket on the same host; the packaged app loads only file:// URLs.
  const devServer = app.protocol === 'http:' || app.protocol === 'https:'
  session.webRequest.onBeforeRequest((details, callback) => {
    const url = new URL(details.url)
    const local =
      url.protocol === 'file:' ||
      url.protocol === 'devtools:' ||
      url.origin === app.origin ||
      (devServer && (url.protocol === 'ws:' || url.protocol === 'wss:') && url.host === app.host)
    callback({ cancel: !local })
  })
}

/** Denies navigation, new windows and webviews for one WebContents. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
}

/** Creates the app window with every security option set, at `bounds` when the admin moved it before. */
export function createMainWindow(bounds?: Rectangle): BrowserWindow {
  const window = new BrowserWindow({
    ...(bounds ?? { width: 1200, height: 800 }),
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Connect Provisioner',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick'
    }
  })
  hardenWebContents(window.webContents)
  window.once('ready-to-show', () => window.show())
  void window.loadURL(rendererUrl())
  return window
}

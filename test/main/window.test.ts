import { describe, expect, it } from 'vitest'
import { FakeSession, createdWindows, shell, type FakeBrowserWindow } from '../fakes/electron'
import { createMainWindow, hardenSession, isAllowedExternalUrl, rendererUrl } from '../../src/main/window'

function newWindow(): FakeBrowserWindow {
  createMainWindow()
  const window = createdWindows.at(-1)
  if (!window) throw new Error('createMainWindow did not create a BrowserWindow')
  return window
}

describe('createMainWindow', () => {
  it('sets every security option of the checklist', () => {
    const prefs = newWindow().options['webPreferences'] as Record<string, unknown>
    expect(prefs).toMatchObject({
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
    })
    expect(prefs).not.toHaveProperty('enableBlinkFeatures')
    expect(String(prefs['preload'])).toMatch(/preload[\\/]index\.cjs$/)
  })

  it('loads only the app renderer', () => {
    expect(newWindow().loadedUrl).toBe(rendererUrl())
    expect(rendererUrl()).toMatch(/^file:\/\/.*\/renderer\/index\.html$/)
  })

  it('denies every navigation, redirect and webview', () => {
    const { webContents } = newWindow()
    expect(webContents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true)
    expect(webContents.emitPreventable('will-navigate', rendererUrl())).toBe(true)
    expect(webContents.emitPreventable('will-redirect', 'https://evil.example/')).toBe(true)
    expect(webContents.emitPreventable('will-attach-webview', {}, {})).toBe(true)
  })

  it('denies new windows and opens only allow-listed https AWS hosts externally', () => {
    const { webContents } = newWindow()
    const open = webContents.windowOpenHandler
    if (!open) throw new Error('no window open handler was set')
    shell.opened.length = 0
    for (const url of [
      'https://docs.aws.amazon.com/connect/latest/adminguide/user-management.html',
      'https://evil.example/',
      'http://docs.aws.amazon.com/insecure',
      'file:///etc/passwd'
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' })
    }
    expect(shell.opened).toEqual([
      'https://docs.aws.amazon.com/connect/latest/adminguide/user-management.html'
    ])
  })
})

describe('isAllowedExternalUrl', () => {
  it.each([
    ['https://docs.aws.amazon.com/connect/', true],
    ['https://eu-west-2.console.aws.amazon.com/connect/v2/app', true],
    ['https://my-alias.my.connect.aws/users', true],
    ['https://docs.aws.amazon.com.evil.example/', false],
    ['https://evil-docs.aws.amazon.com.example/', false],
    ['https://user:pass@docs.aws.amazon.com/', false],
    ['http://docs.aws.amazon.com/', false],
    ['javascript:alert(1)', false],
    ['not a url', false]
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed)
  })
})

describe('hardenSession', () => {
  it('denies every permission and cancels remote requests', () => {
    const session = new FakeSession()
    const appUrl = rendererUrl()
    hardenSession(session as never, appUrl)
    const answers: boolean[] = []
    session.permissionRequestHandler?.({}, 'media', (granted: boolean) => answers.push(granted))
    session.permissionRequestHandler?.({}, 'notifications', (granted: boolean) => answers.push(granted))
    expect(answers).toEqual([false, false])
    expect(session.permissionCheckHandler?.({}, 'clipboard-read')).toBe(false)
    expect(session.devicePermissionHandler?.({})).toBe(false)
    const cancelled = (url: string): boolean => {
      let cancel: boolean | undefined
      session.beforeRequest?.({ url }, (r) => (cancel = r.cancel))
      if (cancel === undefined) throw new Error('onBeforeRequest did not answer')
      return cancel
    }
    expect(cancelled(appUrl)).toBe(false)
    expect(cancelled('https://cdn.example.com/font.woff2')).toBe(true)
    expect(cancelled('http://169.254.169.254/latest/meta-data')).toBe(true)
    expect(cancelled('ws://127.0.0.1:5173/')).toBe(true)
  })

  it('lets the dev server and its hot-reload socket through, and nothing else, under electron-vite dev', () => {
    const session = new FakeSession()
    hardenSession(session as never, 'http://localhost:5173/')
    const cancelled = (url: string): boolean | undefined => {
      let cancel: boolean | undefined
      session.beforeRequest?.({ url }, (r) => (cancel = r.cancel))
      return cancel
    }
    expect(cancelled('http://localhost:5173/src/main.ts')).toBe(false)
    expect(cancelled('ws://localhost:5173/')).toBe(false)
    expect(cancelled('ws://evil.example:5173/')).toBe(true)
    expect(cancelled('https://cdn.example.com/x.js')).toBe(true)
  })
})

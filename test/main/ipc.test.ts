import { describe, expect, it } from 'vitest'
import { FakeFrame, FakeWebContents, createdWindows, ipcMain } from '../fakes/electron'
import { createMainWindow, rendererUrl } from '../../src/main/window'
import { isFromAppWindow, registerIpc } from '../../src/main/ipc/register'
import { dispatch, type Handlers } from '../../src/main/ipc/dispatch'
import { invokeChannels, type AppInfo } from '../../src/shared/ipc-contract'
import { AppError } from '../../src/shared/result'

const info: AppInfo = {
  name: 'Connect Provisioner',
  version: '1.2.3',
  platform: 'linux',
  userDataPath: '/tmp/x',
  notices: [],
  versions: { electron: '45', chrome: '152', node: '24' }
}
/** Handlers for every channel; the ones a test does not name fail loudly if called. */
function handlersWith(overrides: Partial<Handlers>): Handlers {
  const unused = Object.fromEntries(
    invokeChannels.map((channel) => [channel, () => Promise.reject(new Error(`${channel} was not expected`))])
  ) as unknown as Handlers
  return { ...unused, ...overrides }
}

const handlers = handlersWith({ 'app:info': () => info })

describe('dispatch', () => {
  it('answers a valid request with its value', async () => {
    expect(await dispatch(handlers, 'app:info', undefined)).toEqual({ ok: true, value: info })
  })

  it('refuses a malformed payload before the handler runs', async () => {
    let ran = false
    const spy = handlersWith({ 'app:info': () => ((ran = true), info) })
    const result = await dispatch(spy, 'app:info', { sneaky: true })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(ran).toBe(false)
  })

  it('refuses a channel outside the contract, including prototype names', async () => {
    for (const channel of ['fs:read', 'constructor', '__proto__', 'toString']) {
      expect(await dispatch(handlers, channel, undefined)).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL' }
      })
    }
  })

  it('turns an AppError into its envelope and anything else into INTERNAL', async () => {
    const failing = handlersWith({
      'app:info': () => {
        throw new AppError('INVALID_REQUEST', 'Pick an instance first.', { field: 'instanceId' })
      }
    })
    expect(await dispatch(failing, 'app:info', undefined)).toEqual({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: 'Pick an instance first.', details: { field: 'instanceId' } }
    })
    const crashing = handlersWith({
      'app:info': () => {
        throw new TypeError('boom')
      }
    })
    expect(await dispatch(crashing, 'app:info', undefined)).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Unexpected failure in app:info: boom' }
    })
  })
})

describe('registerIpc with the sender check', () => {
  createMainWindow()
  const window = createdWindows.at(-1)
  if (!window) throw new Error('no window')
  const url = rendererUrl()
  ipcMain.handlers.clear()
  registerIpc(ipcMain as never, handlers, (event) => isFromAppWindow(event as never, window as never, url))

  const eventFrom = (sender: FakeWebContents, frame: FakeFrame | null): unknown => ({
    sender,
    senderFrame: frame
  })

  it('registers exactly the contract channels', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...invokeChannels].sort())
  })

  it('answers the app window main frame', async () => {
    const event = eventFrom(window.webContents, window.webContents.mainFrame)
    expect(await ipcMain.invoke('app:info', event, undefined)).toEqual({ ok: true, value: info })
  })

  it('refuses a foreign WebContents, a subframe, a navigated frame and a missing frame', async () => {
    const main = window.webContents.mainFrame
    const foreign = new FakeWebContents()
    const cases = [
      eventFrom(foreign, foreign.mainFrame),
      eventFrom(window.webContents, new FakeFrame(main.processId, main.routingId + 7, url)),
      eventFrom(window.webContents, new FakeFrame(main.processId, main.routingId, 'https://evil.example/')),
      eventFrom(window.webContents, null)
    ]
    for (const event of cases) {
      expect(await ipcMain.invoke('app:info', event, undefined)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER' }
      })
    }
  })

  it('refuses a malformed payload from the trusted window with a typed envelope', async () => {
    const event = eventFrom(window.webContents, window.webContents.mainFrame)
    const result = await ipcMain.invoke('app:info', event, { path: '../../etc' })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
  })

  it('refuses a destroyed window', async () => {
    window.destroyed = true
    const event = eventFrom(window.webContents, window.webContents.mainFrame)
    expect(await ipcMain.invoke('app:info', event, undefined)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' }
    })
    window.destroyed = false
  })
})

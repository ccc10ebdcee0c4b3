/**
 * Security contract: exposes exactly one object, `window.api`, with `invoke` and `on`, each limited to
 * the channels of the IPC contract. No ipcRenderer, no Node, no process.env reaches the page; the
 * IpcRendererEvent (which carries `sender`) is never handed to renderer callbacks.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { WindowApi } from '../shared/api'
import { eventChannels, invokeChannels } from '../shared/ipc-contract'
import type { Result } from '../shared/result'

const allowedInvoke = new Set<string>(invokeChannels)
const allowedEvents = new Set<string>(eventChannels)

const api: WindowApi = {
  invoke: (channel, request) => {
    if (!allowedInvoke.has(channel)) {
      const refused: Result<never> = {
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `No IPC channel named "${String(channel)}".` }
      }
      return Promise.resolve(refused)
    }
    return ipcRenderer.invoke(channel, request)
  },
  on: (channel, listener) => {
    if (!allowedEvents.has(channel)) throw new Error(`No event named "${String(channel)}".`)
    const forward = (_event: Electron.IpcRendererEvent, payload: Parameters<typeof listener>[0]): void =>
      listener(payload)
    ipcRenderer.on(channel, forward)
    return () => {
      ipcRenderer.removeListener(channel, forward)
    }
  }
}

contextBridge.exposeInMainWorld('api', api)

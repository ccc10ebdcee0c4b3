/**
 * Security contract: the only place `ipcMain` is touched. Each contract channel is registered once;
 * a message whose sender is not the app's own top-level frame gets FORBIDDEN_SENDER before its
 * payload is even parsed, and everything else goes through `dispatch` (schema check + envelope).
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron'
import { invokeChannels } from '../../shared/ipc-contract'
import type { Result } from '../../shared/result'
import { dispatch, type Handlers } from './dispatch'

/** True when `event` comes from the main frame of `window`, showing the app's own renderer URL. */
export function isFromAppWindow(
  event: IpcMainInvokeEvent,
  window: BrowserWindow,
  rendererUrl: string
): boolean {
  const frame = event.senderFrame
  if (window.isDestroyed() || event.sender !== window.webContents || !frame) return false
  const main = window.webContents.mainFrame
  const isMainFrame = frame.processId === main.processId && frame.routingId === main.routingId
  return isMainFrame && frame.url.split('#')[0] === rendererUrl
}

/** Registers every contract channel on `ipcMain`, guarded by `isTrusted`. */
export function registerIpc(
  ipcMain: IpcMain,
  handlers: Handlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean
): void {
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrusted(event)) {
        return {
          ok: false,
          error: {
            code: 'FORBIDDEN_SENDER',
            message: `Refused ${channel}: the sender is not the app window.`
          }
        }
      }
      return dispatch(handlers, channel, payload)
    })
  }
}

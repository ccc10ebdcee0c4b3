/** App lifecycle only: harden, open the stores, wire services to IPC, show the window. */
import { app, dialog, ipcMain, session, shell, type BrowserWindow } from 'electron'
import { electronClipboard } from './adapters/clipboard'
import { electronFileDialogs } from './adapters/dialogs'
import { openElectronDocumentStore } from './adapters/document-store'
import { openSettingsStore } from './adapters/settings-store'
import { electronSecretVault } from './adapters/secret-vault'
import { createHandlers } from './handlers'
import { isFromAppWindow, registerIpc } from './ipc/register'
import { createServices, type Services } from './composition'
import { describeRecovery } from './services/store-recovery'
import { createMainWindow, hardenSession, rendererUrl } from './window'
import type { EventChannel, EventContract } from '../shared/ipc-contract'

app.enableSandbox()

if (!app.requestSingleInstanceLock()) app.quit()

let mainWindow: BrowserWindow | undefined
let services: Services | undefined

function send<E extends EventChannel>(channel: E, payload: EventContract[E]): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, payload)
}

function start(): void {
  const url = rendererUrl()
  hardenSession(session.defaultSession, url)
  const userDataPath = app.getPath('userData')
  const { settings, recovery } = openSettingsStore(userDataPath)
  services = createServices({
    name: app.getName(),
    version: app.getVersion(),
    userDataPath,
    settings,
    vault: electronSecretVault,
    openStore: openElectronDocumentStore,
    dialogs: electronFileDialogs(() => mainWindow),
    clipboard: electronClipboard,
    notices: recovery ? [describeRecovery(recovery)] : [],
    emit: send,
    // The service opens only https Identity Center pages (and the local Sandbox's), checked before this.
    sso: { openBrowser: (url) => shell.openExternal(url) }
  })
  registerIpc(ipcMain, createHandlers(services), (event) =>
    mainWindow ? isFromAppWindow(event, mainWindow, url) : false
  )

  mainWindow = createMainWindow(settings.get('windowBounds'))
  mainWindow.on('focus', () => send('app:focused', { at: new Date().toISOString() }))
  let closeConfirmed = false
  mainWindow.on('close', (event) => {
    // Generated passwords live in this process only, and a running batch would stop: ask first.
    const warning = closeConfirmed ? undefined : services?.bulkDesk.closeWarning()
    if (warning && mainWindow) {
      event.preventDefault()
      const window = mainWindow
      void dialog
        .showMessageBox(window, {
          type: 'warning',
          buttons: ['Stay', 'Close anyway'],
          defaultId: 0,
          cancelId: 0,
          message: 'Close Connect Provisioner?',
          detail: warning
        })
        .then(({ response }) => {
          if (response !== 1 || window.isDestroyed()) return
          closeConfirmed = true
          window.close()
        })
      return
    }
    if (mainWindow && !mainWindow.isMinimized()) settings.set('windowBounds', mainWindow.getNormalBounds())
  })
}

app.on('second-instance', () => {
  if (mainWindow?.isMinimized()) mainWindow.restore()
  mainWindow?.focus()
})
app.on('window-all-closed', () => app.quit())
app.on('will-quit', () => void services?.sandbox.stop())
void app.whenReady().then(start)

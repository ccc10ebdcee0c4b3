/**
 * Maps every IPC contract channel to the service method that answers it. No Electron here: the app
 * registers these on ipcMain, and the e2e bridge calls the very same functions.
 */
import type { Handlers } from './ipc/dispatch'
import type { AppInfoService } from './services/app-info-service'

/** The services the handlers delegate to. */
export interface Services {
  appInfo: AppInfoService
}

/** Builds the handler map from the services. */
export function createHandlers(services: Services): Handlers {
  return {
    'app:info': () => services.appInfo.info()
  }
}

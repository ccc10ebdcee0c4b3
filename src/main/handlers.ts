/**
 * Maps every IPC contract channel to the service method that answers it. No Electron here: the app
 * registers these on ipcMain, and the e2e bridge calls the very same functions.
 */
import type { Services } from './composition'
import type { Handlers } from './ipc/dispatch'

/** Builds the handler map from the services. */
export function createHandlers(services: Services): Handlers {
  const { appInfo, accounts, gateway, settings, mfa } = services
  return {
    'app:info': () => appInfo.info(),
    'accounts:list-profiles': () => accounts.list(),
    'accounts:whoami': (request) => gateway.whoami(request),
    'accounts:list-instances': (request) => gateway.listInstances(request),
    'accounts:describe-instance': (request) => gateway.describeInstance(request),
    'accounts:answer-mfa': ({ requestId, code }) => {
      mfa.answer(requestId, code)
      return null
    },
    'accounts:set-label': ({ accountId, label }) => settings.setAccountLabel(accountId, label),
    'accounts:remember': (request) => settings.remember(request),
    'settings:get': () => settings.view(),
    'settings:set-network': (request) => settings.setNetwork(request)
  }
}

/**
 * TEST-ONLY: the real main-process services and handlers, built by the app's own composition root in
 * this Node process, with userData in a temp folder. Events the services emit go to the open page.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openElectronDocumentStore } from '../../src/main/adapters/document-store'
import { openSettingsStore } from '../../src/main/adapters/settings-store'
import { createServices, type Host, type Services } from '../../src/main/composition'
import { createHandlers } from '../../src/main/handlers'
import type { Handlers } from '../../src/main/ipc/dispatch'
import type { EventChannel, EventContract } from '../../src/shared/ipc-contract'

export interface AppUnderTest {
  services: Services
  handlers: Handlers
  userDataPath: string
  /** Everything written to the (fake) system clipboard, in order. */
  clipboard: string[]
  /** What the fake file dialogs answer (a path, or undefined for Cancel). */
  dialogAnswers: { save?: string; open?: string }
  /** Where the services' events go (the bridge sets this to the open page). */
  onEvent(listener: <E extends EventChannel>(channel: E, payload: EventContract[E]) => void): void
  close(): Promise<void>
}

/** What a suite may change in the app's host: e.g. a short retry backoff, the browser SSO sign-ins open. */
export type BackendOptions = Partial<Pick<Host, 'retry' | 'pace' | 'sso'>>

export function appUnderTest(
  env: NodeJS.ProcessEnv = process.env,
  options: BackendOptions = {}
): AppUnderTest {
  const userDataPath = mkdtempSync(join(tmpdir(), 'cp-e2e-userdata-'))
  const { settings } = openSettingsStore(userDataPath)
  let listener: Parameters<AppUnderTest['onEvent']>[0] | undefined
  const dialogAnswers: AppUnderTest['dialogAnswers'] = {}
  const clipboard: string[] = []
  const services = createServices({
    name: 'Connect Provisioner',
    version: '0.1.0',
    userDataPath,
    settings,
    openStore: openElectronDocumentStore,
    clipboard: { write: (text) => void clipboard.push(text), read: () => clipboard.at(-1) ?? '' },
    dialogs: {
      saveFile: (name: string) => Promise.resolve(dialogAnswers.save ?? join(userDataPath, name)),
      openFile: () => Promise.resolve(dialogAnswers.open)
    },
    notices: [],
    env,
    emit: (channel, payload) => listener?.(channel, payload),
    ...options
  })
  return {
    services,
    handlers: createHandlers(services),
    userDataPath,
    dialogAnswers,
    clipboard,
    onEvent: (next) => {
      listener = next
    },
    close: () => services.sandbox.stop()
  }
}

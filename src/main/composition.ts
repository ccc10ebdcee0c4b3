/**
 * The composition root: builds every service from the ports the host provides. The app (index.ts),
 * the e2e bridge and the CLI all start here, so they run the same services.
 */
import type { EventChannel, EventContract } from '../shared/ipc-contract'
import { AccountService } from './services/account-service'
import { AppInfoService } from './services/app-info-service'
import { ConnectGateway } from './services/connect-gateway'
import { MfaBroker, type MfaPrompter } from './services/mfa-broker'
import { ProfileService } from './services/profile-service'
import { SandboxHost } from './services/sandbox-host'
import { SettingsService, type SettingsPort } from './services/settings-service'

/** What the host (app, test, CLI) provides. */
export interface Host {
  name: string
  version: string
  userDataPath: string
  settings: SettingsPort
  /** Start-up notices for the admin (e.g. a settings file moved aside). */
  notices: string[]
  /** Pushes an event to the window; the CLI has none. */
  emit: <E extends EventChannel>(channel: E, payload: EventContract[E]) => void
  /** How MFA codes are asked: the window's dialog by default; the CLI prompts on the terminal. */
  mfaPrompter?: MfaPrompter
  env?: NodeJS.ProcessEnv
}

/** Every service, wired. */
export interface Services {
  appInfo: AppInfoService
  accounts: AccountService
  gateway: ConnectGateway
  settings: SettingsService
  mfa: MfaBroker
  sandbox: SandboxHost
}

export function createServices(host: Host): Services {
  const profiles = new ProfileService(host.env)
  const sandbox = new SandboxHost(host.userDataPath)
  const settings = new SettingsService(host.settings)
  const mfa = new MfaBroker((request) => host.emit('accounts:mfa-requested', request))
  return {
    appInfo: new AppInfoService({
      name: host.name,
      version: host.version,
      userDataPath: host.userDataPath,
      notices: host.notices
    }),
    accounts: new AccountService(profiles, sandbox),
    gateway: new ConnectGateway(profiles, sandbox, () => settings.network(), host.mfaPrompter ?? mfa.prompt),
    settings,
    mfa,
    sandbox
  }
}

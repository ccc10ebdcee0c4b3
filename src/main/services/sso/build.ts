/**
 * IAM Identity Center wired from the app's parts, in one call, so the composition root stays small:
 * the sessions (config, the app's, the Sandbox's), the service, and the account source for
 * `sso:<session>/<account>/<role>` profiles.
 */
import type { RetryPolicy } from '../aws/retry'
import { systemClock } from '../aws/pacing'
import type { ProfileService } from '../profile-service'
import type { SettingsService } from '../settings-service'
import { demoIdentityCenter } from '../../sandbox/sso-seed'
import type { ListenLoopback } from './loopback'
import { SsoSessions, type SandboxPort } from './sessions'
import { SsoAccountSource } from './sso-account-source'
import { SsoService, type SsoClock } from './sso-service'

/** What a host may change of IAM Identity Center (tests: a fake clock, a loopback that fails, small pages). */
export interface SsoHostOptions {
  /** Opens a sign-in page in the system browser (the app: shell.openExternal); without it, pages are only shown. */
  openBrowser?: (url: string) => Promise<void>
  clock?: SsoClock
  listen?: ListenLoopback
  pageSize?: number
}

export interface SsoParts {
  service: SsoService
  sessions: SsoSessions
  source: SsoAccountSource
}

export function buildSso(deps: {
  profiles: ProfileService
  settings: SettingsService
  sandbox: SandboxPort
  dataFolder: string
  env: NodeJS.ProcessEnv
  retry: RetryPolicy
  options?: SsoHostOptions | undefined
}): SsoParts {
  const { options = {} } = deps
  const sessions = new SsoSessions(
    deps.profiles,
    () => deps.settings.sso().sessions,
    deps.env,
    deps.dataFolder,
    deps.sandbox,
    demoIdentityCenter().region
  )
  const service = new SsoService({
    sessions,
    network: () => deps.settings.network(),
    env: deps.env,
    dataFolder: deps.dataFolder,
    retry: { policy: deps.retry, deps: { sleep: systemClock.sleep, random: Math.random } },
    ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.listen ? { listen: options.listen } : {}),
    ...(options.pageSize ? { pageSize: options.pageSize } : {})
  })
  const source = new SsoAccountSource(
    service,
    sessions,
    () => deps.settings.sso().targets,
    () => deps.settings.network(),
    deps.env
  )
  return { service, sessions, source }
}

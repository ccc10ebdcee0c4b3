/**
 * The composition root: builds every service from the ports the host provides. The app (index.ts),
 * the e2e bridge and the CLI all start here, so they run the same services.
 */
import type { EventChannel, EventContract } from '../shared/ipc-contract'
import type { ProfileSummary } from '../shared/accounts'
import { AccountService } from './services/account-service'
import { AppInfoService } from './services/app-info-service'
import { ConnectGateway } from './services/aws/connect-gateway'
import { ClientFactory } from './services/aws/client-factory'
import { ProfileAccountSource } from './services/aws/profile-source'
import { PacerPool, connectDefaultPace, systemClock, type Pace } from './services/aws/pacing'
import { defaultRetryPolicy, type RetryPolicy } from './services/aws/retry'
import { AccountDirectory } from './services/account-directory'
import { withFileLock } from './services/file-lock'
import { MfaBroker, type MfaPrompter } from './services/mfa-broker'
import { ProfileService } from './services/profile-service'
import { SandboxAccountSource, SandboxHost } from './services/sandbox-host'
import { SettingsService, type SettingsPort } from './services/settings-service'
import type { OpenDocumentStore } from './services/document-store'
import { LookupService } from './services/lookup-service'
import { describeRecovery } from './services/store-recovery'
import { TemplateFiles } from './services/template-files'
import { noFileDialogs, type FileDialogs } from './services/files'
import { TemplateService } from './services/template-service'
import { join } from 'node:path'
import { ActivityService } from './services/activity-service'
import { AuditLog } from './services/audit-log'
import { ClipboardService, type ClipboardPort } from './services/clipboard-service'
import { CreateUserService } from './services/create-user-service'
import type { SecretVault } from './services/secret-vault'
import { BulkService } from './services/bulk/bulk-service'
import { BatchJournals } from './services/bulk/journal'
import { BulkDesk } from './services/bulk/bulk-desk'
import { buildSso, type SsoHostOptions } from './services/sso/build'
import { rememberedSsoProfiles } from './services/sso/sso-profiles'
import type { SsoService } from './services/sso/sso-service'

/** What the host (app, test, CLI) provides. */
export interface Host {
  name: string
  version: string
  userDataPath: string
  settings: SettingsPort
  /** Where a proxy password is sealed: the OS keychain in the app; memory only without one. */
  vault?: SecretVault
  /** Opens templates.json and lookups.json in userData (electron-store in the app, conf in the CLI). */
  openStore: OpenDocumentStore
  /** Where the admin picks files to import and export; the CLI takes paths instead. */
  dialogs?: FileDialogs
  /** The system clipboard (the app's); without one, copies go nowhere. */
  clipboard?: ClipboardPort
  /** How every AWS call retries throttling and server errors; tests shorten the backoff. */
  retry?: RetryPolicy
  /** How fast Connect calls go per profile and Region: Connect's default quota (2/s, bursts of 5) unless set. */
  pace?: Pace
  /** Start-up notices for the admin (e.g. a settings file moved aside). */
  notices: string[]
  /** Pushes an event to the window; the CLI has none. */
  emit: <E extends EventChannel>(channel: E, payload: EventContract[E]) => void
  /** How MFA codes are asked: the window's dialog by default; the CLI prompts on the terminal. */
  mfaPrompter?: MfaPrompter
  env?: NodeJS.ProcessEnv
  /** IAM Identity Center: how sign-in pages open (shell.openExternal in the app), and test seams. */
  sso?: SsoHostOptions
}

/** Every service, wired. */
export interface Services {
  appInfo: AppInfoService
  accounts: AccountService
  gateway: ConnectGateway
  /** Caller identities and instances, cached on disk: every AWS call is quota. */
  directory: AccountDirectory
  settings: SettingsService
  mfa: MfaBroker
  sandbox: SandboxHost
  templates: TemplateService
  templateFiles: TemplateFiles
  lookups: LookupService
  createUser: CreateUserService
  activity: ActivityService
  clipboard: ClipboardService
  /** Bulk batches: run, resume, undo, and their history from the journals in batches/. */
  bulk: BulkService
  /** Bulk as the window drives it: picked files, progress events, exports, passwords saved once. */
  bulkDesk: BulkDesk
  /** IAM Identity Center: sign-in, sessions, the accounts and roles they grant (`sso:` profiles). */
  sso: SsoService
}

export function createServices(host: Host): Services {
  const profiles = new ProfileService(host.env)
  const sandbox = new SandboxHost(host.userDataPath)
  const dialogs = host.dialogs ?? noFileDialogs
  const settings = new SettingsService(host.settings, host.vault, dialogs)
  const mfa = new MfaBroker((request) => host.emit('accounts:mfa-requested', request))
  const folder = host.userDataPath
  const env = host.env ?? process.env
  const retryPolicy = host.retry ?? defaultRetryPolicy
  const sso = buildSso({
    profiles,
    settings,
    sandbox,
    dataFolder: folder,
    env,
    retry: retryPolicy,
    options: host.sso
  })
  // Sign-in progress and session changes reach the window (never a token: SsoEvent carries none).
  sso.service.on((event) => host.emit('sso:event', event))
  /** The Sandbox's accounts, then the Identity Center accounts and roles the admin picked before. */
  const builtInAccounts = (): ReturnType<SandboxHost['listed']> => {
    const listed = sandbox.listed()
    let ssoProfiles: ProfileSummary[] = []
    try {
      ssoProfiles = rememberedSsoProfiles(settings.sso().targets, sso.sessions.list().sessions)
    } catch {
      // An unreadable config is reported with the profiles; the remembered roles wait for it.
    }
    return { profiles: [...ssoProfiles, ...listed.profiles], problems: listed.problems }
  }
  const factory: ClientFactory = new ClientFactory(
    [
      new ProfileAccountSource(
        profiles,
        () => settings.network(),
        host.mfaPrompter ?? mfa.prompt,
        env,
        sso.service
      ),
      new SandboxAccountSource(sandbox),
      sso.source
    ],
    new PacerPool(folder, host.pace ?? connectDefaultPace),
    host.retry ?? defaultRetryPolicy,
    { sleep: systemClock.sleep, random: Math.random },
    // Called only once calls are made, after `directory` below exists.
    (target): string | undefined => directory.knownAccountId(target)
  )
  const gateway = new ConnectGateway(factory)
  const directory: AccountDirectory = new AccountDirectory(
    () => host.openStore(folder, 'account-cache'),
    join(folder, 'account-cache.json'),
    gateway,
    (profile) => factory.source(profile).fingerprint(profile)
  )
  const templates = new TemplateService(
    () => host.openStore(folder, 'templates'),
    join(folder, 'templates.json')
  )
  const lookups = new LookupService(
    () => host.openStore(folder, 'lookups'),
    join(folder, 'lookups.json'),
    gateway,
    directory
  )
  const audit = new AuditLog(folder)
  const retry = host.retry ?? defaultRetryPolicy
  const bulk = new BulkService(
    {
      gateway,
      journals: new BatchJournals(folder),
      audit,
      defaultPace: host.pace ?? connectDefaultPace,
      setPace: (target, pace) => factory.setPace(target, pace),
      exclusively: (key, work) => withFileLock(folder, key, work),
      // A row AWS throttled through every retry waits as long as the longest backoff, then goes again.
      retryLaterMs: Math.max(100, retry.maxDelayMs)
    },
    { gateway, directory, lookups, templates }
  )
  const recoveries = [templates.recovery, lookups.recovery, directory.recovery].flatMap((r) =>
    r ? [describeRecovery(r)] : []
  )
  return {
    appInfo: new AppInfoService({
      name: host.name,
      version: host.version,
      userDataPath: folder,
      notices: [...host.notices, ...recoveries]
    }),
    accounts: new AccountService(profiles, builtInAccounts),
    gateway,
    directory,
    settings,
    mfa,
    sandbox,
    templates,
    templateFiles: new TemplateFiles(templates, dialogs),
    lookups,
    createUser: new CreateUserService(
      gateway,
      directory,
      templates,
      lookups,
      audit,
      (key, work) => withFileLock(folder, key, work),
      (retry) => host.emit('users:create-retrying', retry)
    ),
    activity: new ActivityService(audit, dialogs),
    clipboard: new ClipboardService(host.clipboard ?? { write: () => {}, read: () => '' }),
    bulk,
    bulkDesk: new BulkDesk(bulk, {
      dialogs,
      rates: settings,
      defaultPace: host.pace ?? connectDefaultPace,
      emit: (event) => host.emit('bulk:progress', event)
    }),
    sso: sso.service
  }
}

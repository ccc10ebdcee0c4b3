/** The CLI's host for the shared services: its data folder, a terminal MFA prompt, and no window. */
import { spawn } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { version } from '../../../package.json'
import { AppError } from '../../shared/result'
import type { AppSettings, NetworkSettings } from '../../shared/settings'
import type { Services } from '../composition'
import { readDocument } from '../services/document-store'
import { ensurePrivateFolder } from '../services/files'
import { describeRecovery, type StoreRecovery } from '../services/store-recovery'
import { openFileDocumentStore } from './file-store'

/** Where the app keeps its data (Electron's userData), or CONNECT_PROVISIONER_HOME. */
export function dataFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env['CONNECT_PROVISIONER_HOME']) return env['CONNECT_PROVISIONER_HOME']
  const appData =
    process.platform === 'win32'
      ? (env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(homedir(), 'Library', 'Application Support')
        : (env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'))
  return join(appData, 'Connect Provisioner')
}

/** What one CLI run reads and writes; tests pass their own to run the CLI in-process. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  env: NodeJS.ProcessEnv
  /**
   * A secret from standard input: at a terminal, one line typed after `prompt` without echo; from a
   * pipe or file, everything up to its end (a slow pipe included).
   */
  stdin(prompt: string): Promise<string>
  /** Asks one question on the terminal (stderr, so stdout stays clean for --json) and resolves the answer. */
  ask(question: string): Promise<string>
  /**
   * Opens an IAM Identity Center sign-in page in the system browser (only pages the allow-list passes
   * reach it); absent, the page is only printed. Tests pass one that approves the page.
   */
  openUrl?(url: string): Promise<void>
}

/** Opens `url` with the platform's opener (open, xdg-open, the URL handler of Windows), not through a shell. */
export function openWithSystemBrowser(url: string): Promise<void> {
  const [command, args]: [string, string[]] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]]
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true })
    child.once('error', reject)
    child.once('spawn', () => {
      child.unref()
      resolve()
    })
  })
}

/** Reads one line at the terminal without echoing it (stderr shows the prompt only). */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let muted = false
    const output = new Writable({
      write(chunk: Buffer, _encoding, done): void {
        if (!muted) process.stderr.write(chunk)
        done()
      }
    })
    const rl = createInterface({ input: process.stdin, output, terminal: true })
    let answered = false
    rl.question(prompt, (answer) => {
      answered = true
      process.stderr.write('\n')
      resolve(answer)
      rl.close()
    })
    muted = true
    rl.on('close', () => {
      if (!answered) reject(new AppError('INVALID_REQUEST', 'No password was entered.'))
    })
  })
}

/** The real process's streams and environment. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  stdin: async (prompt) => {
    if (process.stdin.isTTY) return readHidden(prompt)
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  openUrl: openWithSystemBrowser,
  ask: (question) =>
    new Promise((resolve, reject) => {
      const rl = createInterface({
        input: process.stdin,
        output: process.stderr,
        terminal: Boolean(process.stdin.isTTY)
      })
      let answered = false
      rl.question(question, (answer) => {
        answered = true
        resolve(answer.trim())
        rl.close()
      })
      rl.on('close', () => {
        if (!answered) reject(new AppError('CREDENTIALS', 'No MFA code was entered (stdin closed).'))
      })
    })
}

/**
 * The proxy and CA file the admin saved in the app's Settings (settings.json, read and never written),
 * so the CLI leaves the workstation the same way. A proxy in the environment wins over the app's. The
 * app's proxy password is sealed by the OS keychain for the app alone, so the CLI says where to give it.
 */
export async function appNetworkSettings(
  folder: string,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void
): Promise<NetworkSettings> {
  const file = join(folder, 'settings.json')
  const ignoring = (why: string): NetworkSettings => {
    warn(`Ignoring the app's ${file} (${why}): using the environment's network settings.`)
    return {}
  }
  let saved: unknown
  try {
    saved = readDocument(file) // the rules of every data file: a BOM is fine, a size limit
  } catch (error) {
    return ignoring((error as Error).message.slice(0, 200))
  }
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved))
    return ignoring(
      `it holds ${saved === null ? 'null' : Array.isArray(saved) ? 'a list' : `a ${typeof saved}`}, not settings`
    )
  const { network, sealedProxyPassword } = saved as { network?: unknown; sealedProxyPassword?: unknown }
  const { networkSettingsSchema, isProxyEnvVariable } = await import('../../shared/settings')
  const parsed = networkSettingsSchema.optional().safeParse(network)
  if (!parsed.success) {
    warn(`Ignoring the network settings in ${file}: they do not match what the app writes.`)
    return {}
  }
  const envHasProxy = Object.keys(env).some((key) => isProxyEnvVariable(key) && env[key])
  const { proxyUrl, caFile } = parsed.data ?? {}
  if (proxyUrl && !envHasProxy && sealedProxyPassword) {
    warn(
      `The app's proxy password is sealed by the OS keychain for the app only: give it to the CLI in HTTPS_PROXY (http://user:password@host:port).`
    )
  }
  return { ...(proxyUrl && !envHasProxy ? { proxyUrl } : {}), ...(caFile ? { caFile } : {}) }
}

/**
 * What the CLI takes from the app's settings.json (read, never written) besides the network: the IAM
 * Identity Center sessions typed into the app and the accounts and roles it remembers (so
 * `--sso-session` names the app's sessions too), and the rates saved for accounts whose quota AWS raised.
 * A part that does not match what the app writes is left out.
 */
export async function appSettings(folder: string): Promise<Pick<AppSettings, 'sso' | 'accountRates'>> {
  let saved: unknown
  try {
    saved = readDocument(join(folder, 'settings.json'))
  } catch {
    return {} // appNetworkSettings has already said why the file is ignored
  }
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return {}
  const { appSettingsSchema } = await import('../../shared/settings')
  const { sso, accountRates } = appSettingsSchema.shape
  const read = saved as Partial<Record<'sso' | 'accountRates', unknown>>
  const ssoParsed = sso.safeParse(read.sso)
  const ratesParsed = accountRates.safeParse(read.accountRates)
  return {
    ...(ssoParsed.success && ssoParsed.data ? { sso: ssoParsed.data } : {}),
    ...(ratesParsed.success && ratesParsed.data ? { accountRates: ratesParsed.data } : {})
  }
}

const opened: Array<{ services: Services; io: CliIo; told: Set<string> }> = []

/** Every data file the services moved aside so far (templates, lookups, account cache, Sandbox state). */
function recoveriesOf(services: Services): string[] {
  const found: Array<StoreRecovery | undefined> = [
    services.templates.recovery,
    services.lookups.recovery,
    services.directory.recovery,
    services.sandbox.recovery
  ]
  return [...services.appInfo.info().notices, ...found.flatMap((r) => (r ? [describeRecovery(r)] : []))]
}

/** Says on stderr what was moved where, once each: the CLI never moves a file aside without a word. */
function tellRecoveries(run: { services: Services; io: CliIo; told: Set<string> }): void {
  for (const notice of recoveriesOf(run.services)) {
    if (run.told.has(notice)) continue
    run.told.add(notice)
    run.io.err(`Warning: ${notice}`)
  }
}

/**
 * Stops what the CLI's services started (an embedded Sandbox for sandbox:* profiles), after saying what
 * was moved aside during the run (a Sandbox state is read only when first used).
 */
export async function closeServices(): Promise<void> {
  const runs = opened.splice(0)
  for (const run of runs) tellRecoveries(run)
  await Promise.all(runs.map(({ services }) => services.sandbox.stop()))
}

/**
 * The services as the CLI runs them, loaded on first use (commands that never need them start fast).
 * Settings live in memory, starting from the app's proxy and CA file; the environment's proxy variables
 * and CA bundles apply as they do in the app. Any data file moved aside on opening is reported on stderr.
 */
export async function cliServices(io: CliIo): Promise<Services> {
  const [{ createServices }, { memorySettings }] = await Promise.all([
    import('../composition'),
    import('../services/settings-service')
  ])
  const folder = dataFolder(io.env)
  try {
    ensurePrivateFolder(folder) // 0700 before anything (the Sandbox's state, the audit log) is written in it
  } catch {
    // A read-only place: commands that only read still work, and writes say why they fail.
  }
  const network = await appNetworkSettings(folder, io.env, io.err)
  const services = createServices({
    name: 'connect-provisioner',
    version,
    userDataPath: folder,
    settings: memorySettings({ network, ...(await appSettings(folder)) }),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    env: io.env,
    mfaPrompter: ({ profile, mfaSerial }) => io.ask(`MFA code for profile ${profile} (${mfaSerial}): `),
    sso: io.openUrl ? { openBrowser: (url) => io.openUrl?.(url) ?? Promise.resolve() } : {}
  })
  const run = { services, io, told: new Set<string>() }
  opened.push(run)
  tellRecoveries(run)
  return services
}

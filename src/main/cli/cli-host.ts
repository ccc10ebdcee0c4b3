/** The CLI's host for the shared services: its data folder, a terminal MFA prompt, and no window. */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { version } from '../../../package.json'
import { AppError } from '../../shared/result'
import { createServices, type Services } from '../composition'
import { openConfDocumentStore } from './conf-store'
import { memorySettings } from '../services/settings-service'

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

/** Reads one line from stdin after printing `question` on stderr (stdout stays clean for --json). */
function ask(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({
      input: process.stdin,
      output: process.stderr,
      terminal: Boolean(process.stdin.isTTY)
    })
    rl.question(question, (answer) => {
      resolve(answer.trim())
      rl.close()
    })
    rl.on('close', () => reject(new AppError('CREDENTIALS', 'No MFA code was entered (stdin closed).')))
  })
}

const opened: Services[] = []

/** Stops what the CLI's services started (an embedded Sandbox for sandbox:* profiles). */
export async function closeServices(): Promise<void> {
  await Promise.all(opened.splice(0).map((services) => services.sandbox.stop()))
}

/** The services as the CLI runs them. Settings live in memory: the proxy and CAs come from the environment. */
export function cliServices(): Services {
  const services = createServices({
    name: 'connect-provisioner',
    version,
    userDataPath: dataFolder(),
    settings: memorySettings(),
    openStore: openConfDocumentStore,
    notices: [],
    emit: () => {},
    mfaPrompter: ({ profile, mfaSerial }) => ask(`MFA code for profile ${profile} (${mfaSerial}): `)
  })
  opened.push(services)
  return services
}

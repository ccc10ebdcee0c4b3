import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ProfileProblem, ProfileSummary } from '../../shared/accounts'
import { sandboxProfiles } from '../sandbox/aws-config'
import { demoSeed } from '../sandbox/demo-seed'
import { loadSeedFile, type SandboxSeed } from '../sandbox/seed'
import type { Sandbox } from '../sandbox/server'
import type { AccountConnection, AccountSource } from './aws/client-factory'
import { describeRecovery, openRecovering, type StoreRecovery } from './store-recovery'

/** The prefix that marks a Sandbox profile; real AWS profiles never go to the Sandbox. */
export const sandboxPrefix = 'sandbox:'

/** A Sandbox account as the app uses it: its keys stay in main, like any credential. */
export interface SandboxAccount {
  summary: ProfileSummary
  credentials: { accessKeyId: string; secretAccessKey: string }
}

/**
 * The app's embedded Sandbox: started on first use on 127.0.0.1 with the demo world, its state kept in
 * userData so what the admin creates survives restarts. A corrupt state file is moved aside.
 */
/** The Sandbox this process talks to: its own server, or one another process runs on the same state. */
export interface RunningSandbox {
  url: string
  /** True when another process runs it. */
  shared: boolean
  /** Stops this process's own server; leaves another process's alone. */
  close(): Promise<void>
}

export class SandboxHost {
  private running: Promise<RunningSandbox> | undefined
  private seed: SandboxSeed | undefined
  /** Set when the saved state could not be read and was moved aside. */
  recovery: StoreRecovery | undefined

  constructor(private readonly folder: string) {}

  private get stateFile(): string {
    return join(this.folder, 'sandbox-state.json')
  }

  private world(fresh = false): SandboxSeed {
    if (!this.seed || fresh) {
      const file = this.stateFile
      const { store, recovery } = openRecovering(file, () =>
        existsSync(file) ? loadSeedFile(file) : demoSeed()
      )
      this.seed = store
      this.recovery = recovery
    }
    return this.seed
  }

  /** The Sandbox's account profiles, named `sandbox:<name>`. */
  accounts(): SandboxAccount[] {
    const seed = this.world()
    return sandboxProfiles(seed).flatMap((profile) => {
      if (!profile.keys) return []
      const account = seed.accounts.find((a) => a.id === profile.accountId)
      const name = `${sandboxPrefix}${profile.name.replace(/^sandbox-/, '')}`
      return [
        {
          summary: {
            name,
            label: `Sandbox — ${account?.name.replace(/\s*\(sandbox\)$/, '') ?? profile.name} (local, no AWS)`,
            source: 'sandbox',
            kinds: ['sandbox'],
            region: profile.region,
            hasEndpointUrl: true,
            problems: []
          },
          credentials: profile.keys
        }
      ]
    })
  }

  /** The Sandbox's accounts as the Accounts view lists them, and a state file that had to be moved aside. */
  listed(): { profiles: ProfileSummary[]; problems: ProfileProblem[] } {
    const profiles = this.accounts().map((account) => account.summary)
    const recovery = this.recovery
    return {
      profiles,
      problems: recovery ? [{ file: recovery.file, line: 0, reason: describeRecovery(recovery) }] : []
    }
  }

  /**
   * The running Sandbox, started if needed. The state file has one writer: when another process (the
   * app, another CLI run) already serves it, this process uses that server instead of starting its own.
   */
  async start(): Promise<RunningSandbox> {
    const running = await this.running?.catch(() => undefined)
    // Another process's server that has stopped since: start (or find) a new one.
    if (running?.shared && (await this.sharedUrl()) !== running.url) this.running = undefined
    this.running ??= this.launch().catch((error: unknown) => {
      this.running = undefined
      throw error
    })
    return this.running
  }

  /** The URL of a server another live process runs on this state file, if any. */
  private async sharedUrl(): Promise<string | undefined> {
    const { readSandboxLock } = await import('../sandbox/state-lock')
    const lock = readSandboxLock(this.stateFile)
    return lock?.url
  }

  private async launch(): Promise<RunningSandbox> {
    const [{ startSandbox }, { SandboxStateLockedError }] = await Promise.all([
      import('../sandbox/server'),
      import('../sandbox/state-lock')
    ])
    for (let tries = 0; ; tries++) {
      const url = await this.sharedUrl()
      if (url) return { url, shared: true, close: () => Promise.resolve() }
      try {
        const own: Sandbox = await startSandbox({ seed: () => this.world(true), stateFile: this.stateFile })
        return { url: own.url, shared: false, close: () => own.close() }
      } catch (error) {
        // Another process took the state between our look and our start: use its server once it listens.
        if (!(error instanceof SandboxStateLockedError) || tries >= 20) throw error
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }

  async stop(): Promise<void> {
    const running = this.running
    this.running = undefined
    if (running) await (await running.catch(() => undefined))?.close()
  }
}

/**
 * The Sandbox's accounts as an account source like any other: static keys, and the embedded Sandbox
 * (started on first use) as the endpoint of every service.
 */
export class SandboxAccountSource implements AccountSource {
  constructor(private readonly host: SandboxHost) {}

  private account(profile: string): SandboxAccount | undefined {
    return profile.startsWith(sandboxPrefix)
      ? this.host.accounts().find((a) => a.summary.name === profile)
      : undefined
  }

  owns(profile: string): boolean {
    return this.account(profile) !== undefined
  }

  regionOf(profile: string): string | undefined {
    return this.account(profile)?.summary.region
  }

  fingerprint(profile: string): string {
    return `${profile}|${this.account(profile)?.credentials.accessKeyId ?? ''}`
  }

  async connection(profile: string): Promise<AccountConnection> {
    const account = this.account(profile)
    if (!account) throw new Error(`There is no Sandbox account named "${profile}".`)
    const { url } = await this.host.start()
    return {
      version: url,
      credentials: account.credentials,
      endpoints: { connect: url, sts: url },
      proxies: []
    }
  }
}

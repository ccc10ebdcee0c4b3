/**
 * Runs the connect-provisioner CLI in this process through `runCli`, each run with its own environment,
 * standard input and MFA answers, its output captured; and spawns the built binary for what only a real
 * process shows (exit codes, signals, pipes).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { runCli } from '../../src/main/cli'
import type { SandboxStats } from '../../src/main/sandbox/server'
import { run, type Run } from './aws-tools'
import { demo, type DemoAccount } from './sandbox-helpers'

export const root = resolve(import.meta.dirname, '../..')
export const bin = join(root, 'bin/connect-provisioner.js')

/** What one CLI run printed and how it ended; `asked` holds the MFA prompts it showed. */
export interface CliRun extends Run {
  asked: string[]
}

export interface InProcessOptions {
  /** The CLI's whole environment (nothing of this process's is added). */
  env?: NodeJS.ProcessEnv
  /** Standard input, as the CLI reads it to its end. */
  stdin?: string
  /** Answers to MFA prompts, in order; a prompt with none left fails as a closed stdin does. */
  answers?: string[]
}

let running = false

/**
 * Empties the data folder's pacing buckets (pace/), so the next run starts with Connect's full burst.
 * The CLI paces its calls at 2/s per account with buckets kept there; runs back to back would otherwise
 * wait about half a second each, where an admin's commands are seconds apart. Pacing itself is tested in
 * pacing.test.ts.
 */
function fullQuota(data: string): void {
  rmSync(join(data, 'pace'), { recursive: true, force: true })
}

/**
 * Runs the CLI in this process. Runs must not overlap (runCli uses process.exitCode), and each one is
 * checked to leave process.env as it found it; process.exitCode is restored so the test run's own exit
 * code is never touched. Each run starts with a full Connect quota (see `fullQuota`).
 */
export async function cliInProcess(argv: string[], options: InProcessOptions = {}): Promise<CliRun> {
  if (running) throw new Error('In-process CLI runs must be sequential: runCli resets process.exitCode.')
  running = true
  const envBefore = JSON.stringify(process.env)
  const exitCodeBefore = process.exitCode
  const out: string[] = []
  const err: string[] = []
  const asked: string[] = []
  const answers = [...(options.answers ?? [])]
  let code: number
  try {
    const data = options.env?.['CONNECT_PROVISIONER_HOME']
    if (data) fullQuota(data)
    code = await runCli(argv, {
      out: (line) => out.push(`${line}\n`),
      err: (line) => err.push(`${line}\n`),
      env: { ...options.env },
      stdin: () => Promise.resolve(options.stdin ?? ''),
      ask: (question) => {
        asked.push(question)
        const answer = answers.shift()
        return answer === undefined
          ? Promise.reject(new Error('No MFA code was entered (stdin closed).'))
          : Promise.resolve(answer)
      }
    })
  } finally {
    process.exitCode = exitCodeBefore
    running = false
  }
  if (JSON.stringify(process.env) !== envBefore) {
    throw new Error(`connect-provisioner ${argv.join(' ')} changed process.env`)
  }
  return { code, stdout: out.join(''), stderr: err.join(''), asked }
}

/** A private folder: AWS config and credentials files, the app's data folder, and the env naming them. */
export interface Workspace {
  dir: string
  data: string
  env: NodeJS.ProcessEnv
}

/**
 * A fresh workspace with `config` as the AWS config file (the credentials file empty); `appSettings`
 * becomes the app's settings.json in the data folder. The env holds nothing else: no real ~/.aws.
 */
export function workspace(config = '', appSettings?: object): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cli-'))
  const data = join(dir, 'data')
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), '')
  if (appSettings) {
    mkdirSync(data)
    writeFileSync(join(data, 'settings.json'), JSON.stringify(appSettings))
  }
  return {
    dir,
    data,
    env: {
      HOME: dir,
      CONNECT_PROVISIONER_HOME: data,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    }
  }
}

/** A profile section with a demo account's keys, its Region, and optionally an endpoint_url. */
export function profileSection(name: string, account: DemoAccount, endpoint?: string): string {
  return (
    `[profile ${name}]\nregion = ${account.region}\n` +
    (endpoint ? `endpoint_url = ${endpoint}\n` : '') +
    `aws_access_key_id = ${account.accessKeyId}\naws_secret_access_key = ${account.secretAccessKey}\n`
  )
}

/** Profiles `alpha` and `bravo` on the demo accounts, both pointed at the Sandbox at `url`. */
export const demoProfiles = (url: string): string =>
  profileSection('alpha', demo.alpha, url) + profileSection('bravo', demo.bravo, url)

const proxyVariables = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']

/** This process's environment without any AWS_ or proxy variable, for spawned runs. */
export function cleanProcessEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith('AWS_') && !proxyVariables.includes(key.toLowerCase())
    )
  )
}

/** Spawns the built binary, as a user runs it. */
export const spawnCli = (
  args: string[],
  env: NodeJS.ProcessEnv = cleanProcessEnv(),
  input = ''
): Promise<Run> => run(process.execPath, [bin, ...args], env, input)

const stsOperations = new Set(['GetCallerIdentity', 'AssumeRole'])

/** Requests the Sandbox saw, split into Connect's and STS's. */
export function calls(stats: SandboxStats): {
  connect: number
  sts: number
  byOperation: Record<string, number>
} {
  const byOperation = Object.fromEntries(stats.byOperation)
  const sts = [...stats.byOperation].reduce((n, [op, count]) => n + (stsOperations.has(op) ? count : 0), 0)
  return { connect: stats.total - sts, sts, byOperation }
}

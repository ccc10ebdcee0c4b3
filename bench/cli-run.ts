/**
 * Runs a command in a fresh process without blocking this one (a Sandbox may be serving from this
 * process's event loop), and times it as the parent sees it: spawn → first byte on stdout, spawn → exit.
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'

const project = resolve(import.meta.dirname, '..')
let snapshot: string | undefined

/**
 * The CLI entry npm links (bin/connect-provisioner.js and the built out/main it runs), copied once per
 * benchmark file so that every process of a measurement runs the same build even when out/ is rebuilt
 * meanwhile. The copy lives inside the project so the CLI resolves its npm dependencies from
 * node_modules as the original does.
 */
export function cliBin(): string {
  if (snapshot) return snapshot
  const dir = join(project, 'node_modules/.cache/connect-provisioner-bench/cli')
  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    cpSync(join(project, 'bin'), join(dir, 'bin'), { recursive: true })
    cpSync(join(project, 'out/main'), join(dir, 'out/main'), { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
    const bin = join(dir, 'bin/connect-provisioner.js')
    // A copy taken while out/ was being rebuilt may miss a chunk: check it answers, else copy again.
    const check = spawnSync(process.execPath, [bin, 'templates', '--help'], { encoding: 'utf8' })
    if (check.status === 0) return (snapshot = bin)
    if (attempt === 5) throw new Error(`the copied CLI does not start: ${check.stderr}`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000)
  }
}

export interface TimedRun {
  code: number | null
  stdout: string
  stderr: string
  /** Milliseconds from spawn to the first byte on stdout (undefined when nothing was written). */
  firstByteMs: number | undefined
  /** Milliseconds from spawn to the process's exit. */
  exitMs: number
}

export function runTimed(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {}
): Promise<TimedRun> {
  return new Promise((done, fail) => {
    const started = performance.now()
    // Standard input is a pipe closed at once (or after `input`): the child never waits on a terminal.
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: 'pipe' })
    let firstByteMs: number | undefined
    let exitMs = 0
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => {
      firstByteMs ??= performance.now() - started
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('exit', () => {
      exitMs = performance.now() - started
    })
    child.on('error', fail)
    child.on('close', (code) =>
      done({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        firstByteMs,
        exitMs
      })
    )
    child.stdin.end(options.input ?? '')
  })
}

/** Runs the connect-provisioner CLI with `args`. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<TimedRun> {
  return runTimed(process.execPath, [cliBin(), ...args], { env })
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The 1-minute load average, for the notes: this 2-core VM is shared with other work. */
export const load = (): string => (loadavg()[0] ?? 0).toFixed(1)

/**
 * Exclusive locks between processes on one workstation (the app and CLI runs): a lock file created
 * exclusively, holding the holder's pid. A lock whose holder is gone (no such process, or older than
 * `staleMs`) is broken, so a killed process never blocks the next one for long.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'

/** How a lock waits and when it is taken as left behind. */
export interface LockTiming {
  /** A lock older than this is broken even if its pid seems alive (pids are reused). */
  staleMs: number
  /** How long to wait between tries while another process holds it. */
  pollMs: number
  now(): number
  sleep(ms: number): Promise<void>
}

const defaultTiming: LockTiming = {
  staleMs: 120_000,
  pollMs: 50,
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

function holderAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) return false
    if (pid === process.pid) return true
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' // alive, owned by someone else
  }
}

/** Takes `lock` (waiting while another live process holds it) and returns its release. */
export async function acquireFileLock(lock: string, timing: Partial<LockTiming> = {}): Promise<() => void> {
  const t = { ...defaultTiming, ...timing }
  mkdirSync(dirname(lock), { recursive: true, mode: 0o700 })
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => {
        try {
          unlinkSync(lock)
        } catch {
          // Broken as stale by another process meanwhile: nothing to release.
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    try {
      const age = t.now() - statSync(lock).mtimeMs
      // A holder that died before writing its pid leaves an empty file: give it a moment first.
      if (age > t.staleMs || (age > 1_000 && !holderAlive(lock))) unlinkSync(lock)
    } catch {
      // Released meanwhile: try again at once.
      continue
    }
    await t.sleep(t.pollMs)
  }
}

/** Runs `work` holding the lock for `key` among the locks kept in `folder`. */
export async function withFileLock<T>(
  folder: string,
  key: string,
  work: () => Promise<T>,
  timing: Partial<LockTiming> = {}
): Promise<T> {
  const name = createHash('sha256').update(key).digest('hex').slice(0, 24)
  const release = await acquireFileLock(join(folder, 'locks', `${name}.lock`), timing)
  try {
    return await work()
  } finally {
    release()
  }
}

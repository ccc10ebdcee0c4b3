/**
 * One writer per Sandbox state file. A server that keeps its state in `FILE` holds `FILE.lock`, a small
 * JSON record of who holds it (pid, host name, and the URL once the server listens). A second server on
 * the same file is refused with {@link SandboxStateLockedError} naming the holder; a lock left by a
 * process that is gone (killed, crashed) is taken over. Other processes (the app, the CLI) read the lock
 * with {@link readSandboxLock} to use the running Sandbox instead of starting their own.
 *
 * The lock appears atomically (written to a temporary file, then hard-linked into place, which fails if
 * a lock exists), so a reader never sees a half-written one; a stale lock is moved aside under a unique
 * name and checked before it is deleted, so two processes taking over the same stale lock cannot both
 * win.
 */
import { randomUUID } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname } from 'node:path'

/** Who holds a Sandbox state file. */
export interface SandboxLock {
  /** The holder's process ID. */
  pid: number
  /** The machine the holder runs on (a lock from another machine cannot be checked, so it is honoured). */
  hostname: string
  /** When the holder took the lock (ISO 8601). */
  startedAt: string
  /** The holder's port and URL (`http://127.0.0.1:PORT`); absent while the holder is still starting. */
  port?: number
  url?: string
}

/** What the lock file holds: the public record plus the holder's private token. */
interface LockRecord extends SandboxLock {
  /** Unique per holder: lets a holder release or update only its own lock. */
  id: string
}

/** The lock file of a state file: `FILE.lock`, next to it. */
export function lockFileOf(stateFile: string): string {
  return `${stateFile}.lock`
}

/** Thrown by `startSandbox` when another live server holds the state file. */
export class SandboxStateLockedError extends Error {
  readonly code = 'sandbox.state-locked'

  constructor(
    /** The state file asked for. */
    readonly stateFile: string,
    /** Its lock file. */
    readonly lockFile: string,
    /** Who holds it. */
    readonly holder: SandboxLock
  ) {
    const where = holder.url ? ` at ${holder.url}` : ' (still starting)'
    const host = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`
    super(
      `The Sandbox state ${stateFile} is in use by another Sandbox: process ${holder.pid}${host}${where}, ` +
        `since ${holder.startedAt}. Use that Sandbox, or stop it first. If no such process is running, ` +
        `delete ${lockFile}.`
    )
    this.name = 'SandboxStateLockedError'
  }
}

function parseRecord(text: string): LockRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value !== 'object' || value === null) return undefined
  const record = value as Record<string, unknown>
  const { pid, hostname: host, startedAt, port, url, id } = record
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined
  if (typeof host !== 'string' || typeof startedAt !== 'string' || typeof id !== 'string') return undefined
  return {
    pid,
    hostname: host,
    startedAt,
    id,
    ...(typeof port === 'number' ? { port } : {}),
    ...(typeof url === 'string' ? { url } : {})
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The locks this process holds, by id: a lock with our pid but another id is a previous life's. */
const heldHere = new Set<string>()

/** Whether the lock's holder may still be running: a live pid on this machine, or any lock from another. */
function isLive(lock: LockRecord): boolean {
  if (lock.hostname !== hostname()) return true
  if (lock.pid === process.pid) return heldHere.has(lock.id)
  try {
    process.kill(lock.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const publicPart = ({ id: _id, ...lock }: LockRecord): SandboxLock => lock

/**
 * The live Sandbox holding `stateFile`, if any: its pid and, once it listens, its port and URL.
 * Undefined when there is no lock, or the lock is stale (its process is gone) or not a lock at all.
 */
export function readSandboxLock(stateFile: string): SandboxLock | undefined {
  const text = readText(lockFileOf(stateFile))
  const record = text === undefined ? undefined : parseRecord(text)
  return record && isLive(record) ? publicPart(record) : undefined
}

/** A held lock: update it once the server listens, release it when the server stops. */
export interface StateLockHandle {
  readonly lockFile: string
  /** Records where the holder listens. */
  update(where: { port: number; url: string }): void
  /** Deletes the lock if it is still ours; safe to call twice. */
  release(): void
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 })
}

/**
 * Takes the lock of `stateFile` for this process, taking over a stale one. Throws
 * {@link SandboxStateLockedError} when a live holder has it.
 */
export function acquireStateLock(stateFile: string): StateLockHandle {
  const lockFile = lockFileOf(stateFile)
  mkdirSync(dirname(lockFile), { recursive: true, mode: 0o700 })
  const record: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    id: randomUUID()
  }
  const temp = `${lockFile}.${process.pid}.${record.id}.tmp`
  const removeQuietly = (file: string): void => {
    try {
      unlinkSync(file)
    } catch {
      // already gone
    }
  }

  /** Puts our lock in place unless one exists: a hard link where the file system has them. */
  const create = (): boolean => {
    try {
      linkSync(temp, lockFile)
      return true
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') return false
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error
    }
    try {
      // No hard links here (FAT, some shares): exclusive create, written at once.
      writeFileSync(lockFile, JSON.stringify(record), { flag: 'wx', mode: 0o600 })
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw error
    }
  }

  writePrivate(temp, JSON.stringify(record))
  try {
    let taken = false
    for (let attempt = 0; attempt < 8; attempt++) {
      taken = create()
      if (taken) break
      const seen = readText(lockFile)
      if (seen === undefined) continue // released meanwhile: try again
      const holder = parseRecord(seen)
      if (holder && isLive(holder)) throw new SandboxStateLockedError(stateFile, lockFile, publicPart(holder))
      // Stale: move it aside, and delete it only if it is still the stale lock we read.
      const aside = `${lockFile}.${process.pid}.${randomUUID()}.stale`
      try {
        renameSync(lockFile, aside)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw error
      }
      if (readText(aside) !== seen) {
        // Someone took the stale lock over first and we moved theirs: put it back.
        try {
          linkSync(aside, lockFile)
        } catch {
          // a third process has it now; the next round reads whoever holds it
        }
      }
      removeQuietly(aside)
    }
    if (!taken) throw new Error(`Could not take the Sandbox lock ${lockFile}: it keeps changing.`)
  } finally {
    removeQuietly(temp)
  }

  heldHere.add(record.id)
  const ours = (): boolean => {
    const text = readText(lockFile)
    return text !== undefined && parseRecord(text)?.id === record.id
  }
  let released = false
  const release = (): void => {
    if (released) return
    released = true
    heldHere.delete(record.id)
    process.off('exit', release)
    if (ours()) removeQuietly(lockFile)
  }
  // A process that exits without stopping its Sandbox (process.exit, an uncaught error) frees the file.
  process.on('exit', release)
  return {
    lockFile,
    update(where) {
      if (released || !ours()) return
      const next = `${lockFile}.${process.pid}.${record.id}.next`
      writePrivate(next, JSON.stringify({ ...record, ...where }))
      renameSync(next, lockFile)
    },
    release
  }
}

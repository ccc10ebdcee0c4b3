/**
 * The app's JSON data files (templates.json, lookups.json, account-cache.json) as services see them,
 * and what both implementations share so they accept and refuse exactly the same files: how a file is
 * read (one UTF-8 BOM accepted, anything not UTF-8 JSON refused, a size limit), how a change on disk is
 * noticed (a stamp of the file's identity and times), and the lock every writer takes (a lock file next
 * to the data file, created exclusively; one left by a killed process is broken).
 */
import { randomUUID } from 'node:crypto'
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { AppError } from '../../shared/result'
import { ensurePrivateFolder, formatBytes } from './files'
import { moveAside, openRecovering, type StoreRecovery } from './store-recovery'

/** One JSON document on disk, as services see it. */
export interface DocumentStore {
  /**
   * The whole document as parsed: any JSON value (an array, `null`…), `{}` for a missing or blank file.
   * Throws for a file that is not UTF-8 JSON or is over `maxDocumentBytes`.
   */
  read(): unknown
  /** Replaces the whole document: atomically, owner-only (0600 in a 0700 folder), holding its lock. */
  write(value: unknown): void
  /** The file as it is now on disk (one stat), to notice another process's writes; undefined for none. */
  stamp(): DocumentStamp | undefined
  /** Runs `work` holding the document's lock (re-entrant within this process). */
  locked<T>(work: () => T): T
  readonly path: string
}

/** Opens a named document in a folder (electron-store in the app, plain files in the CLI and tests). */
export type OpenDocumentStore = (folder: string, name: string) => DocumentStore

/** No data file is read past this size: a bigger one is moved aside, never parsed. */
export const maxDocumentBytes = 32 * 1024 * 1024

/** What a data file looked like on disk when it was read or written. */
export interface DocumentStamp {
  /** Device, inode, size, modification and change times: another write changes at least one. */
  key: string
  size: number
  /** The later of the file's modification and change times. */
  changedMs: number
  /** When the stamp was taken. */
  takenMs: number
}

/** The stamp of `path` now, or undefined when there is no such file. */
export function stampOf(path: string): DocumentStamp | undefined {
  const takenMs = Date.now()
  try {
    const s = statSync(path)
    return {
      key: `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`,
      size: s.size,
      changedMs: Math.max(s.mtimeMs, s.ctimeMs),
      takenMs
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Parses a data file's bytes: one UTF-8 byte-order mark is accepted (editors on Windows add it), text
 * that is not valid UTF-8 is refused (decoding it would replace bytes and a later write would lose
 * them), blank text is an empty document `{}`.
 */
export function parseDocument(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw new Error('it is not UTF-8 text')
  }
  return parseDocumentText(text)
}

/** Parses a data file's text: one leading byte-order mark accepted, blank text an empty document `{}`. */
export function parseDocumentText(text: string): unknown {
  const body = text.startsWith('\ufeff') ? text.slice(1) : text
  if (!body.trim()) return {}
  return JSON.parse(body) as unknown
}

/** Reads and parses the data file at `path` (see `parseDocument`); `{}` when there is none. */
export function readDocument(path: string): unknown {
  let size: number
  try {
    size = statSync(path).size
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  if (size > maxDocumentBytes)
    throw new Error(`it is ${formatBytes(size)}; data files are at most ${formatBytes(maxDocumentBytes)}`)
  return parseDocument(readFileSync(path))
}

/** How the app writes every data file: JSON, tab-indented (as electron-store always has). */
export function serializeDocument(value: unknown): string {
  return JSON.stringify(value, undefined, '\t')
}

// ---- the lock ------------------------------------------------------------------------------------

/** How long a lock may be held before it is taken as left behind (a holder never needs a second). */
const staleLockMs = 5_000
/** A lock older than this whose process is gone is broken at once. */
const deadHolderMs = 1_000
/** How long a writer waits for the lock before giving up with a message. */
const lockTimeoutMs = 30_000

const sleepCell = new Int32Array(new SharedArrayBuffer(4))
/** Waits synchronously: writes are short and synchronous, so waiting for one is too. */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms)
}

/** Locks this process holds, by lock file: the lock is re-entrant within the process. */
const held = new Map<string, { depth: number; token: string }>()

function holderAlive(lock: string): boolean {
  let pid: number
  try {
    pid = Number(readFileSync(lock, 'utf8').split(':')[0])
  } catch {
    return false
  }
  // Empty (its holder died before writing), garbled, or this process's own leftover: nobody holds it.
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes `lock` if it was left behind: older than `staleLockMs`, or older than `deadHolderMs` with its
 * process gone. Breaking happens under a second lock, and only if the lock is still the one judged, so
 * two waiters never both break it (one would remove the other's fresh lock).
 */
function breakIfStale(lock: string): void {
  let judged: ReturnType<typeof statSync>
  try {
    judged = statSync(lock)
  } catch {
    return
  }
  const age = Date.now() - judged.mtimeMs
  if (age <= deadHolderMs || (age <= staleLockMs && holderAlive(lock))) return
  const breaker = `${lock}.break`
  try {
    closeSync(openSync(breaker, 'wx', 0o600))
  } catch {
    try {
      if (Date.now() - statSync(breaker).mtimeMs > staleLockMs) unlinkSync(breaker)
    } catch {
      // Gone meanwhile.
    }
    return
  }
  try {
    const now = statSync(lock)
    if (now.ino === judged.ino && now.mtimeMs === judged.mtimeMs) unlinkSync(lock)
  } catch {
    // Released meanwhile.
  } finally {
    try {
      unlinkSync(breaker)
    } catch {
      // Nothing to clean.
    }
  }
}

function acquire(lock: string, file: string): string {
  ensurePrivateFolder(dirname(lock))
  const token = `${process.pid}:${randomUUID()}`
  const deadline = Date.now() + lockTimeoutMs
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o600)
      try {
        writeSync(fd, token)
      } finally {
        closeSync(fd)
      }
      return token
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    breakIfStale(lock)
    if (Date.now() > deadline)
      throw new AppError(
        'CONFLICT',
        `${file} is being written by another Connect Provisioner process (${lock} is held); try again in a moment.`
      )
    sleepSync(Math.min(2 ** attempt, 20))
  }
}

function release(lock: string, token: string): void {
  try {
    // Only our own lock: one broken as stale and taken by another process is theirs now.
    if (readFileSync(lock, 'utf8') === token) unlinkSync(lock)
  } catch {
    // Already gone.
  }
}

/**
 * Runs `work` holding the lock of the data file `file` (`<file>.lock`, created exclusively). Every
 * writer of a data file takes it, so a read-modify-write never loses another process's write. Waiting is
 * synchronous and short; a lock whose process died is broken after a second, any lock after five.
 */
export function withDocumentLock<T>(file: string, work: () => T): T {
  const lock = `${resolve(file)}.lock`
  const mine = held.get(lock)
  if (mine) {
    mine.depth++
    try {
      return work()
    } finally {
      mine.depth--
    }
  }
  const token = acquire(lock, file)
  held.set(lock, { depth: 1, token })
  try {
    return work()
  } finally {
    held.delete(lock)
    release(lock, token)
  }
}

// ---- a document kept in step with its file --------------------------------------------------------

/** Reads and decodes the store's document, refusing a file over the codec's own size limit unread. */
function decodeChecked<T>(
  store: DocumentStore,
  codec: DocumentCodec<T>,
  stamp: DocumentStamp | undefined
): { value: T; migrated: boolean } {
  if (codec.maxBytes !== undefined && stamp && stamp.size > codec.maxBytes)
    throw new Error(`it is ${formatBytes(stamp.size)}; it can be at most ${formatBytes(codec.maxBytes)}`)
  return codec.decode(store.read())
}

/** How a service reads and writes its document. */
export interface DocumentCodec<T> {
  /**
   * The value the file holds, in the current form; throws (saying why) for anything it does not fully
   * understand, so that file is moved aside instead of rewritten. `migrated` asks for a write-back.
   */
  decode(raw: unknown): { value: T; migrated: boolean }
  /** The document written for `value`. */
  encode(value: T): unknown
  /** A limit below `maxDocumentBytes`: a bigger file is refused, and so is a write that would make one. */
  maxBytes?: number
  /** Names the file in messages: "templates.json". */
  what?: string
}

/**
 * A service's document, read once and kept in memory, but never trusted over the file: reads reload it
 * when the file changed (one stat), and every change is a read-modify-write under the file's lock, so
 * another process's write (the CLI while the app runs, two CLI runs) is never lost. A file that cannot
 * be read is moved aside and reported (`recovery`), never rewritten.
 */
export class SyncedDocument<T> {
  private value: T
  private seen: DocumentStamp | undefined
  /** The stamp of a changed file that could not be read, so it is not parsed again on every read. */
  private unreadable: string | undefined
  private latestRecovery: StoreRecovery | undefined

  private constructor(
    private readonly store: DocumentStore,
    private readonly codec: DocumentCodec<T>,
    loaded: { value: T; seen: DocumentStamp | undefined },
    recovery: StoreRecovery | undefined
  ) {
    this.value = loaded.value
    this.seen = loaded.seen
    this.latestRecovery = recovery
  }

  /**
   * Opens the document in `file` with `open`. A file the codec refuses is moved aside (with the lock
   * held, and only if it is still refused then) and a fresh document is started.
   */
  static open<T>(open: () => DocumentStore, file: string, codec: DocumentCodec<T>): SyncedDocument<T> {
    const load = (store: DocumentStore): { value: T; seen: DocumentStamp | undefined; migrated: boolean } => {
      const seen = store.stamp()
      return { ...decodeChecked(store, codec, seen), seen }
    }
    const opened = openRecovering(
      file,
      () => {
        const store = open()
        let loaded = load(store)
        if (loaded.migrated)
          loaded = store.locked(() => {
            const again = load(store)
            if (!again.migrated) return again
            store.write(codec.encode(again.value))
            return { ...again, seen: store.stamp() }
          })
        return { store, loaded }
      },
      (work) => withDocumentLock(file, work)
    )
    return new SyncedDocument(opened.store.store, codec, opened.store.loaded, opened.recovery)
  }

  /** Set when the file could not be read and was moved aside (at open or since). */
  get recovery(): StoreRecovery | undefined {
    return this.latestRecovery
  }

  /** The document as the file holds it now (reloaded if another process changed it). */
  get(): T {
    const now = this.store.stamp()
    if (now?.key === this.seen?.key || now?.key === this.unreadable) return this.value
    try {
      this.value = decodeChecked(this.store, this.codec, now).value
      this.seen = now
      this.unreadable = undefined
    } catch {
      // Changed into something unreadable (a hand edit in progress?): keep showing what was last read;
      // the next change moves it aside before writing.
      this.unreadable = now?.key
    }
    return this.value
  }

  /**
   * Changes the document: with the lock held, reads the file as it is now, applies `change` to it and
   * writes the result. `change` may throw to refuse; nothing is written then.
   */
  update<R>(change: (current: T) => { value: T; result: R }): R {
    return this.store.locked(() => {
      this.reloadForWrite()
      const { value, result } = change(this.value)
      const encoded = this.codec.encode(value)
      const limit = this.codec.maxBytes
      if (limit !== undefined) {
        const size = Buffer.byteLength(serializeDocument(encoded))
        if (size > limit)
          throw new AppError(
            'INVALID_REQUEST',
            `That would make ${this.codec.what ?? this.store.path} ${formatBytes(size)}; it can be at most ${formatBytes(limit)}. Delete or shorten some entries first.`
          )
      }
      this.store.write(encoded)
      this.value = value
      this.seen = this.store.stamp()
      this.unreadable = undefined
      return result
    })
  }

  /**
   * Makes sure the in-memory value is the file's. A stamp is trusted only when the file had not changed
   * for a second when it was taken: file times are coarse, so two quick writes can share one.
   */
  private reloadForWrite(): void {
    const now = this.store.stamp()
    const seen = this.seen
    if (seen && now?.key === seen.key && seen.changedMs < seen.takenMs - 1_000) return
    if (!seen && !now) return
    try {
      this.value = decodeChecked(this.store, this.codec, now).value
      this.seen = now
    } catch (error) {
      this.latestRecovery = moveAside(this.store.path, error)
    }
  }
}

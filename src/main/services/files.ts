/** Files the admin picks (through a port, so tests can answer the dialogs) and how the app writes them. */
import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { AppError } from '../../shared/result'

/** Where the admin picks files; undefined means Cancel. */
export interface FileDialogs {
  saveFile(defaultName: string, kind: 'templates' | 'csv' | 'json'): Promise<string | undefined>
  openFile(kind: 'templates' | 'certificates' | 'csv'): Promise<string | undefined>
}

/** For hosts without a window (the CLI): it takes file paths instead. */
export const noFileDialogs: FileDialogs = {
  saveFile: () => Promise.reject(new Error('No file dialog here: pass a file path instead.')),
  openFile: () => Promise.reject(new Error('No file dialog here: pass a file path instead.'))
}

/** A size for messages: `8 MB`, `52.3 MB`, `900 KB` (1 MB = 1,048,576 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`
  const mb = bytes / (1024 * 1024)
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`
}

/**
 * Reads a file as UTF-8, with an error that names it. With `maxBytes`, a bigger file is refused before
 * it is read (`what` names it in the message: "a templates file").
 */
export function readText(path: string, limit?: { maxBytes: number; what: string }): string {
  try {
    if (limit) {
      const size = statSync(path).size
      if (size > limit.maxBytes)
        throw new AppError(
          'INVALID_REQUEST',
          `${path} is ${formatBytes(size)}; ${limit.what} can be at most ${formatBytes(limit.maxBytes)}.`
        )
    }
    return readFileSync(path, 'utf8')
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError(
      'INVALID_REQUEST',
      `${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`
    )
  }
}

const owner = process.platform === 'win32' ? undefined : process.getuid?.()

/**
 * Creates `folder` (and its parents) owner-only, and makes an existing one owner-only (0700) when this
 * user owns it: the data folder holds names and e-mails. On Windows the profile folder's ACL applies.
 */
export function ensurePrivateFolder(folder: string): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 })
  if (owner === undefined) return
  try {
    const stat = statSync(folder)
    if ((stat.mode & 0o077) !== 0 && stat.uid === owner) chmodSync(folder, 0o700)
  } catch {
    // Not ours to change (a shared mount): the files themselves are still 0600.
  }
}

const retried = new Set(['EPERM', 'EBUSY', 'EACCES'])
const sleepCell = new Int32Array(new SharedArrayBuffer(4))

/** Renames, retrying briefly where Windows reports a file another program has open (antivirus, indexer). */
function renameRetrying(from: string, to: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      renameSync(from, to)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? ''
      if (process.platform !== 'win32' || !retried.has(code) || attempt >= 10) throw error
      Atomics.wait(sleepCell, 0, 0, 20 * (attempt + 1))
    }
  }
}

/**
 * Writes via a temporary file (owner-only, 0600), flushed to disk, then renamed over `path`: a crash
 * never leaves half a file, and the file is 0600 whatever the one it replaces was.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fd = openSync(temp, 'wx', 0o600)
    try {
      const data = Buffer.from(text, 'utf8')
      for (let written = 0; written < data.length;)
        written += writeSync(fd, data, written, data.length - written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    if (owner !== undefined) chmodSync(temp, 0o600)
    renameRetrying(temp, path)
  } catch (error) {
    try {
      unlinkSync(temp)
    } catch {
      // Never created, or already renamed.
    }
    throw error
  }
}

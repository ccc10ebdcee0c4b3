import { chmodSync, existsSync, renameSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { escapeInvisible } from '../../shared/text'

/** What happened when a store file could not be read and was moved aside. */
export interface StoreRecovery {
  file: string
  movedTo: string
  reason: string
}

/** A reason fit for a terminal and the UI: control characters escaped, at most 300 characters. */
function cleanReason(error: unknown): string {
  const escaped = escapeInvisible(error instanceof Error ? error.message : String(error)).replace(
    /[\t\n]/g,
    ' '
  )
  return escaped.length > 300 ? `${escaped.slice(0, 299)}…` : escaped
}

/**
 * Moves `file` aside to `<name>.corrupt-<time>.json` (a free name: never over another file), keeping
 * its bytes, owner-only. Returns what happened, for the admin to be told.
 */
export function moveAside(file: string, error: unknown): StoreRecovery {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const ext = extname(file)
  const base = join(dirname(file), `${basename(file, ext)}.corrupt-${stamp}`)
  let movedTo = `${base}${ext}`
  for (let n = 2; existsSync(movedTo); n++) movedTo = `${base}-${n}${ext}`
  renameSync(file, movedTo)
  try {
    if (process.platform !== 'win32') chmodSync(movedTo, 0o600)
  } catch {
    // Not ours: it keeps its mode.
  }
  return { file, movedTo, reason: cleanReason(error) }
}

/**
 * Opens a JSON-file store with `open`. If the file is corrupt or breaks the schema, the file is moved
 * aside to `<name>.corrupt-<time>.json` (never deleted, never overwritten) and a fresh store is opened,
 * so the admin keeps their data and is told where it went. With `lock`, the move happens holding it and
 * only if the file still cannot be opened then (another process may have just replaced it).
 */
export function openRecovering<T>(
  file: string,
  open: () => T,
  lock: <R>(work: () => R) => R = (work) => work()
): { store: T; recovery?: StoreRecovery } {
  try {
    return { store: open() }
  } catch (first) {
    if (!existsSync(file)) throw first
    return lock(() => {
      try {
        return { store: open() }
      } catch (error) {
        if (!existsSync(file)) throw error
        const recovery = moveAside(file, error)
        return { store: open(), recovery }
      }
    })
  }
}

/** The sentence the UI shows for a recovery. */
export function describeRecovery(recovery: StoreRecovery): string {
  return `${recovery.file} could not be read (${recovery.reason}). It was moved to ${recovery.movedTo} and a fresh file was started; copy anything you need back from there.`
}

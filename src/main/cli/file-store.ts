/**
 * DocumentStore on plain JSON files, for the CLI: the same files, in the same format, as the app's
 * electron-store (`<folder>/<name>.json`, tab-indented), read with the same rules and written
 * atomically under the same lock, without loading a library.
 */
import { join } from 'node:path'
import {
  readDocument,
  serializeDocument,
  stampOf,
  withDocumentLock,
  type DocumentStore
} from '../services/document-store'
import { ensurePrivateFolder, writeFileAtomic } from '../services/files'

/** Opens `<folder>/<name>.json`; a file that cannot be read fails here, so it can be moved aside. */
export function openFileDocumentStore(folder: string, name: string): DocumentStore {
  const path = join(folder, `${name}.json`)
  const locked = <T>(work: () => T): T => withDocumentLock(path, work)
  readDocument(path) // like electron-store: a file that is not JSON fails on open
  return {
    path,
    read: () => readDocument(path),
    write: (value) =>
      locked(() => {
        ensurePrivateFolder(folder)
        writeFileAtomic(path, serializeDocument(value))
      }),
    stamp: () => stampOf(path),
    locked
  }
}

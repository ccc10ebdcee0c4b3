/**
 * DocumentStore on electron-store, in the app's userData. electron-store writes (atomically, flushed,
 * retried where Windows holds a file open, 0600); reading is the CLI's own code (`readDocument`), so the
 * app and the CLI accept and refuse exactly the same files (a BOM, an array, invalid UTF-8…). A file
 * that cannot be read fails on open, so it can be moved aside.
 */
import Store from 'electron-store'
import {
  readDocument,
  serializeDocument,
  stampOf,
  withDocumentLock,
  type DocumentStore
} from '../services/document-store'
import { ensurePrivateFolder } from '../services/files'

/** What electron-store holds: the document itself, whatever JSON value it is, under one key. */
interface Wrapped {
  document?: unknown
}

export function openElectronDocumentStore(folder: string, name: string): DocumentStore {
  ensurePrivateFolder(folder)
  const store = new Store<Wrapped>({
    name,
    cwd: folder,
    clearInvalidConfig: false,
    configFileMode: 0o600,
    watch: false,
    serialize: (wrapped) => serializeDocument(wrapped.document ?? {}),
    // electron-store reads only to keep its own bookkeeping key, which these documents never have.
    deserialize: () => ({})
  })
  const path = store.path
  const locked = <T>(work: () => T): T => withDocumentLock(path, work)
  readDocument(path)
  return {
    path,
    read: () => readDocument(path),
    write: (value) =>
      locked(() => {
        ensurePrivateFolder(folder)
        store.store = { document: value }
      }),
    stamp: () => stampOf(path),
    locked
  }
}

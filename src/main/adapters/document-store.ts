/** DocumentStore on electron-store, in the app's userData: atomic writes, and JSON errors surface on open. */
import Store from 'electron-store'
import type { DocumentStore } from '../services/document-store'

export function openElectronDocumentStore(folder: string, name: string): DocumentStore {
  const store = new Store<Record<string, unknown>>({ name, cwd: folder, clearInvalidConfig: false })
  return {
    path: store.path,
    read: () => ({ ...store.store }),
    write: (value) => {
      store.store = value
    }
  }
}

/** DocumentStore on conf (the library under electron-store), for the CLI: the same files as the app. */
import Conf from 'conf'
import type { DocumentStore } from '../services/document-store'

export function openConfDocumentStore(folder: string, name: string): DocumentStore {
  const store = new Conf<Record<string, unknown>>({
    configName: name,
    cwd: folder,
    projectName: 'connect-provisioner',
    clearInvalidConfig: false
  })
  return {
    path: store.path,
    read: () => ({ ...store.store }),
    write: (value) => {
      store.store = value
    }
  }
}

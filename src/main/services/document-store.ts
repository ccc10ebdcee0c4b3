/** One JSON document on disk (templates.json, lookups.json), as services see it. */
export interface DocumentStore {
  /** The whole document; `{}` for a new file. Throws for a file that is not JSON. */
  read(): Record<string, unknown>
  /** Replaces the whole document (written atomically by the adapter). */
  write(value: Record<string, unknown>): void
  readonly path: string
}

/** Opens a named document in a folder (electron-store in the app, conf in the CLI and tests). */
export type OpenDocumentStore = (folder: string, name: string) => DocumentStore

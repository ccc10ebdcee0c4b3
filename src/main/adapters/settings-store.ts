/**
 * The app's settings.json, kept with electron-store in userData. Services see only `SettingsPort`,
 * never electron-store. The file is read with the rules of every data file (a BOM accepted, invalid
 * UTF-8 refused) and checked against `appSettingsSchema` (src/shared/settings.ts) on every read and
 * write, so a hand edit that breaks it is moved aside and reported, not used or emptied.
 */
import Store from 'electron-store'
import { join } from 'node:path'
import { appSettingsSchema } from '../../shared/settings'
import { parseDocumentText, readDocument, serializeDocument } from '../services/document-store'
import { ensurePrivateFolder } from '../services/files'
import type { AppSettings, SettingsPort } from '../services/settings-service'
import { openRecovering, type StoreRecovery } from '../services/store-recovery'

/** `value` if it is settings the app understands (unknown keys, a newer app's, are kept as they are). */
function checked(value: unknown): AppSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      `it does not match the settings schema: it holds ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not an object`
    )
  const parsed = appSettingsSchema.safeParse(value)
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`)
      .join('; ')
    throw new Error(`it does not match the settings schema: ${issues}`)
  }
  return value as AppSettings
}

/** Opens `settings.json` in `folder`; a corrupt file is moved aside and reported, not emptied. */
export function openSettingsStore(folder: string): { settings: SettingsPort; recovery?: StoreRecovery } {
  ensurePrivateFolder(folder)
  const file = join(folder, 'settings.json')
  const { store, recovery } = openRecovering(file, () => {
    checked(readDocument(file))
    return new Store<AppSettings>({
      name: 'settings',
      cwd: folder,
      configFileMode: 0o600,
      watch: false,
      serialize: (value) => serializeDocument(checked(value)),
      deserialize: (text) => checked(parseDocumentText(text))
    })
  })
  return {
    settings: {
      get: (key) => store.get(key),
      set: (key, value) => store.set(key, value),
      delete: (key) => store.delete(key)
    },
    ...(recovery ? { recovery } : {})
  }
}

/**
 * The app's own settings (window placement; later the last account and network options), kept with
 * electron-store in userData. Services see only `SettingsPort`, never electron-store.
 */
import Store from 'electron-store'
import type { Rectangle } from 'electron'
import { join } from 'node:path'
import { openRecovering, type StoreRecovery } from '../services/store-recovery'

/** Everything stored in settings.json. */
export type AppSettings = {
  windowBounds?: Rectangle
}

/** Read and write access to the settings, as services see it. */
export interface SettingsPort {
  get<K extends keyof AppSettings>(key: K): AppSettings[K]
  set<K extends keyof AppSettings>(key: K, value: NonNullable<AppSettings[K]>): void
}

const schema = {
  windowBounds: {
    type: 'object',
    properties: {
      x: { type: 'integer' },
      y: { type: 'integer' },
      width: { type: 'integer', minimum: 200 },
      height: { type: 'integer', minimum: 200 }
    },
    required: ['x', 'y', 'width', 'height']
  }
} as const

/** Opens `settings.json` in `folder`; a corrupt file is moved aside and reported, not emptied. */
export function openSettingsStore(folder: string): { settings: SettingsPort; recovery?: StoreRecovery } {
  const { store, recovery } = openRecovering(
    join(folder, 'settings.json'),
    () => new Store<AppSettings>({ name: 'settings', cwd: folder, schema })
  )
  return {
    settings: {
      get: (key) => store.get(key),
      set: (key, value) => store.set(key, value)
    },
    ...(recovery ? { recovery } : {})
  }
}

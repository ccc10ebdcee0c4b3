/**
 * The app's settings.json, kept with electron-store in userData. Services see only `SettingsPort`,
 * never electron-store; the schema here guards the file against hand edits.
 */
import Store from 'electron-store'
import { join } from 'node:path'
import type { AppSettings, SettingsPort } from '../services/settings-service'
import { openRecovering, type StoreRecovery } from '../services/store-recovery'

const context = {
  type: 'object',
  properties: { profile: { type: 'string' }, region: { type: 'string' }, instanceId: { type: 'string' } },
  required: ['profile', 'region']
} as const

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
  },
  network: {
    type: 'object',
    properties: { proxyUrl: { type: 'string' }, caFile: { type: 'string' } },
    additionalProperties: false
  },
  accountLabels: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { label: { type: 'string', minLength: 1 }, color: { type: 'string' } },
      required: ['label', 'color']
    }
  },
  recentContexts: { type: 'array', items: context, maxItems: 20 },
  sealedProxyPassword: { type: 'string', minLength: 1 }
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
      set: (key, value) => store.set(key, value),
      delete: (key) => store.delete(key)
    },
    ...(recovery ? { recovery } : {})
  }
}

/** The proxy password: never in settings.json in clear, sealed by the OS keychain or kept for the session. */
import { describe, expect, it } from 'vitest'
import { memorySettings, SettingsService, type AppSettings } from '../../src/main/services/settings-service'
import type { SecretVault } from '../../src/main/services/secret-vault'
import { AppError } from '../../src/shared/result'
import { appSettingsSchema } from '../../src/shared/settings'

/** A vault that "encrypts" by reversing base64, so sealed text never contains the password. */
function keychain(): SecretVault & { broken: boolean } {
  return {
    persistent: true,
    broken: false,
    seal: (plain) => `sealed:${[...Buffer.from(plain).toString('base64')].reverse().join('')}`,
    open(sealed) {
      if (this.broken) throw new Error('the keyring was reset')
      return Buffer.from([...sealed.replace(/^sealed:/, '')].reverse().join(''), 'base64').toString()
    }
  }
}

/** Settings whose stored values the test can read, as settings.json would hold them. */
function stored(initial: AppSettings = {}): { port: ReturnType<typeof memorySettings>; dump: () => string } {
  const port = memorySettings(initial)
  const keys: Array<keyof AppSettings> = ['network', 'sealedProxyPassword', 'accountLabels', 'recentContexts']
  return { port, dump: () => JSON.stringify(Object.fromEntries(keys.map((k) => [k, port.get(k)]))) }
}

describe('SettingsService and the proxy password', () => {
  it('seals it with the keychain, stores the URL without it, and gives it back to the gateway only', () => {
    const { port, dump } = stored()
    const vault = keychain()
    const service = new SettingsService(port, vault)
    const view = service.setNetwork({ proxyUrl: 'http://me:hunter2@proxy.corp:3128' })
    expect(view.network.proxyUrl).toBe('http://me:****@proxy.corp:3128/')
    expect(view.proxyPasswordKept).toBe('keychain')
    expect(dump()).not.toContain('hunter2')
    expect(port.get('network')).toEqual({ proxyUrl: 'http://me@proxy.corp:3128/' })
    expect(service.network().proxyUrl).toBe('http://me:hunter2@proxy.corp:3128/')

    // A restart opens it again; "****" keeps it; an empty proxy clears it.
    const restarted = new SettingsService(port, vault)
    expect(restarted.network().proxyUrl).toBe('http://me:hunter2@proxy.corp:3128/')
    restarted.setNetwork({ proxyUrl: 'http://me:****@proxy2.corp:8080' })
    expect(restarted.network().proxyUrl).toBe('http://me:hunter2@proxy2.corp:8080/')
    // A save refused for a bad CA file changes nothing, the password included.
    expect(() =>
      restarted.setNetwork({ proxyUrl: 'http://me:other@proxy2.corp:8080', caFile: '/nonexistent.pem' })
    ).toThrow(/cannot be read/)
    expect(restarted.network().proxyUrl).toBe('http://me:hunter2@proxy2.corp:8080/')
    restarted.setNetwork({})
    expect(port.get('sealedProxyPassword')).toBeUndefined()
    expect(restarted.view().proxyPasswordKept).toBeUndefined()
  })

  it('keeps it in memory for this session when there is no keychain', () => {
    const { port, dump } = stored()
    const service = new SettingsService(port)
    expect(service.setNetwork({ proxyUrl: 'http://me:p%40ss@proxy:3128' }).proxyPasswordKept).toBe('session')
    expect(service.network().proxyUrl).toBe('http://me:p%40ss@proxy:3128/')
    expect(dump()).not.toContain('p%40ss')
    expect(new SettingsService(port).network().proxyUrl).toBe('http://me@proxy:3128/')
  })

  it('moves a password stored in clear by an earlier version into the keychain', () => {
    const { port, dump } = stored({
      network: { proxyUrl: 'http://me:hunter2@proxy:3128/', caFile: '/ca.pem' }
    })
    const service = new SettingsService(port, keychain())
    expect(dump()).not.toContain('hunter2')
    expect(service.network()).toEqual({ proxyUrl: 'http://me:hunter2@proxy:3128/', caFile: '/ca.pem' })
  })

  it('asks for the password again when the keychain can no longer open it', () => {
    const { port } = stored()
    const vault = keychain()
    new SettingsService(port, vault).setNetwork({ proxyUrl: 'http://me:hunter2@proxy:3128' })
    vault.broken = true
    const service = new SettingsService(port, vault)
    expect(service.network().proxyUrl).toBe('http://me@proxy:3128/')
    expect(service.view().proxyPasswordKept).toBeUndefined()
  })
})

describe('settings.json', () => {
  it('holds only what appSettingsSchema (docs/settings.schema.json) describes', () => {
    const { port, dump } = stored()
    const service = new SettingsService(port, keychain())
    service.setNetwork({ proxyUrl: 'http://me:hunter2@proxy:3128' })
    service.setAccountLabel('111122223333', { label: 'PROD', color: 'red' })
    service.remember({ profile: 'prod', region: 'eu-west-2', instanceId: 'inst-1' })
    const written: unknown = JSON.parse(dump())
    expect(appSettingsSchema.strict().safeParse(written).error).toBeUndefined()
    expect(
      appSettingsSchema.safeParse({ recentContexts: [{ profile: 'p', region: 'mars-1' }] }).success
    ).toBe(false)
  })
})

describe('account labels', () => {
  it('refuses control and invisible characters with an INVALID_REQUEST naming the character', () => {
    const { port } = stored()
    const service = new SettingsService(port)
    for (const label of ['\u001b[2JPROD', 'PR\u202eOD', 'PR\u200bOD', 'PR\nOD']) {
      let caught: unknown
      try {
        service.setAccountLabel('111122223333', { label, color: 'red' })
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(AppError)
      expect((caught as AppError).code).toBe('INVALID_REQUEST')
      expect((caught as AppError).message).toMatch(/invisible or control character \(U\+[0-9A-F]{4}\)/)
    }
    expect(port.get('accountLabels')).toBeUndefined()
    expect(service.setAccountLabel('111122223333', { label: 'PROD ✓', color: 'red' }).accountLabels).toEqual({
      '111122223333': { label: 'PROD ✓', color: 'red' }
    })
  })
})

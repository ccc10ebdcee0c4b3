/** The app's SecretVault over Electron's safeStorage (the fake module stands in for the OS keychain). */
import { afterEach, describe, expect, it } from 'vitest'
import { safeStorage } from 'electron'
import { electronSecretVault } from '../../src/main/adapters/secret-vault'

const fake = safeStorage as unknown as { available: boolean; backend: string }

afterEach(() => {
  fake.available = true
  fake.backend = 'gnome_libsecret'
})

describe('electronSecretVault', () => {
  it('seals with the OS keychain and opens what it sealed', () => {
    expect(electronSecretVault.persistent).toBe(true)
    const sealed = electronSecretVault.seal('hunter2')
    expect(sealed).not.toContain('hunter2')
    expect(electronSecretVault.open(sealed)).toBe('hunter2')
  })

  it('keeps secrets in memory when the OS cannot encrypt', () => {
    fake.available = false
    expect(electronSecretVault.persistent).toBe(false)
  })

  it.runIf(process.platform === 'linux')('does not trust Linux’s hard-coded "basic_text" key', () => {
    fake.backend = 'basic_text'
    expect(electronSecretVault.persistent).toBe(false)
  })
})

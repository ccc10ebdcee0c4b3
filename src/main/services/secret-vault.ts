/**
 * Where the one secret the app keeps between runs (a proxy password) lives: encrypted by the operating
 * system's keychain through Electron's safeStorage, or, where there is none, in memory for this session.
 * settings.json only ever holds the sealed form.
 */
export interface SecretVault {
  /** True when sealed secrets can be stored and opened after a restart (an OS keychain is available). */
  readonly persistent: boolean
  /** Encrypts `plain` into text settings.json may hold; only called when `persistent`. */
  seal(plain: string): string
  /** Decrypts what `seal` returned; throws when the keychain can no longer open it. */
  open(sealed: string): string
}

/** No keychain (the CLI, tests): secrets live in memory only, so the vault cannot seal or open. */
export const sessionOnlyVault: SecretVault = {
  persistent: false,
  seal: () => {
    throw new Error('this vault keeps secrets in memory only')
  },
  open: () => {
    throw new Error('this vault cannot open secrets sealed by the app (Electron safeStorage)')
  }
}

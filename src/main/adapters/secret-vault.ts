/** The app's SecretVault: Electron's safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/KWallet on Linux). */
import { safeStorage } from 'electron'
import type { SecretVault } from '../services/secret-vault'

/**
 * Seals with safeStorage when the OS can encrypt; on Linux without a keyring, safeStorage would fall
 * back to a hard-coded key ("basic_text"), which is no protection, so secrets stay in memory instead.
 */
export const electronSecretVault: SecretVault = {
  get persistent(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text'
  },
  seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
  open: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64'))
}

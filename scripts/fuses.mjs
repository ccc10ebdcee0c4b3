/**
 * The Electron Fuses flipped in every packaged binary (by scripts/after-pack.mjs, before signing).
 * Fuses are bits in the Electron executable itself: once flipped, no command-line switch or
 * environment variable turns the feature back on. Checked by test/packaging/fuses.test.ts.
 */
import { FuseV1Options, FuseVersion } from '@electron/fuses'

/**
 * Each fuse @electron/fuses knows, by name, with the value we ship. Fuses added by Electron after
 * that package's list keep Electron's own default.
 */
export const fuses = {
  /** ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node interpreter. */
  RunAsNode: false,
  /** Cookies on disk are encrypted with the OS keychain (the app sets none, but it costs nothing). */
  EnableCookieEncryption: true,
  /** NODE_OPTIONS (--require, --inspect…) and NODE_EXTRA_CA_CERTS are ignored: CAs come from Settings. */
  EnableNodeOptionsEnvironmentVariable: false,
  /** --inspect, --inspect-brk and SIGUSR1 cannot attach a debugger to main. */
  EnableNodeCliInspectArguments: false,
  /** app.asar is checked against the hash electron-builder embeds (macOS and Windows; Linux has no such check). */
  EnableEmbeddedAsarIntegrityValidation: true,
  /** Only app.asar is loaded: no app/ folder or default_app.asar beside it. */
  OnlyLoadAppFromAsar: true,
  /** Electron's default; we ship no browser-specific V8 snapshot. */
  LoadBrowserProcessSpecificV8Snapshot: false,
  /**
   * Stays ON: the renderer is loaded from file:// as ES module scripts with `crossorigin`, which a
   * browser-standard file:// origin (this fuse off) blocks by CORS, leaving a blank window
   * (test/packaging/file-protocol.e2e.test.ts shows it in Chromium). Turning it off needs a custom
   * app:// protocol in src/main first.
   */
  GrantFileProtocolExtraPrivileges: true
}

/**
 * The @electron/fuses configuration for one packaged binary. `resetAdHocDarwinSignature` re-signs an
 * Apple Silicon build ad hoc, since flipping bits breaks its signature when no identity signs it later.
 * @param {{ electronPlatformName: string, arch: number }} target
 * @param {number} arm64 electron-builder's Arch.arm64
 * @returns {import('@electron/fuses').FuseV1Config}
 */
export function fuseConfig(target, arm64) {
  /** @type {import('@electron/fuses').FuseV1Config} */
  const config = {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: target.electronPlatformName === 'darwin' && target.arch === arm64
  }
  for (const [name, value] of Object.entries(fuses)) config[FuseV1Options[name]] = value
  return config
}

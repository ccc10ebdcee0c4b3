#!/usr/bin/env node
/**
 * `npm run dist [-- electron-builder options]`: builds the installers of electron-builder.yml for this
 * platform (or those named: `--win`, `--mac`, `--linux`), after `npm run build`. Output in dist/.
 * What it downloads, and how to point it at an internal mirror, is printed first (README "Packaging").
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const electron = JSON.parse(readFileSync(resolve(root, 'node_modules/electron/package.json'), 'utf8')).version
const env = (name) => process.env[name] || process.env[name.toLowerCase()] || '(not set)'

const needs = `Packaging needs, besides npm:
  - Electron ${electron} for each target (electron-v${electron}-<platform>-<arch>.zip and SHASUMS256.txt),
    downloaded from GitHub unless ELECTRON_MIRROR names an internal mirror of
    https://github.com/electron/electron/releases/download/ (ELECTRON_MIRROR=${env('ELECTRON_MIRROR')}),
    or already in the cache, electron_config_cache (=${env('electron_config_cache')}; default ~/.cache/electron,
    %LOCALAPPDATA%\\electron\\Cache, ~/Library/Caches/electron);
  - electron-builder's tools (NSIS, AppImage runtime, fpm for deb), downloaded from GitHub unless
    ELECTRON_BUILDER_BINARIES_MIRROR names a mirror of electron-builder-binaries releases
    (=${env('ELECTRON_BUILDER_BINARIES_MIRROR')}), or already in ELECTRON_BUILDER_CACHE (=${env('ELECTRON_BUILDER_CACHE')});
  - behind a proxy: HTTPS_PROXY (=${env('HTTPS_PROXY')}), with NODE_EXTRA_CA_CERTS for a TLS-inspecting one;
  - macOS for the dmg; signing identities are optional (CSC_LINK / CSC_KEY_PASSWORD, or the keychain).`

console.log(needs)
const args = process.argv.slice(2)
const builder = spawnSync(
  resolve(root, 'node_modules/.bin/electron-builder'),
  ['--publish', 'never', ...args],
  {
    cwd: root,
    stdio: 'inherit'
  }
)
if (builder.status !== 0) {
  console.error(
    '\nelectron-builder failed. If it could not download Electron or a tool, see the list above: set the ' +
      'mirror variables, or copy the files into the caches named there, and run `npm run dist` again.'
  )
  process.exit(builder.status ?? 1)
}

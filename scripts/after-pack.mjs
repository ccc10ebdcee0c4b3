/**
 * electron-builder afterPack hook: flips the Electron Fuses of scripts/fuses.mjs in the packaged
 * executable, after the app is copied in and before electron-builder signs it.
 */
import { Arch } from 'electron-builder'
import { fuseConfig } from './fuses.mjs'

/**
 * @param {import('app-builder-lib').AfterPackContext} context
 * @returns {Promise<void>}
 */
export default async function afterPack(context) {
  await context.packager.addElectronFuses(context, fuseConfig(context, Arch.arm64))
  console.log(`  • fuses flipped  platform=${context.electronPlatformName} out=${context.appOutDir}`)
}

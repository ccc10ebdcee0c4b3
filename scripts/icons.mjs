#!/usr/bin/env node
/**
 * Regenerates the packaged app's icons from resources/icon.svg (`npm run icons`), with npm packages
 * only: every PNG size is rendered from the SVG by resvg, then png2icons builds the Windows .ico and
 * the macOS .icns. The results are committed in resources/icons/; electron-builder reads them there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Resvg } from '@resvg/resvg-js'
import png2icons from 'png2icons'

const root = resolve(import.meta.dirname, '..')
const svg = readFileSync(join(root, 'resources/icon.svg'))
const out = join(root, 'resources/icons')

/** Every size the three platforms ask for; Linux reads `<n>x<n>.png` from the folder. */
export const iconSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024]

/** The icon as a PNG of `size` pixels square, drawn from the vector. */
function render(size) {
  return new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()
}

mkdirSync(out, { recursive: true })
for (const size of iconSizes) writeFileSync(join(out, `${size}x${size}.png`), render(size))

const large = render(1024)
// Windows: PNG chunks for the large sizes, bitmaps below 64 px, as Windows Explorer wants in an .exe.
const ico = png2icons.createICO(render(256), png2icons.BICUBIC2, 0, false, true)
const icns = png2icons.createICNS(large, png2icons.BICUBIC2, 0)
if (!ico || !icns) throw new Error('png2icons could not build the .ico or .icns')
writeFileSync(join(out, 'icon.ico'), ico)
writeFileSync(join(out, 'icon.icns'), icns)
console.log(`icons: ${iconSizes.join(', ')} px, icon.ico and icon.icns in ${out}`)

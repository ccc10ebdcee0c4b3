import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accountLabelColors, regionSchema } from '../../src/shared/accounts'

describe('facts defined once in src/shared', () => {
  it('accepts Region IDs of every partition shape, and nothing else', () => {
    for (const region of ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1'])
      expect(regionSchema.safeParse(region).success, region).toBe(true)
    for (const region of ['', 'us-east', 'US-EAST-1', 'useast1', 'us-east-1a', 'u-east-1'])
      expect(regionSchema.safeParse(region).success, region).toBe(false)
  })

  it('gives every account label colour a CSS variable in the light and the dark theme', () => {
    const css = readFileSync(join(import.meta.dirname, '../../src/renderer/src/app.css'), 'utf8')
    for (const color of accountLabelColors)
      expect(css.match(new RegExp(`--label-${color}:`, 'g'))?.length, color).toBe(2)
  })
})

import { formatDuration } from '../../src/shared/text'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accountLabelColors, regionSchema } from '../../src/shared/accounts'
import { isProxyEnvVariable, proxyEnvVariables } from '../../src/shared/settings'

describe('facts defined once in src/shared', () => {
  it('accepts Region IDs of every partition shape, and nothing else', () => {
    for (const region of ['us-east-1', 'eu-central-1', 'ap-southeast-2', 'us-gov-west-1'])
      expect(regionSchema.safeParse(region).success, region).toBe(true)
    for (const region of ['', 'us-east', 'US-EAST-1', 'useast1', 'us-east-1a', 'u-east-1'])
      expect(regionSchema.safeParse(region).success, region).toBe(false)
  })

  it('gives every account label colour one CSS variable, with white text at 4.5:1 or more in both themes', () => {
    const css = readFileSync(join(import.meta.dirname, '../../src/renderer/src/app.css'), 'utf8')
    /** WCAG relative luminance of #rrggbb. */
    const luminance = (hex: string): number => {
      const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      })
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    for (const color of accountLabelColors) {
      const defined = [...css.matchAll(new RegExp(`--label-${color}: (#[0-9a-f]{6});`, 'g'))]
      // One chip colour for both themes (the chip's text is white in both).
      expect(defined.length, color).toBe(1)
      const contrast = 1.05 / (luminance(defined[0]?.[1] ?? '#ffffff') + 0.05)
      expect(contrast, color).toBeGreaterThanOrEqual(4.5)
    }
  })

  it('knows the proxy environment variables in any case, and that no_proxy names no proxy', () => {
    expect(proxyEnvVariables.proxy).toEqual(['https_proxy', 'http_proxy', 'all_proxy'])
    for (const name of ['HTTPS_PROXY', 'http_proxy', 'All_Proxy'])
      expect(isProxyEnvVariable(name), name).toBe(true)
    for (const name of ['NO_PROXY', proxyEnvVariables.noProxy, 'HTTPS_PROXY_X', 'PROXY'])
      expect(isProxyEnvVariable(name), name).toBe(false)
  })

  it('says durations one way, in the app and the CLI: 45 s, 3 min, 1 h 24 min', () => {
    expect([0.2, 45, 185, 5040].map(formatDuration)).toEqual(['1 s', '45 s', '3 min', '1 h 24 min'])
  })
})

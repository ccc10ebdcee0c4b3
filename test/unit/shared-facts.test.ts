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

  it('gives every account label colour a CSS variable in the light and the dark theme', () => {
    const css = readFileSync(join(import.meta.dirname, '../../src/renderer/src/app.css'), 'utf8')
    for (const color of accountLabelColors)
      expect(css.match(new RegExp(`--label-${color}:`, 'g'))?.length, color).toBe(2)
  })

  it('knows the proxy environment variables in any case, and that no_proxy names no proxy', () => {
    expect(proxyEnvVariables.proxy).toEqual(['https_proxy', 'http_proxy', 'all_proxy'])
    for (const name of ['HTTPS_PROXY', 'http_proxy', 'All_Proxy'])
      expect(isProxyEnvVariable(name), name).toBe(true)
    for (const name of ['NO_PROXY', proxyEnvVariables.noProxy, 'HTTPS_PROXY_X', 'PROXY'])
      expect(isProxyEnvVariable(name), name).toBe(false)
  })
})

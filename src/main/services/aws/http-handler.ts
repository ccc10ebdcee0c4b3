/**
 * The HTTP handler every AWS client of a profile uses: the proxy from Settings (else HTTPS_PROXY /
 * HTTP_PROXY / NO_PROXY) and the extra CAs, on top of the usual roots. Loaded with the SDK, only when a
 * command calls AWS.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler'
import * as tls from 'node:tls'
import { ProxyAgent } from 'proxy-agent'
import type { NetworkSettings } from '../../../shared/settings'
import { proxyForUrl, readCaFile } from '../network'

/** The usual trust store: the OS's where this Node can read it (Electron), else Node's bundled roots. */
function defaultRoots(): string[] {
  const withSystem = tls as typeof tls & {
    getCACertificates?: (type: 'default' | 'system' | 'bundled') => string[]
  }
  if (withSystem.getCACertificates) {
    return [
      ...new Set([...withSystem.getCACertificates('bundled'), ...withSystem.getCACertificates('system')])
    ]
  }
  return [...tls.rootCertificates]
}

/**
 * The HTTP handler for one profile's AWS clients: proxy and extra CAs from Settings, AWS_CA_BUNDLE and
 * the profile's `ca_bundle`. Without extra CAs, Node's default trust applies.
 */
export function createRequestHandler(
  settings: NetworkSettings,
  profileCaBundle?: string,
  env: NodeJS.ProcessEnv = process.env
): NodeHttpHandler {
  const extra = [
    settings.caFile ? readCaFile(settings.caFile, 'Settings → Network') : undefined,
    env['AWS_CA_BUNDLE'] ? readCaFile(env['AWS_CA_BUNDLE'], 'AWS_CA_BUNDLE') : undefined,
    profileCaBundle ? readCaFile(profileCaBundle, 'the profile’s ca_bundle') : undefined
  ].filter((pem): pem is string => pem !== undefined)
  const agent = new ProxyAgent({
    keepAlive: true,
    ...(extra.length ? { ca: [...defaultRoots(), ...extra] } : {}),
    // The Settings proxy carries every call; without one, HTTPS_PROXY / HTTP_PROXY / NO_PROXY of `env`.
    getProxyForUrl: (url: string) => settings.proxyUrl ?? proxyForUrl(url, env)
  })
  return new NodeHttpHandler({
    httpAgent: agent,
    httpsAgent: agent,
    connectionTimeout: 10_000,
    requestTimeout: 60_000
  })
}

/**
 * How AWS calls reach AWS from a locked-down workstation: through the proxy in Settings (which then
 * carries every call), else HTTPS_PROXY / HTTP_PROXY / NO_PROXY, trusting the company's CA on top of the usual roots, and with
 * network failures explained as what they are (certificate, proxy, unreachable) instead of "network error".
 */
import { readFileSync } from 'node:fs'
import { AppError } from '../../shared/result'
import { isProxyEnvVariable, type NetworkSettings } from '../../shared/settings'

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID'
])
const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError'
])

/** Reads a PEM bundle, failing with a message that names the file. */
export function readCaFile(file: string, origin: string): string {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (error) {
    throw new AppError(
      'NETWORK_TLS',
      `The CA file ${file} (${origin}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`
    )
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new AppError(
      'NETWORK_TLS',
      `The CA file ${file} (${origin}) holds no PEM certificate (-----BEGIN CERTIFICATE-----).`
    )
  }
  return pem
}

/** The proxies a request may have gone through: the Settings proxy, else the environment's. */
export function proxiesInUse(settings: NetworkSettings, env: NodeJS.ProcessEnv = process.env): string[] {
  if (settings.proxyUrl) return [settings.proxyUrl]
  return Object.entries(env)
    .filter(([key, value]) => isProxyEnvVariable(key) && value)
    .map(([, value]) => value as string)
    .filter((value) => URL.canParse(value))
}

/**
 * Turns a failed request into an error that says what went wrong on the network, or undefined. A refused
 * connection to one of `proxies` is the proxy's fault, not AWS's.
 */
export function explainNetworkError(error: unknown, proxies: string[]): AppError | undefined {
  if (!(error instanceof Error)) return undefined
  const code = (error as NodeJS.ErrnoException).code ?? error.name
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  if (tlsCodes.has(code)) {
    return new AppError(
      'NETWORK_TLS',
      `Certificate not trusted: ${error.message} (${code}). If your company inspects TLS, add its CA certificate in Settings → Network or AWS_CA_BUNDLE.`,
      { code }
    )
  }
  if (status === 407) {
    return new AppError(
      'NETWORK_PROXY',
      `Proxy refused: it requires authentication (407). Put the user and password in the proxy URL, e.g. http://user:pass@proxy:3128.`,
      { status }
    )
  }
  if (unreachableCodes.has(code)) {
    const { address, port, hostname } = error as NodeJS.ErrnoException & {
      address?: string
      port?: number
      hostname?: string
    }
    const proxy = proxies
      .filter((url) => URL.canParse(url))
      .map((url) => new URL(url))
      .find((p) => {
        const proxyPort = p.port || (p.protocol === 'https:' ? '443' : '80')
        // A name that did not resolve (ENOTFOUND carries the name), or the address and port connected to.
        if (hostname !== undefined) return hostname === p.hostname
        return (
          address !== undefined &&
          (p.hostname === address || p.hostname === 'localhost' || !/^[\d.:[\]]+$/.test(p.hostname)) &&
          String(port) === proxyPort
        )
      })
    if (proxy) {
      const check =
        'Check the proxy URL in Settings → Network (or HTTPS_PROXY when Settings has none); nothing reached AWS.'
      const message =
        code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? `Proxy not found: the name ${proxy.hostname} does not resolve (${code}). ${check}`
          : code === 'ECONNREFUSED'
            ? `Proxy refused: ${proxy.host} did not accept the connection (${code}). ${check}`
            : `Proxy not answering: ${proxy.host} (${code}). ${check}`
      return new AppError('NETWORK_PROXY', message, { code })
    }
    return new AppError(
      'NETWORK_UNREACHABLE',
      `Cannot reach ${address ? `${address}${port ? `:${port}` : ''}` : (hostname ?? 'the AWS endpoint')}: ${error.message} (${code}). Check the network, VPN and any endpoint_url.`,
      { code }
    )
  }
  return undefined
}

const defaultPorts: Record<string, number> = { http: 80, https: 443 }

/**
 * The proxy for `url` from `env` (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, NO_PROXY), by proxy-from-env's
 * rules, but reading the environment it is given: the CLI run in-process, or a host with its own.
 */
export function proxyForUrl(url: string, env: NodeJS.ProcessEnv): string {
  const get = (key: string): string => env[key.toLowerCase()] || env[key.toUpperCase()] || ''
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return ''
  }
  const protocol = parsed.protocol.replace(/:$/, '')
  const hostname = parsed.host.replace(/:\d*$/, '')
  const port = Number(parsed.port) || defaultPorts[protocol] || 0
  const noProxy = get('no_proxy').toLowerCase()
  if (noProxy === '*') return ''
  const bypassed = noProxy.split(/[,\s]/).some((entry) => {
    if (!entry) return false
    const [, host = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? []
    if (entryPort && Number(entryPort) !== port) return false
    return /^[.*]/.test(host) ? hostname.endsWith(host.replace(/^\*/, '')) : hostname === host
  })
  if (bypassed) return ''
  const proxy = get(`${protocol}_proxy`) || get('all_proxy')
  return proxy && !proxy.includes('://') ? `${protocol}://${proxy}` : proxy
}

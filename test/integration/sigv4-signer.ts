/**
 * A synchronous SigV4 signer for tests and benchmarks that send raw HTTP to the Sandbox: the load
 * generator signs thousands of requests a second and cannot wait on the SDK's async pipeline.
 * It lives apart from the Sandbox's verifier (src/main/sandbox/sigv4.ts) and shares no code with it;
 * test/unit/sigv4.test.ts checks that it signs exactly as the AWS SDK's own `SignatureV4` does.
 */
import { createHash, createHmac } from 'node:crypto'

/** A raw request about to be sent: `url` is path and query exactly as they go on the wire. */
export interface RawRequest {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface SigningCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - . _ ~ */
const escape = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** A non-S3 service's canonical URI: the wire path without empty/dot segments, encoded once more. */
function canonicalUri(path: string): string {
  const kept: string[] = []
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') kept.pop()
    else kept.push(escape(segment))
  }
  return `/${kept.join('/')}${kept.length > 0 && path.endsWith('/') ? '/' : ''}`
}

function canonicalQuery(query: string): string {
  return (
    query
      .split('&')
      .filter(Boolean)
      .map((pair): [string, string] => {
        const [key = '', ...value] = pair.split('=')
        return [escape(decode(key)), escape(decode(value.join('=')))]
      })
      // By key, then by value; sorting the joined "key=value" strings would put "a-b=" before "a=".
      .sort(([ak, av], [bk, bv]) => (ak !== bk ? (ak < bk ? -1 : 1) : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join('&')
  )
}

/**
 * Signs `request` in place as an AWS client would: adds `x-amz-date`, the session token when there is
 * one, and `Authorization` covering host, content-type and every x-amz-* header.
 */
export function signRequest(
  request: RawRequest,
  credentials: SigningCredentials,
  region: string,
  service: string,
  now = new Date()
): void {
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '')
  const date = amzDate.slice(0, 8)
  request.headers['x-amz-date'] = amzDate
  if (credentials.sessionToken) request.headers['x-amz-security-token'] = credentials.sessionToken
  const headers = new Map<string, string>()
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase()
    if (value === undefined) continue
    if (lower !== 'host' && lower !== 'content-type' && !lower.startsWith('x-amz-')) continue
    headers.set(lower, (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' '))
  }
  const signedHeaders = [...headers.keys()].sort()
  const [path = '/', query = ''] = request.url.split('?', 2)
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    signedHeaders.map((name) => `${name}:${headers.get(name) ?? ''}\n`).join(''),
    signedHeaders.join(';'),
    sha256Hex(request.body)
  ].join('\n')
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n')
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region), service),
    'aws4_request'
  )
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex')
  request.headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
}

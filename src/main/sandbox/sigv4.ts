/**
 * AWS Signature Version 4, written out from the specification so the Sandbox checks signatures
 * independently of the SDK that made them. `verifySigV4` is what the server runs on every request; the
 * signer that tests and benchmarks use lives in test/integration/sigv4-signer.ts.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** The parts of an HTTP request that SigV4 covers. */
export interface SignableRequest {
  method: string
  /** Path and query exactly as sent on the wire (still percent-encoded). */
  url: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

/** A parsed `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface SigV4Authorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

const algorithm = 'AWS4-HMAC-SHA256'

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest()

/** RFC 3986 encoding as SigV4 requires (encodeURIComponent leaves !'()* alone). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function header(headers: SignableRequest['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

/** Parses the Authorization header; undefined when it is not SigV4. */
export function parseAuthorization(value: string | undefined): SigV4Authorization | undefined {
  if (!value?.startsWith(`${algorithm} `)) return undefined
  const fields = new Map<string, string>()
  for (const part of value.slice(algorithm.length + 1).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim())
  }
  const scope = fields.get('Credential')?.split('/')
  const signedHeaders = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (!scope || scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !signature)
    return undefined
  const [accessKeyId, date, region, service] = scope as [string, string, string, string]
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature }
}

/**
 * A non-S3 service's canonical URI: the path normalised as RFC 3986 says (empty and "." segments
 * dropped, ".." removing the one before, as the SDKs and AWS do), then each already-encoded segment
 * encoded again.
 */
function canonicalPath(rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(uriEncode(segment))
  }
  return `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`
}

function canonicalRequest(request: SignableRequest, signedHeaders: string[], payloadHash: string): string {
  const [rawPath = '/', rawQuery = ''] = request.url.split('?', 2) as [string, string?]
  const path = canonicalPath(rawPath)
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=')
      const key = eq < 0 ? pair : pair.slice(0, eq)
      const value = eq < 0 ? '' : pair.slice(eq + 1)
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  const headers = signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('')
  return [request.method, path, query, headers, signedHeaders.join(';'), payloadHash].join('\n')
}

const signingKeys = new Map<string, Buffer>()

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`
  let key = signingKeys.get(id)
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request')
    if (signingKeys.size > 1000) signingKeys.clear()
    signingKeys.set(id, key)
  }
  return key
}

function signature(
  request: SignableRequest,
  auth: SigV4Authorization,
  secret: string,
  amzDate: string,
  payloadHash = sha256Hex(request.body)
): string {
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = [
    algorithm,
    amzDate,
    scope,
    sha256Hex(canonicalRequest(request, auth.signedHeaders, payloadHash))
  ].join('\n')
  return createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest('hex')
}

/** Why a signature was refused, or `ok`. */
export type SigV4Check = { ok: true } | { ok: false; reason: string }

/** Checks the request's signature with `secret`, and that its date is within 15 minutes of `now`. */
export function verifySigV4(
  request: SignableRequest,
  auth: SigV4Authorization,
  secret: string,
  now = new Date()
): SigV4Check {
  const amzDate = header(request.headers, 'x-amz-date')
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(auth.date)) {
    return { ok: false, reason: 'The request must carry an X-Amz-Date header matching the credential scope.' }
  }
  if (!auth.signedHeaders.includes('host')) return { ok: false, reason: "'Host' must be a signed header." }
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`
  )
  if (Math.abs(now.getTime() - signedAt) > 15 * 60_000) {
    return {
      ok: false,
      reason: `Signature expired: ${amzDate} is more than 15 minutes from the server time.`
    }
  }
  // The signature covers the body through its hash: a client-supplied x-amz-content-sha256 (the SDKs
  // send one) is only trusted when it is the body's hash, else any body would pass under it.
  const payloadHash = sha256Hex(request.body)
  const claimedHash = header(request.headers, 'x-amz-content-sha256')
  if (claimedHash !== undefined && claimedHash !== payloadHash) {
    return {
      ok: false,
      reason: "The provided 'x-amz-content-sha256' header does not match what was computed."
    }
  }
  const expected = Buffer.from(signature(request, auth, secret, amzDate, payloadHash))
  const given = Buffer.from(auth.signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      ok: false,
      reason:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'
    }
  }
  return { ok: true }
}

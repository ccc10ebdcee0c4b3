/**
 * The Sandbox's SigV4 verifier, checked against signatures it did not make: requests signed by the AWS
 * SDK's own `SignatureV4` and sent over HTTP (as every SDK client's are), and AWS's published SigV4
 * test-suite vectors with their known signatures.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildQueryString, HttpRequest } from '@smithy/core/protocols'
import { Hash } from '@smithy/core/serde'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { SignatureV4 } from '@smithy/signature-v4'
import type { AwsCredentialIdentity, QueryParameterBag } from '@smithy/types'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  parseAuthorization,
  verifySigV4,
  type SigV4Check,
  type SignableRequest
} from '../../src/main/sandbox/sigv4'
import { signRequest } from '../integration/sigv4-signer'

const mismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.'

// ---------------------------------------------------------------------------------------------------
// (a) Requests signed by the AWS SDK, verified by a server that calls the verifier as the Sandbox does

const keys: AwsCredentialIdentity = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}
const signedAt = new Date('2026-11-28T12:00:00Z')

/** What the verifying server uses: the secret it knows for the key, and its clock. */
const server = { secret: keys.secretAccessKey, now: signedAt }
let http: Server
let port = 0
const handler = new NodeHttpHandler()

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

beforeAll(async () => {
  // Mirrors src/main/sandbox/server.ts: the raw url, Node's parsed headers and the body as received.
  http = createServer((req, res) => {
    void readBody(req).then((body) => {
      const auth = parseAuthorization(req.headers.authorization)
      const check: SigV4Check = auth
        ? verifySigV4(
            { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
            auth,
            server.secret,
            server.now
          )
        : { ok: false, reason: 'no SigV4 Authorization header' }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(check))
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  port = (http.address() as AddressInfo).port
})

afterAll(async () => {
  handler.destroy()
  await new Promise((resolve) => http.close(resolve))
})

beforeEach(() => {
  server.secret = keys.secretAccessKey
  server.now = signedAt
})

interface RequestInit {
  method?: string
  path: string
  query?: QueryParameterBag
  headers?: Record<string, string>
  body?: string
}

function sdkRequest(init: RequestInit): HttpRequest {
  return new HttpRequest({
    protocol: 'http:',
    hostname: '127.0.0.1',
    port,
    method: init.method ?? 'GET',
    path: init.path,
    query: init.query ?? {},
    headers: {
      host: `127.0.0.1:${port}`,
      ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
      ...init.headers
    },
    ...(init.body !== undefined ? { body: init.body } : {})
  })
}

/** The SDK's signer as the Connect and STS clients configure it (non-S3: the path is escaped again). */
function sdkSigner(
  options: { credentials?: AwsCredentialIdentity; applyChecksum?: boolean } = {}
): SignatureV4 {
  return new SignatureV4({
    credentials: options.credentials ?? keys,
    region: 'eu-west-2',
    service: 'connect',
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    applyChecksum: options.applyChecksum ?? true
  })
}

async function sdkSigned(
  init: RequestInit,
  options: Parameters<typeof sdkSigner>[0] = {}
): Promise<HttpRequest> {
  const signed = await sdkSigner(options).sign(sdkRequest(init), { signingDate: signedAt })
  return HttpRequest.clone(signed)
}

/** Sends `request` with the SDK's Node HTTP handler; resolves with the server's verdict. */
async function verdict(request: HttpRequest): Promise<SigV4Check> {
  const { response } = await handler.handle(request)
  const body = await readBody(response.body as IncomingMessage)
  return JSON.parse(body.toString('utf8')) as SigV4Check
}

const refused = (reason: string | RegExp): { ok: false; reason: unknown } => ({
  ok: false,
  reason: typeof reason === 'string' ? reason : expect.stringMatching(reason)
})

describe('SigV4 verification of requests signed by the AWS SDK (SignatureV4 over HTTP)', () => {
  it('accepts a GET whose query needs encoding (spaces, reserved and non-ASCII characters, lists)', async () => {
    const request = await sdkSigned({
      path: '/users-summary/inst-1',
      query: {
        'search term': 'jane doe & co=1/2+3',
        maxResults: '25',
        'ärger?': "!*()' ~._-",
        list: ['b value', 'a value'],
        empty: ''
      }
    })
    expect(buildQueryString(request.query)).toContain('search%20term=jane%20doe%20%26%20co%3D1%2F2%2B3')
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts a PUT with a JSON body and the x-amz-content-sha256 header the SDK clients send', async () => {
    const request = await sdkSigned({
      method: 'PUT',
      path: '/users/inst-1',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Username: 'jane', IdentityInfo: { FirstName: 'Jäne', LastName: 'Doe' } })
    })
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(request.headers['authorization']).toContain('x-amz-content-sha256')
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts a POST whose body is covered only through the payload hash (no checksum header)', async () => {
    const request = await sdkSigned(
      {
        method: 'POST',
        path: '/users/inst-1/user-1/identity-info',
        headers: { 'content-type': 'application/json' },
        body: '{"IdentityInfo":{"Email":"jane@example.com"}}'
      },
      { applyChecksum: false }
    )
    expect(request.headers['x-amz-content-sha256']).toBeUndefined()
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts temporary credentials, whose session token is a signed header', async () => {
    const request = await sdkSigned(
      { path: '/instance' },
      { credentials: { ...keys, sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/odd=chars' } }
    )
    expect(request.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE//token+with/odd=chars')
    expect(parseAuthorization(request.headers['authorization'])?.signedHeaders).toContain(
      'x-amz-security-token'
    )
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts unicode path segments as the SDK serializers encode them', async () => {
    const user = encodeURIComponent('jörg.ñandú ✓ 用户')
    const request = await sdkSigned({ path: `/users/inst-1/${user}` })
    expect(request.path).toBe(`/users/inst-1/${user}`)
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts header values with runs of spaces and tabs, which SigV4 collapses', async () => {
    const request = await sdkSigned({
      method: 'POST',
      path: '/users/inst-1',
      headers: {
        'content-type': 'application/json;   charset=utf-8',
        'x-amz-meta-note': 'a   b \t c',
        'x-amz-target': '  Connect.CreateUser  '
      },
      body: '{}'
    })
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('accepts paths the SDK normalises before signing (empty, "." and ".." segments)', async () => {
    const request = await sdkSigned({ path: '/users//inst-1/./user-1/extra/..' })
    expect(await verdict(request)).toEqual({ ok: true })
  })

  it('parses the Authorization header the SDK writes', async () => {
    const request = await sdkSigned({ path: '/instance' })
    expect(parseAuthorization(request.headers['authorization'])).toEqual({
      accessKeyId: keys.accessKeyId,
      date: '20261128',
      region: 'eu-west-2',
      service: 'connect',
      signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date'],
      signature: expect.stringMatching(/^[0-9a-f]{64}$/)
    })
    expect(parseAuthorization('Basic dXNlcjpwYXNz')).toBeUndefined()
    expect(parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20261128/eu-west-2/connect')).toBeUndefined()
    expect(parseAuthorization(undefined)).toBeUndefined()
  })
})

describe('SigV4 verification refuses tampered SDK-signed requests', () => {
  const put: RequestInit = {
    method: 'PUT',
    path: '/users/inst-1',
    query: { clientToken: 'abc 123' },
    headers: { 'content-type': 'application/json', 'x-amz-meta-team': 'blue' },
    body: '{"Username":"jane"}'
  }

  it('a body changed after signing, with or without the signed x-amz-content-sha256 header', async () => {
    const reasons: Record<string, string> = {
      true: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      false: mismatch
    }
    for (const applyChecksum of [true, false]) {
      const request = await sdkSigned(put, { applyChecksum })
      expect(await verdict(request)).toEqual({ ok: true })
      // Same length, so even the signed content-length still matches.
      request.body = '{"Username":"evil"}'
      expect(await verdict(request)).toEqual(refused(reasons[String(applyChecksum)] ?? ''))
    }
  })

  it('a body and x-amz-content-sha256 changed together', async () => {
    const request = await sdkSigned(put)
    request.body = '{"Username":"mallory"}'
    request.headers['content-length'] = String(request.body.length)
    request.headers['x-amz-content-sha256'] = await hashHex(request.body)
    expect(await verdict(request)).toEqual(refused(mismatch))
  })

  it('a signed header changed, or an unsigned one presented as signed', async () => {
    const changes: Array<(r: HttpRequest) => void> = [
      (r) => (r.headers['content-type'] = 'text/plain'),
      (r) => (r.headers['x-amz-meta-team'] = 'red'),
      (r) => (r.headers['host'] = 'connect.eu-west-2.amazonaws.com')
    ]
    for (const change of changes) {
      const request = await sdkSigned(put)
      change(request)
      expect(await verdict(request)).toEqual(refused(mismatch))
    }
  })

  it('the method, path or query changed', async () => {
    const changes: Array<(r: HttpRequest) => void> = [
      (r) => (r.method = 'POST'),
      (r) => (r.path = '/users/inst-2'),
      (r) => (r.query = { clientToken: 'abc 124' }),
      (r) => (r.query = { ...r.query, extra: '1' })
    ]
    for (const change of changes) {
      const request = await sdkSigned(put)
      change(request)
      expect(await verdict(request)).toEqual(refused(mismatch))
    }
  })

  it('a wrong secret, or a session token swapped after signing', async () => {
    server.secret = 'not-the-secret'
    expect(await verdict(await sdkSigned(put))).toEqual(refused(mismatch))
    server.secret = keys.secretAccessKey
    const withToken = await sdkSigned(put, { credentials: { ...keys, sessionToken: 'token-one' } })
    withToken.headers['x-amz-security-token'] = 'token-two'
    expect(await verdict(withToken)).toEqual(refused(mismatch))
  })

  it('a signature more than 15 minutes from the server clock, either way, and a rewritten date', async () => {
    const request = await sdkSigned(put)
    server.now = new Date(signedAt.getTime() + 14 * 60_000)
    expect(await verdict(request)).toEqual({ ok: true })
    server.now = new Date(signedAt.getTime() - 14 * 60_000)
    expect(await verdict(request)).toEqual({ ok: true })
    server.now = new Date(signedAt.getTime() + 16 * 60_000)
    expect(await verdict(request)).toEqual(refused(/^Signature expired: 20261128T120000Z/))
    server.now = new Date(signedAt.getTime() - 16 * 60_000)
    expect(await verdict(request)).toEqual(refused(/^Signature expired/))

    // Moving x-amz-date forward to dodge the expiry breaks the signature instead.
    server.now = new Date(signedAt.getTime() + 60 * 60_000)
    request.headers['x-amz-date'] = '20261128T130000Z'
    expect(await verdict(request)).toEqual(refused(mismatch))
  })

  it('a date that does not match the credential scope, or no date, or no signed host', async () => {
    const request = await sdkSigned(put)
    request.headers['x-amz-date'] = '20261129T120000Z'
    expect(await verdict(request)).toEqual(refused(/X-Amz-Date header matching the credential scope/))
    delete request.headers['x-amz-date']
    expect(await verdict(request)).toEqual(refused(/X-Amz-Date header matching the credential scope/))

    const noHost = await sdkSigned(put)
    noHost.headers['authorization'] = noHost.headers['authorization']!.replace(
      /SignedHeaders=[^,]+/,
      'SignedHeaders=content-type;x-amz-date'
    )
    expect(await verdict(noHost)).toEqual(refused("'Host' must be a signed header."))
  })
})

async function hashHex(data: string): Promise<string> {
  const hash = new Hash('sha256')
  hash.update(data)
  return Buffer.from(await hash.digest()).toString('hex')
}

describe('the raw-request signer in test/integration (used by the benchmark and raw-HTTP tests)', () => {
  /** Signs the same request with the test signer and with the SDK (host, content-type and x-amz-* only). */
  async function both(
    init: RequestInit,
    credentials: AwsCredentialIdentity = keys
  ): Promise<{ ours: string; sdk: string }> {
    const unsigned = sdkRequest(init)
    delete unsigned.headers['content-length'] // the SDK signs it; the raw signer leaves it out
    const sdk = await sdkSigner({ credentials, applyChecksum: false }).sign(unsigned, {
      signingDate: signedAt
    })
    const query = buildQueryString(init.query ?? {})
    const raw = {
      method: init.method ?? 'GET',
      url: `${init.path}${query ? `?${query}` : ''}`,
      headers: { host: `127.0.0.1:${port}`, ...init.headers } as Record<string, string>,
      body: Buffer.from(init.body ?? '')
    }
    signRequest(raw, credentials, 'eu-west-2', 'connect', signedAt)
    return { ours: raw.headers['authorization'] ?? '', sdk: sdk.headers['authorization'] ?? '' }
  }

  it('signs exactly as the SDK does', async () => {
    const cases: Array<[RequestInit, AwsCredentialIdentity?]> = [
      [{ path: '/instance', query: { maxResults: '10', 'next token': 'a/b+c=', a: ['2', '1'] } }],
      [{ path: '/users/inst-1', query: { a: '1', 'a-b': '2' } }],
      [
        {
          method: 'PUT',
          path: '/users/inst-1',
          headers: { 'content-type': 'application/json', 'x-amz-meta-x': ' a  b ' },
          body: '{"Username":"jane"}'
        }
      ],
      [{ path: `/users/inst-1/${encodeURIComponent('jörg ✓')}` }],
      [{ path: '/users//inst-1/./x/..' }],
      [
        { method: 'POST', path: '/', body: 'Action=GetCallerIdentity' },
        { ...keys, sessionToken: 'tok/en+' }
      ]
    ]
    for (const [init, credentials] of cases) {
      const { ours, sdk } = await both(init, credentials)
      expect(ours).toMatch(/^AWS4-HMAC-SHA256 Credential=/)
      expect(ours).toBe(sdk)
    }
  })

  it('makes requests the verifier accepts over HTTP, and refuses once tampered', async () => {
    const send = (raw: { method: string; url: string; headers: Record<string, string>; body: Buffer }) =>
      new Promise<SigV4Check>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: raw.method, path: raw.url, headers: raw.headers },
          (res) => void readBody(res).then((b) => resolve(JSON.parse(b.toString('utf8')) as SigV4Check))
        )
        req.on('error', reject)
        req.end(raw.body)
      })
    const body = Buffer.from('{"Username":"jane"}')
    const raw = {
      method: 'PUT',
      url: `/users/inst-1?clientToken=${encodeURIComponent('a b')}`,
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json' } as Record<string, string>,
      body
    }
    signRequest(raw, { ...keys, sessionToken: 'token' }, 'eu-west-2', 'connect', signedAt)
    expect(await send(raw)).toEqual({ ok: true })
    expect(await send({ ...raw, body: Buffer.from('{"Username":"evil"}') })).toEqual(refused(mismatch))
  })
})

// ---------------------------------------------------------------------------------------------------
// (b) AWS's published SigV4 test suite (service "service", us-east-1, 2015-08-30T12:36:00Z, AKIDEXAMPLE).
//
// Requests and expected Authorization headers are copied from the suite as AWS maintains it in
//   github.com/awslabs/aws-c-auth  tests/aws-signing-test-suite/v4/<name>/header-signed-request.txt
//   (commit 4ec99f28fa66f8a308609dfc6020936c24edaaf2, and 71a25bdee47398379c389e60bfdd74fc031dc20a for
//   the two post-x-www-form-urlencoded ones; "aws-c-auth" below; the "-normalized" cases are
//   the non-S3 ones, which is what Connect and STS are), and, where noted "smithy", from the copy of
//   the original suite the JS SDK's signer is tested against:
//   github.com/smithy-lang/smithy-typescript  packages/signature-v4/src/suite.fixture.ts.
// `url` is the request line's target as the suite writes it (which for get-utf8 and get-space is the
// path before percent-encoding); header names are lower-cased as Node hands them over, and repeated
// headers are given as the list the suite repeats.

const suiteSecret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
const suiteTime = new Date('2015-08-30T12:36:00Z')
const host = 'example.amazonaws.com'
const date = '20150830T123600Z'
const authz = (signedHeaders: string, signature: string): string =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`
const stsToken =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='

interface Vector {
  name: string
  method: string
  url: string
  headers?: Record<string, string | string[]>
  body?: string
  authorization: string
}

const hd = 'host;x-amz-date'
const vectors: Vector[] = [
  // aws-c-auth and smithy
  {
    name: 'get-vanilla',
    method: 'GET',
    url: '/',
    authorization: authz(hd, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    url: '/?Param2=value2&Param1=value1',
    authorization: authz(hd, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500')
  },
  {
    name: 'get-vanilla-query-order-encoded',
    method: 'GET',
    url: '/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1',
    authorization: authz(hd, '371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac')
  },
  {
    name: 'get-vanilla-empty-query-key',
    method: 'GET',
    url: '/?Param1=value1',
    authorization: authz(hd, 'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb')
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    url: '/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    authorization: authz(hd, '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197')
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    url: '/?ሴ=bar',
    authorization: authz(hd, '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04')
  },
  {
    name: 'get-vanilla-utf8-query (as a client sends it, percent-encoded)',
    method: 'GET',
    url: '/?%E1%88%B4=bar',
    authorization: authz(hd, '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04')
  },
  {
    name: 'get-unreserved',
    method: 'GET',
    url: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    authorization: authz(hd, '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f')
  },
  {
    name: 'get-utf8',
    method: 'GET',
    url: '/ሴ',
    authorization: authz(hd, '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85')
  },
  {
    name: 'get-space-normalized',
    method: 'GET',
    url: '/example space/',
    authorization: authz(hd, '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741')
  },
  {
    name: 'get-slash-normalized',
    method: 'GET',
    url: '//',
    authorization: authz(hd, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
  },
  {
    name: 'get-slash-dot-slash-normalized',
    method: 'GET',
    url: '/./',
    authorization: authz(hd, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
  },
  {
    name: 'get-slash-pointless-dot-normalized',
    method: 'GET',
    url: '/./example',
    authorization: authz(hd, 'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5')
  },
  {
    name: 'get-slashes-normalized',
    method: 'GET',
    url: '//example//',
    authorization: authz(hd, '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84')
  },
  {
    name: 'get-relative-normalized',
    method: 'GET',
    url: '/example/..',
    authorization: authz(hd, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
  },
  {
    name: 'get-relative-relative-normalized',
    method: 'GET',
    url: '/example1/example2/../..',
    authorization: authz(hd, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    url: '/',
    headers: { 'my-header1': ' value1', 'my-header2': '"a   b   c"' },
    authorization: authz(
      'host;my-header1;my-header2;x-amz-date',
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736'
    )
  },
  {
    name: 'get-header-key-duplicate',
    method: 'GET',
    url: '/',
    headers: { 'my-header1': ['value2', 'value2', 'value1'] },
    authorization: authz(
      'host;my-header1;x-amz-date',
      'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea'
    )
  },
  {
    name: 'get-header-value-order',
    method: 'GET',
    url: '/',
    headers: { 'my-header1': ['value4', 'value1', 'value3', 'value2'] },
    authorization: authz(
      'host;my-header1;x-amz-date',
      '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01'
    )
  },
  {
    name: 'get-vanilla-with-session-token',
    method: 'GET',
    url: '/',
    headers: { 'x-amz-security-token': '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267' },
    authorization: authz(
      'host;x-amz-date;x-amz-security-token',
      '07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8'
    )
  },
  {
    name: 'post-vanilla',
    method: 'POST',
    url: '/',
    authorization: authz(hd, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b')
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    url: '/?Param1=value1',
    authorization: authz(hd, '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11')
  },
  {
    name: 'post-sts-header-before',
    method: 'POST',
    url: '/',
    headers: { 'x-amz-security-token': stsToken },
    authorization: authz(
      'host;x-amz-date;x-amz-security-token',
      '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'
    )
  },
  {
    name: 'post-x-www-form-urlencoded (aws-c-auth: with content-length and x-amz-content-sha256)',
    method: 'POST',
    url: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '13',
      'x-amz-content-sha256': '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e'
    },
    body: 'Param1=value1',
    authorization: authz(
      'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
      'd3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b'
    )
  },
  {
    name: 'post-x-www-form-urlencoded-parameters (aws-c-auth)',
    method: 'POST',
    url: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'content-length': '13',
      'x-amz-content-sha256': '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e'
    },
    body: 'Param1=value1',
    authorization: authz(
      'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
      '328d1b9eaadca9f5818ef05e8392801e091653bafec24fcab71e7344e7f51422'
    )
  },
  // smithy only (the original suite's form, without content-length and checksum headers)
  {
    name: 'post-header-key-sort (smithy)',
    method: 'POST',
    url: '/',
    headers: { 'my-header1': 'value1' },
    authorization: authz(
      'host;my-header1;x-amz-date',
      'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c'
    )
  },
  {
    name: 'post-header-value-case (smithy)',
    method: 'POST',
    url: '/',
    headers: { 'my-header1': 'VALUE1' },
    authorization: authz(
      'host;my-header1;x-amz-date',
      'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d'
    )
  },
  {
    name: 'post-x-www-form-urlencoded (smithy)',
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Param1=value1',
    authorization: authz(
      'content-type;host;x-amz-date',
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'
    )
  },
  {
    name: 'post-x-www-form-urlencoded-parameters (smithy)',
    method: 'POST',
    url: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf8' },
    body: 'Param1=value1',
    authorization: authz(
      'content-type;host;x-amz-date',
      '1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe'
    )
  }
]

function suiteRequest(vector: Vector): SignableRequest {
  return {
    method: vector.method,
    url: vector.url,
    headers: { host, 'x-amz-date': date, ...vector.headers, authorization: vector.authorization },
    body: Buffer.from(vector.body ?? '')
  }
}

function verifySuite(request: SignableRequest, secret = suiteSecret): SigV4Check {
  const auth = parseAuthorization(String(request.headers['authorization']))
  if (!auth) throw new Error('the vector has no SigV4 Authorization header')
  return verifySigV4(request, auth, secret, suiteTime)
}

describe("AWS's SigV4 test suite", () => {
  it.each(vectors.map((v) => [v.name, v] as const))('%s verifies', (_name, vector) => {
    expect(verifySuite(suiteRequest(vector))).toEqual({ ok: true })
  })

  it.each(vectors.map((v) => [v.name, v] as const))(
    '%s fails with another secret or a changed body',
    (_name, vector) => {
      expect(verifySuite(suiteRequest(vector), 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ')).toEqual(
        refused(mismatch)
      )
      const changed = suiteRequest(vector)
      changed.body = Buffer.from(`${vector.body ?? ''}x`)
      expect(verifySuite(changed).ok).toBe(false)
    }
  )

  it("refuses the S3-style (unnormalised) signature of a path with dot segments, as Connect's endpoints would", () => {
    // aws-c-auth get-slash-dot-slash-unnormalized: same request as get-slash-dot-slash-normalized,
    // signed without normalising the path (how S3 signs).
    const request = suiteRequest({
      name: 'get-slash-dot-slash-unnormalized',
      method: 'GET',
      url: '/./',
      authorization: authz(hd, '68714168e6557f8f2de0ef956fc24dc2593a4bd2961f8df51898d8a134695145')
    })
    expect(verifySuite(request)).toEqual(refused(mismatch))
  })
})

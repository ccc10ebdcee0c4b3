import { describe, expect, it } from 'vitest'
import {
  parseAuthorization,
  signRequest,
  verifySigV4,
  type SignableRequest
} from '../../src/main/sandbox/sigv4'

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
}
const at = new Date('2026-11-28T12:00:00Z')

function signed(overrides: Partial<SignableRequest> = {}): SignableRequest {
  const request: SignableRequest = {
    method: 'PUT',
    url: '/users/inst-1?b=2&a=1%2F2',
    headers: { host: '127.0.0.1:4566', 'content-type': 'application/json' },
    body: Buffer.from('{"Username":"jane"}'),
    ...overrides
  }
  signRequest(request, credentials, 'eu-west-2', 'connect', at)
  return request
}

function check(request: SignableRequest, secret = credentials.secretAccessKey, now = at): boolean {
  const auth = parseAuthorization(String(request.headers['authorization']))
  if (!auth) throw new Error('no authorization header')
  return verifySigV4(request, auth, secret, now).ok
}

describe('SigV4', () => {
  it('parses the credential scope and signed headers', () => {
    const auth = parseAuthorization(String(signed().headers['authorization']))
    expect(auth).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20261128',
      region: 'eu-west-2',
      service: 'connect',
      signedHeaders: ['content-type', 'host', 'x-amz-date']
    })
    expect(parseAuthorization('Basic dXNlcjpwYXNz')).toBeUndefined()
  })

  it('accepts its own signature and rejects any tampering', () => {
    expect(check(signed())).toBe(true)
    expect(check(signed(), 'wrong-secret')).toBe(false)
    const body = signed()
    body.body = Buffer.from('{"Username":"mallory"}')
    expect(check(body)).toBe(false)
    const path = signed()
    path.url = '/users/inst-2?b=2&a=1%2F2'
    expect(check(path)).toBe(false)
    const header = signed()
    header.headers['host'] = 'evil.example'
    expect(check(header)).toBe(false)
  })

  it('refuses a signature older than 15 minutes', () => {
    expect(check(signed(), credentials.secretAccessKey, new Date(at.getTime() + 16 * 60_000))).toBe(false)
    expect(check(signed(), credentials.secretAccessKey, new Date(at.getTime() + 14 * 60_000))).toBe(true)
  })

  it('matches the published AWS SigV4 test vector (get-vanilla)', () => {
    // From AWS's SigV4 test suite: GET / on example.amazonaws.com, service "service", us-east-1.
    const request: SignableRequest = {
      method: 'GET',
      url: '/',
      headers: { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' },
      body: Buffer.alloc(0)
    }
    const auth = {
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'service',
      signedHeaders: ['host', 'x-amz-date'],
      signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
    }
    expect(verifySigV4(request, auth, credentials.secretAccessKey, new Date('2015-08-30T12:36:00Z'))).toEqual(
      { ok: true }
    )
  })
})

/**
 * The IAM Identity Center token cache, byte for byte as the AWS CLI v2 writes it: the file name (sha1
 * of the sso-session name, or of the start URL for a legacy profile), the JSON (Python's json.dumps:
 * key order, separators, ASCII escapes), times as %Y-%m-%dT%H:%M:%SZ, owner-only files; and the
 * registration cache key as botocore computes it.
 *
 * The expected values were produced with botocore 1.43.11's own code on this machine, not by the code
 * under test: `SSOTokenLoader()._generate_cache_key(...)` for the names, and `JSONFileCache(dir,
 * dumps_func=botocore.tokens._sso_json_dumps)[key] = token` (the writer the AWS CLI v2 also uses) for
 * the file contents, and `hashlib.sha1(json.dumps(args, sort_keys=True))` as `_registration_cache_key`.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  awsSsoCacheFolder,
  parseTimestamp,
  registrationCacheKey,
  serializeRegistration,
  serializeToken,
  SsoTokenCache,
  tokenCacheKey,
  utcTimestamp
} from '../../src/main/services/sso/token-cache'

const startUrl = 'https://d-1234567890.awsapps.com/start'

describe('the cache file name', () => {
  it('is the sha1 of the sso-session name, or of the start URL for a legacy profile (as botocore)', () => {
    expect(tokenCacheKey('my-sso')).toBe('0ad374308c5a4e22f723adf10145eafad7c4031c')
    expect(tokenCacheKey(startUrl)).toBe('7487b5b67d5fa1132cf33fa93ae51ef38cc37752')
    expect(tokenCacheKey('équipe-sso')).toBe('b7f193e4b3bb9076be026d2230add182a1a22ad0') // UTF-8 bytes
  })

  it('lives in ~/.aws/sso/cache, home found as the AWS SDK finds it', () => {
    expect(awsSsoCacheFolder({ HOME: '/home/ada' })).toBe(join('/home/ada', '.aws', 'sso', 'cache'))
    expect(awsSsoCacheFolder({ USERPROFILE: 'C:\\Users\\ada' })).toBe(
      join('C:\\Users\\ada', '.aws', 'sso', 'cache')
    )
    expect(awsSsoCacheFolder({ HOMEDRIVE: 'D:', HOMEPATH: '\\ada' })).toBe(
      join('D:\\ada', '.aws', 'sso', 'cache')
    )
  })

  it('names registrations as botocore’s _registration_cache_key', () => {
    const base = { startUrl, region: 'eu-west-1' }
    expect(registrationCacheKey({ ...base, scopes: undefined, sessionName: 'my-sso' })).toBe(
      'f31b3b8dbf1565a43a95b3ea6bb34ee92bdc0d88'
    )
    expect(registrationCacheKey({ ...base, scopes: ['sso:account:access'], sessionName: 'my-sso' })).toBe(
      'bad1b99972dcdbd398df369048920b52e74d64ef'
    )
    expect(registrationCacheKey({ ...base, scopes: undefined, sessionName: undefined })).toBe(
      '8ba5c4795fa8538a47da089266d94d19d06fe7f6'
    )
    // The app's own registrations are kept apart from the AWS CLI's.
    expect(
      registrationCacheKey({ ...base, scopes: undefined, sessionName: 'my-sso', tool: 'connect-provisioner' })
    ).not.toBe('f31b3b8dbf1565a43a95b3ea6bb34ee92bdc0d88')
  })
})

describe('the file contents', () => {
  const token = {
    startUrl,
    region: 'eu-west-1',
    accessToken: 'aoaEXAMPLE/token+é',
    expiresAt: utcTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
    clientId: 'client-id',
    clientSecret: 'secret"with\\quote',
    registrationExpiresAt: utcTimestamp(Date.UTC(2026, 3, 2, 3, 4, 5)),
    refreshToken: 'aorREFRESH'
  }

  it('are what botocore’s JSONFileCache writes for the same token, byte for byte', () => {
    expect(serializeToken(token)).toBe(
      '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoaEXAMPLE/token+\\u00e9", "expiresAt": "2026-01-02T03:04:05Z", "clientId": "client-id", "clientSecret": "secret\\"with\\\\quote", "registrationExpiresAt": "2026-04-02T03:04:05Z", "refreshToken": "aorREFRESH"}'
    )
    // Keys are written in that order whatever order they were given in, and absent ones are left out.
    const { refreshToken: _r, ...withoutRefresh } = token
    const shuffled = Object.fromEntries(Object.entries(withoutRefresh).reverse()) as typeof withoutRefresh
    expect(serializeToken(shuffled)).toBe(serializeToken(withoutRefresh))
    expect(serializeToken(withoutRefresh)).not.toContain('refreshToken')
  })

  it('writes registrations as botocore does', () => {
    expect(
      serializeRegistration({
        clientId: 'cid',
        clientSecret: 'cs',
        expiresAt: '2026-04-02T03:04:05Z',
        scopes: ['sso:account:access'],
        grantTypes: ['authorization_code', 'refresh_token']
      })
    ).toBe(
      '{"clientId": "cid", "clientSecret": "cs", "expiresAt": "2026-04-02T03:04:05Z", "scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}'
    )
  })

  it('are written owner-only and read back; anything without accessToken and expiresAt is no token', () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'cp-sso-cache-')), 'sso', 'cache')
    const cache = new SsoTokenCache(folder)
    cache.writeToken('my-sso', token)
    const file = join(folder, '0ad374308c5a4e22f723adf10145eafad7c4031c.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(readFileSync(file, 'utf8')).toBe(serializeToken(token))
    expect(cache.readToken('my-sso')).toEqual(token)
    // What the AWS SDK for JavaScript writes when it refreshes (pretty JSON, milliseconds) reads too.
    writeFileSync(file, JSON.stringify({ ...token, expiresAt: '2026-01-02T03:04:05.678Z' }, null, 2))
    expect(parseTimestamp(cache.readToken('my-sso')?.expiresAt)).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678))
    writeFileSync(file, '{"startUrl": "x"}')
    expect(cache.readToken('my-sso')).toBeUndefined()
    writeFileSync(file, 'not json')
    expect(cache.readToken('my-sso')).toBeUndefined()
    expect(cache.deleteToken('my-sso')).toBe(true)
    expect(cache.deleteToken('my-sso')).toBe(false)
  })
})

describe('times', () => {
  it('are written in whole UTC seconds with a Z, and read in every form the AWS tools write', () => {
    expect(utcTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 999))).toBe('2026-01-02T03:04:05Z')
    const at = Date.UTC(2026, 0, 2, 3, 4, 5)
    expect(parseTimestamp('2026-01-02T03:04:05Z')).toBe(at)
    expect(parseTimestamp('2026-01-02T03:04:05.000Z')).toBe(at)
    expect(parseTimestamp('2026-01-02T03:04:05+00:00')).toBe(at)
    expect(parseTimestamp('2026-01-02T03:04:05UTC')).toBe(at) // older botocore's %Z
    expect(parseTimestamp(undefined)).toBeNaN()
    expect(parseTimestamp('soon')).toBeNaN()
  })
})

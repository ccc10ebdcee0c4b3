/**
 * IAM Identity Center in the app's settings: sessions typed into the app (validated: an https start
 * URL, a Region, a plain name) and the accounts and roles remembered, most recent first, in a
 * settings.json the schema accepts; a remembered Region is where an `sso:` profile's calls go, and the
 * request schemas of the window refuse what they should.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AppError } from '../../src/shared/result'
import { appSettingsSchema } from '../../src/shared/settings'
import { ssoRolesRequestSchema, ssoSignInRequestSchema } from '../../src/shared/sso'
import { ProfileService } from '../../src/main/services/profile-service'
import { memorySettings, SettingsService } from '../../src/main/services/settings-service'
import { SsoSessions } from '../../src/main/services/sso/sessions'
import { SsoAccountSource } from '../../src/main/services/sso/sso-account-source'
import type { SsoService } from '../../src/main/services/sso/sso-service'

const corp = { name: 'corp', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' }

function caught(run: () => unknown): AppError {
  try {
    run()
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a refusal')
}

describe('SSO settings', () => {
  it('keeps sessions typed into the app, refusing a bad name, an http start URL or a bad Region', () => {
    const port = memorySettings()
    const settings = new SettingsService(port)
    settings.saveSsoSession(corp)
    settings.saveSsoSession({ ...corp, region: 'eu-west-2' }) // same name: replaced
    expect(settings.sso().sessions).toEqual([{ ...corp, region: 'eu-west-2' }])
    expect(caught(() => settings.saveSsoSession({ ...corp, name: 'has space' }))).toMatchObject({
      code: 'INVALID_REQUEST',
      details: { field: 'name' }
    })
    expect(
      caught(() => settings.saveSsoSession({ ...corp, startUrl: 'http://d-1.awsapps.com/start' })).details
    ).toEqual({
      field: 'startUrl'
    })
    expect(caught(() => settings.saveSsoSession({ ...corp, region: 'mars-1' })).details).toEqual({
      field: 'region'
    })
    expect(appSettingsSchema.strict().safeParse({ sso: port.get('sso') }).success).toBe(true)
  })

  it('remembers accounts and roles most recent first, once each, and forgets them with their session', () => {
    const port = memorySettings()
    const settings = new SettingsService(port)
    settings.saveSsoSession(corp)
    const a = { session: 'corp', accountId: '111122223333', roleName: 'ConnectAdmin', region: 'us-east-1' }
    const b = { session: 'corp', accountId: '444455556666', roleName: 'ConnectAdmin', accountName: 'Bravo' }
    settings.rememberSsoTarget(a)
    settings.rememberSsoTarget(b)
    expect(settings.rememberSsoTarget({ ...a, region: 'eu-west-2' })).toEqual([
      { ...a, region: 'eu-west-2' },
      b
    ])
    expect(caught(() => settings.rememberSsoTarget({ ...a, accountId: '12' })).code).toBe('INVALID_REQUEST')
    expect(settings.forgetSsoTarget(b)).toEqual([{ ...a, region: 'eu-west-2' }])
    settings.removeSsoSession('corp')
    expect(settings.sso()).toEqual({ sessions: [], targets: [] })
  })

  it('gives an sso: profile the remembered Region, else the session’s', () => {
    const home = mkdtempSync(join(tmpdir(), 'cp-sso-settings-'))
    writeFileSync(join(home, 'config'), '')
    const env = {
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none')
    }
    const settings = new SettingsService(memorySettings())
    settings.saveSsoSession(corp)
    settings.rememberSsoTarget({
      session: 'corp',
      accountId: '111122223333',
      roleName: 'Admin',
      region: 'us-west-2'
    })
    const sessions = new SsoSessions(new ProfileService(env), () => settings.sso().sessions, env, home)
    const source = new SsoAccountSource(
      {} as SsoService,
      sessions,
      () => settings.sso().targets,
      () => ({}),
      env
    )
    expect(source.owns('sso:corp/111122223333/Admin')).toBe(true)
    expect(source.regionOf('sso:corp/111122223333/Admin')).toBe('us-west-2')
    expect(source.regionOf('sso:corp/444455556666/Admin')).toBe('eu-west-1')
    expect(source.owns('sso:other/111122223333/Admin')).toBe(false)
    expect(source.whyMissing('sso:other/111122223333/Admin')?.message).toMatch(
      /no IAM Identity Center session named "other"/
    )
    expect(source.whyMissing('sso:corp/12/Admin')?.message).toMatch(
      /sso:<session>\/<12-digit account ID>\/<role name>/
    )
    expect(source.whyMissing('alpha')).toBeUndefined()
  })

  it('has request schemas the window’s calls are checked with', () => {
    expect(ssoSignInRequestSchema.safeParse({ ref: { session: 'corp' }, useDeviceCode: true }).success).toBe(
      true
    )
    expect(ssoSignInRequestSchema.safeParse({ ref: { profile: 'p' } }).success).toBe(true)
    expect(ssoSignInRequestSchema.safeParse({ ref: { session: 'corp', profile: 'p' } }).success).toBe(false)
    expect(ssoSignInRequestSchema.safeParse({ ref: { session: '' } }).success).toBe(false)
    expect(ssoRolesRequestSchema.safeParse({ session: 'corp', accountId: '1234' }).success).toBe(false)
  })
})

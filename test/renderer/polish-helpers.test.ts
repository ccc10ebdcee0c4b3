/** The small pure helpers behind issue 12: error titles by class, short paths, one row per attempt. */
import { describe, expect, it } from 'vitest'
import { errorText } from '../../src/renderer/src/lib/error-text'
import { createFieldLabel, profileDisplay } from '../../src/renderer/src/lib/labels'
import { fileLine, shortPath } from '../../src/renderer/src/lib/paths'
import { attemptsOf, type AuditEntry } from '../../src/shared/activity'
import type { ErrorCode } from '../../src/shared/result'

describe('errorText: a title per class of failure, "Something went wrong" only for bugs', () => {
  it('titles AWS errors by what happened: throttling, a server error, a refusal, a wrong MFA code', () => {
    const aws = (awsCode: string, httpStatus: number, extra = {}): ReturnType<typeof errorText> =>
      errorText({ code: 'AWS', message: 'm', details: { awsCode, httpStatus, ...extra } })
    expect(aws('ThrottlingException', 429)).toMatchObject({
      kind: 'throttling',
      title: 'AWS is throttling this account'
    })
    expect(aws('InternalServiceException', 500)).toMatchObject({
      kind: 'aws',
      title: 'AWS had a server error'
    })
    expect(aws('InvalidParameterException', 400)).toMatchObject({ title: 'AWS refused the request' })
    expect(aws('AccessDeniedException', 403).title).toBe('Not allowed by AWS')
    expect(aws('AccessDenied', 403, { mfaRejected: true })).toMatchObject({
      kind: 'credentials',
      title: 'MFA code not accepted'
    })
    expect(aws('LimitExceededException', 429).title).toBe('Users quota reached')
  })

  it('titles input, network and credential failures, and keeps the bug title for bugs only', () => {
    const titles = (
      ['INVALID_REQUEST', 'NETWORK_PROXY', 'NETWORK_TLS', 'NETWORK_UNREACHABLE', 'REGION_MISSING'] as const
    ).map((code) => errorText({ code, message: 'm' } as never).title)
    expect(titles).toEqual([
      'Not accepted',
      'Proxy problem',
      'Certificate not trusted',
      'AWS could not be reached',
      'Choose a Region'
    ])
    expect(errorText({ code: 'CONFLICT', message: 'm', details: { field: 'Username' } }).title).toBe(
      'Username taken'
    )
    // A form's field is "what you typed"; a file or a busy batch is not.
    expect(errorText({ code: 'INVALID_REQUEST', message: 'm', details: { field: 'rate' } }).title).toBe(
      'Check what you typed'
    )
    expect(errorText({ code: 'CONFLICT', message: 'Batch … is running' }).title).toBe(
      'Busy, or changed meanwhile'
    )
    expect(errorText({ code: 'CONFLICT', message: 'm', details: { field: 'name' } }).title).toBe(
      'Name already taken'
    )
    expect(
      errorText({ code: 'CREDENTIALS', message: 'm', details: { command: 'aws sso login --profile x' } })
        .title
    ).toBe('Sign-in needed')
    const all: ErrorCode[] = [
      'INVALID_REQUEST',
      'FORBIDDEN_SENDER',
      'UNKNOWN_CHANNEL',
      'INTERNAL',
      'PROFILE_NOT_FOUND',
      'CREDENTIALS',
      'REGION_MISSING',
      'NETWORK_TLS',
      'NETWORK_PROXY',
      'NETWORK_UNREACHABLE',
      'AWS',
      'NOT_FOUND',
      'CONFLICT',
      'OUTCOME_UNKNOWN'
    ]
    const bugs = all.filter((code) =>
      errorText({ code, message: 'm' } as never).title.startsWith('Something went wrong')
    )
    expect(bugs).toEqual(['FORBIDDEN_SENDER', 'UNKNOWN_CHANNEL', 'INTERNAL'])
  })
})

describe('paths as the admin reads them', () => {
  it('writes the home folder as ~ on Linux, macOS and Windows, with the line when there is one', () => {
    expect(shortPath('/home/ana/.aws/config')).toBe('~/.aws/config')
    expect(shortPath('/Users/ana/.aws/config')).toBe('~/.aws/config')
    expect(shortPath('C:\\Users\\ana\\.aws\\config')).toBe('~\\.aws\\config')
    expect(shortPath('/etc/aws/config')).toBe('/etc/aws/config')
    expect(shortPath('/home/anabel')).toBe('~')
    expect(fileLine('/home/ana/.aws/config', 27)).toBe('~/.aws/config:27')
    expect(fileLine('/home/ana/.aws/config', 0)).toBe('~/.aws/config')
  })
})

describe('labels', () => {
  it('names a Sandbox account once, by its account name', () => {
    const sandbox = {
      name: 'sandbox:alpha',
      label: 'Sandbox — Alpha Contact Center (local, no AWS)',
      source: 'sandbox' as const,
      kinds: ['sandbox' as const],
      hasEndpointUrl: true,
      problems: []
    }
    expect(profileDisplay(sandbox)).toEqual({ name: 'Alpha Contact Center', sandbox: true })
    expect(profileDisplay({ ...sandbox, name: 'prod', label: 'prod', source: 'aws' })).toEqual({
      name: 'prod',
      sandbox: false
    })
    expect(profileDisplay(undefined, 'sandbox:bravo')).toEqual({ name: 'sandbox:bravo', sandbox: true })
  })

  it('names CreateUser fields as the form does', () => {
    expect(createFieldLabel('IdentityInfo.Mobile')).toBe('Mobile')
    expect(createFieldLabel('template.routingProfile')).toBe('Routing profile (template)')
    expect(createFieldLabel('Something.New')).toBe('Something.New')
  })
})

describe('attemptsOf: one Activity row per attempt', () => {
  const base: AuditEntry = {
    time: '',
    osUser: 'ana',
    profile: 'prod',
    accountId: '111122223333',
    region: 'eu-west-2',
    instanceId: 'i-1',
    instanceAlias: 'support',
    username: 'ada',
    outcome: 'started'
  }
  const at = (n: number, extra: Partial<AuditEntry>): AuditEntry => ({
    ...base,
    time: `2026-11-28T10:00:0${n}.000Z`,
    ...extra
  })

  it('joins a start and its outcome, keeps a start with no outcome, and leaves refusals alone', () => {
    // Newest first, as the log reads.
    const log = [
      at(7, { username: 'eve', outcome: 'started' }),
      at(6, { username: 'bob', outcome: 'refused' }),
      at(5, { username: 'ada', outcome: 'failed', errorCode: 'DuplicateResourceException' }),
      at(4, { username: 'ada', outcome: 'started' }),
      at(3, { username: 'Ada', outcome: 'created', userId: 'u-1' }),
      at(2, { username: 'cy', outcome: 'started', batchId: 'b-1' }),
      at(1, { username: 'ada', outcome: 'started' })
    ]
    expect(attemptsOf(log).map((e) => [e.username, e.outcome])).toEqual([
      ['eve', 'started'],
      ['bob', 'refused'],
      ['ada', 'failed'],
      ['cy', 'started'],
      ['Ada', 'created']
    ])
  })
})

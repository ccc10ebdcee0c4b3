import type { CreateUserCommandInput } from '@aws-sdk/client-connect'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { auditCsv, csvCell, type AuditEntry } from '../../src/shared/activity'
import {
  awsCliCommand,
  buildCreateUserRequest,
  generatePassword,
  maskRequest,
  personSchema,
  validateCreateUser,
  withDerivedFields,
  type CreateUserRequest
} from '../../src/shared/create-user'
import type { IdentityType } from '../../src/shared/connect-rules'
import { templateSchema } from '../../src/shared/templates'
import { awsCliProfile } from '../../src/main/services/create-user-service'

const template = templateSchema.parse({
  name: 'Tier 1',
  routingProfile: 'Support Tier 1',
  securityProfiles: ['Agent'],
  phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 60 },
  tags: { team: 'support' },
  rules: { usernamePattern: '{first}.{last}', emailDomain: 'example.com' }
})
const ids = { routingProfileId: 'rp-1', securityProfileIds: ['sp-1'] }
const request = (person: Parameters<typeof personSchema.parse>[0]): CreateUserRequest =>
  buildCreateUserRequest(template, ids, withDerivedFields(personSchema.parse(person), template), 'inst-1')
const fields = (r: CreateUserRequest, identity: IdentityType): string[] =>
  validateCreateUser(r, identity).map((p) => p.field)

describe('the request builder', () => {
  it('fills username and e-mail from the template rules and builds the exact request', () => {
    expect(
      request({ firstName: 'Zoë', lastName: 'Doe', password: 'Str0ngPassw0rd', tags: { site: 'london' } })
    ).toEqual({
      InstanceId: 'inst-1',
      Username: 'zoe.doe',
      Password: 'Str0ngPassw0rd',
      IdentityInfo: { FirstName: 'Zoë', LastName: 'Doe', Email: 'zoe.doe@example.com' },
      RoutingProfileId: 'rp-1',
      SecurityProfileIds: ['sp-1'],
      PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 60 },
      Tags: { team: 'support', site: 'london' }
    })
    expect(
      request({
        username: 'jdoe',
        firstName: 'J',
        lastName: 'D',
        email: 'j@x.example.com',
        phoneNumber: '+442079460000'
      })
    ).toMatchObject({
      Username: 'jdoe',
      IdentityInfo: { Email: 'j@x.example.com' },
      PhoneConfig: { PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+442079460000' }
    })
  })

  it('is typed by the SDK: a request is a CreateUserCommandInput, with the members always sent required', () => {
    expectTypeOf<CreateUserRequest>().toExtend<CreateUserCommandInput>()
    expectTypeOf<CreateUserRequest['RoutingProfileId']>().toEqualTypeOf<string>()
    expectTypeOf<CreateUserRequest['SecurityProfileIds']>().toEqualTypeOf<string[]>()
    const r = request({ firstName: 'Jane', lastName: 'Doe', phoneNumber: '+442079460000' })
    expect(r.PhoneConfig?.DeskPhoneNumber).toBe('+442079460000')
  })

  it('masks the password in the preview and the AWS CLI command, quoting for the shell', () => {
    const r = request({ firstName: 'Jane', lastName: "O'Neil", password: 'Str0ngPassw0rd' })
    expect(maskRequest(r)['Password']).toBe('«redacted»')
    const command = awsCliCommand(r, 'prod admin', 'eu-west-2')
    expect(command).toMatch(
      /^aws connect create-user --profile 'prod admin' --region eu-west-2 --instance-id inst-1 --cli-input-json '/
    )
    expect(command).not.toContain('Str0ngPassw0rd')
    expect(command).toContain(`"LastName":"O'\\''Neil"`)
    expect(command).not.toContain('"InstanceId"')
  })

  it('generates passwords that meet the policy, all different', () => {
    const passwords = new Set(Array.from({ length: 200 }, () => generatePassword()))
    expect(passwords.size).toBe(200)
    for (const p of passwords) expect(p).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{16}$/)
  })
})

describe('validation, per identity type (one table)', () => {
  const ok = {
    username: 'jane.doe',
    firstName: 'Jane',
    lastName: 'Doe',
    email: 'jane@example.com',
    password: 'Str0ngPassw0rd'
  }
  const cases: Array<[string, IdentityType, Parameters<typeof personSchema.parse>[0], string[]]> = [
    ['a valid Connect-managed user', 'CONNECT_MANAGED', ok, []],
    ['no password (Connect-managed)', 'CONNECT_MANAGED', { ...ok, password: '' }, ['Password']],
    ['a weak password', 'CONNECT_MANAGED', { ...ok, password: 'password1' }, ['Password']],
    ['a 21-character username', 'CONNECT_MANAGED', { ...ok, username: 'a'.repeat(21) }, ['Username']],
    ['a username with a space', 'CONNECT_MANAGED', { ...ok, username: 'jane doe' }, ['Username']],
    ['no e-mail (Connect-managed)', 'CONNECT_MANAGED', { ...ok, email: '', username: 'x' }, []],
    [
      'a directory user ID (Connect-managed)',
      'CONNECT_MANAGED',
      { ...ok, directoryUserId: 'abc' },
      ['DirectoryUserId']
    ],
    ['a valid SAML user', 'SAML', { ...ok, password: '', username: 'jane.doe@example.com' }, []],
    ['a password on SAML', 'SAML', { ...ok, username: 'jane.doe@example.com' }, ['Password']],
    ['@ outside e-mail form (SAML)', 'SAML', { ...ok, password: '', username: 'jane@example' }, ['Username']],
    ['a 65-character SAML username', 'SAML', { ...ok, password: '', username: 'a'.repeat(65) }, ['Username']],
    [
      'a directory user ID on SAML',
      'SAML',
      { ...ok, password: '', directoryUserId: 'x' },
      ['DirectoryUserId']
    ],
    [
      'no names on SAML',
      'SAML',
      { username: 'j', email: 'j@example.com' },
      ['IdentityInfo.FirstName', 'IdentityInfo.LastName']
    ],
    [
      'existing directory with a directory ID',
      'EXISTING_DIRECTORY',
      { username: 'jdoe', directoryUserId: 'u-1' },
      []
    ],
    [
      'a password on existing directory',
      'EXISTING_DIRECTORY',
      { username: 'jdoe', password: 'Str0ngPassw0rd' },
      ['Password']
    ],
    ['a non-E.164 mobile', 'CONNECT_MANAGED', { ...ok, mobile: '07700 900123' }, ['IdentityInfo.Mobile']],
    ['a non-E.164 desk phone', 'CONNECT_MANAGED', { ...ok, phoneNumber: '020 7946 0000' }, ['PhoneNumber']],
    [
      'a bad secondary e-mail',
      'CONNECT_MANAGED',
      { ...ok, secondaryEmail: 'nope' },
      ['IdentityInfo.SecondaryEmail']
    ],
    [
      'a decomposed last name',
      'CONNECT_MANAGED',
      { ...ok, lastName: 'Pe\u0301rez' },
      ['IdentityInfo.LastName']
    ],
    ['a tag key starting with aws:', 'CONNECT_MANAGED', { ...ok, tags: { 'aws:x': '1' } }, ['Tags']]
  ]
  it.each(cases)('%s', (_what, identity, person, expected) => {
    expect(fields(request(person), identity)).toEqual(expected)
  })

  it('says how to fix each problem', () => {
    const problems = validateCreateUser(
      request({ ...ok, password: 'short', username: 'a'.repeat(25) }),
      'CONNECT_MANAGED'
    )
    expect(problems).toEqual([
      {
        field: 'Username',
        message:
          'A username is at most 20 characters for CONNECT_MANAGED instances; "aaaaaaaaaaaaaaaaaaaaaaaaa" has 25.'
      },
      {
        field: 'Password',
        message:
          'A password is 8–64 characters with a lowercase letter, an uppercase letter and a digit, and no spaces.'
      }
    ])
  })
})

describe('activity CSV', () => {
  it('quotes cells and defuses spreadsheet formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    expect(csvCell('+1')).toBe(`"'+1"`)
    expect(csvCell('-2')).toBe(`"'-2"`)
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`)
    expect(csvCell('plain, text')).toBe('"plain, text"')
    const entry: AuditEntry = {
      time: 't',
      osUser: 'me',
      profile: 'p',
      accountId: '1',
      region: 'r',
      instanceId: 'i',
      instanceAlias: 'a',
      username: '=cmd',
      outcome: 'created'
    }
    expect(auditCsv([entry]).split('\r\n')[1]).toContain(`"'=cmd"`)
  })
})

describe('the AWS CLI line', () => {
  it('names the profile the AWS CLI knows, and none for an Identity Center role chosen in the app', () => {
    expect(awsCliProfile('prod-admin')).toBe('prod-admin')
    // `connect-provisioner sandbox --print-aws-config` writes this one.
    expect(awsCliProfile('sandbox:alpha')).toBe('sandbox-alpha')
    // In no AWS config file: no command is offered rather than one the AWS CLI cannot run.
    expect(awsCliProfile('sso:my-sso/111122223333/ConnectAdmin')).toBeUndefined()
  })
})

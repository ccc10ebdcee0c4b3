import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseBulkCsv } from '../../src/shared/bulk/csv'
import { bulkFieldOf, planBatch, type BulkPlanInput } from '../../src/shared/bulk/plan'
import type { BatchTarget, BulkPlan, PlannedCreate, PlannedRow } from '../../src/shared/bulk/types'
import type { IdentityType } from '../../src/shared/connect-rules'
import { connectRules } from '../../src/shared/connect-rules'
import type { InstanceLookups } from '../../src/shared/template-resolve'
import {
  templateFileSchema,
  templateSchema,
  type Template,
  type TemplateInput
} from '../../src/shared/templates'
import { demoAccounts, demoSeed } from '../../src/main/sandbox/demo-seed'
import { InstanceState } from '../../src/main/sandbox/state'

/** The demo Sandbox instance as a plan sees it: its lookups, its users and the target. */
function demoInstance(which: 'alpha' | 'bravo'): {
  lookups: InstanceLookups
  existing: Map<string, string>
  target: BatchTarget
} {
  const account = demoAccounts[which]
  const seed = demoSeed().instances.find((i) => i.id === account.instanceId)!
  const state = new InstanceState(seed)
  const groups = [...state.hierarchyGroups.values()]
  const pathOf = (id: string | undefined): string[] => {
    const group = groups.find((g) => g.id === id)
    return group ? [...pathOf(group.parentId), group.name] : []
  }
  return {
    lookups: {
      instanceId: state.id,
      alias: state.alias,
      accountId: state.accountId,
      region: state.region,
      fetchedAt: '2026-11-28T12:00:00.000Z',
      routingProfiles: [...state.routingProfiles.values()].map(({ id, name }) => ({ id, name })),
      securityProfiles: [...state.securityProfiles.values()].map(({ id, name }) => ({ id, name })),
      hierarchyGroups: groups.map((g) => ({ id: g.id, name: g.name, path: pathOf(g.id) })),
      hierarchyLevels: state.hierarchyLevels
    },
    existing: new Map([...state.users.values()].map((u) => [u.Username.toLowerCase(), u.Id])),
    target: {
      profile: account.profile,
      region: state.region,
      instanceId: state.id,
      accountId: state.accountId,
      instanceAlias: state.alias,
      identityType: state.identityManagementType
    }
  }
}

const alpha = demoInstance('alpha')
const bravo = demoInstance('bravo')
const id = (list: Array<{ id: string; name: string }>, name: string): string =>
  list.find((i) => i.name === name)!.id
const rp = (name: string): string => id(alpha.lookups.routingProfiles, name)
const sp = (name: string): string => id(alpha.lookups.securityProfiles, name)
const hg = (path: string): string => alpha.lookups.hierarchyGroups.find((g) => g.path.join('/') === path)!.id

function plan(
  text: string,
  options: Partial<Omit<BulkPlanInput, 'parsed'>> & { identityType?: IdentityType } = {}
): BulkPlan {
  const instance = options.target?.instanceId === bravo.target.instanceId ? bravo : alpha
  const { identityType, ...rest } = options
  return planBatch({
    parsed: parseBulkCsv(text),
    fileName: 'hires.csv',
    templates: () => undefined,
    lookups: instance.lookups,
    existing: instance.existing,
    ...rest,
    target: { ...(options.target ?? instance.target), ...(identityType ? { identityType } : {}) }
  })
}

const errors = (p: BulkPlan): Array<Extract<PlannedRow, { status: 'error' }>> =>
  p.rows.filter((r): r is Extract<PlannedRow, { status: 'error' }> => r.status === 'error')
const rowAt = (p: BulkPlan, row: number): PlannedRow => p.rows.find((r) => r.row === row)!

const consoleHeader =
  'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'

/** One console row, cell by cell, in the header's order. */
interface ConsoleRow {
  first: string
  last: string
  email: string
  secondary: string
  mobile: string
  password: string
  login: string
  routing: string
  security: string
  hierarchy: string
  phoneType: string
  phoneNumber: string
  autoAccept: string
  acw: string
  tags: string
}
const csvLine = (r: ConsoleRow): string =>
  [
    r.first,
    r.last,
    r.email,
    r.secondary,
    r.mobile,
    r.password,
    r.login,
    r.routing,
    r.security,
    r.hierarchy,
    r.phoneType,
    r.phoneNumber,
    r.autoAccept,
    r.acw,
    r.tags
  ]
    .map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c))
    .join(',')

const firstNames =
  'Priya Tomasz Aiko Kwame Sofia Mateo Leila Oskar Nadia Rafael Anika Bjorn Camila Dario Eun Fatima Goran Hana Idris Jana'.split(
    ' '
  )
const lastNames =
  'Raman Nowak Tanabe Mensah Rossi Ruiz Haddadi Berg Petrova Souza Iyer Lund Reyes Conti Park Begum Maric Sato Bello Horak Abebe Quispe Lindahl Moyo Keane'.split(
    ' '
  )

/** A realistic new-hire class: varied profiles, hierarchy, phones, auto-accept, ACW and tags, all valid. */
function hire(i: number): ConsoleRow {
  const first = firstNames[i % firstNames.length]!
  const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length]!
  const round = Math.floor(i / (firstNames.length * lastNames.length))
  const login = `${first}.${last}${round || ''}`.toLowerCase()
  const desk = i % 7 === 0
  return {
    first,
    last,
    email: `${login}@alpha.example.com`,
    secondary: '',
    mobile: i % 3 === 0 ? `+4477009${String(i % 100000).padStart(5, '0')}` : '',
    password: `Start-${1000 + i}Go`,
    login,
    routing: ['Sales Inbound', 'Support Tier 1', 'Support Tier 2', 'Outbound Collections'][i % 4]!,
    security: i % 10 === 0 ? 'Agent|QualityAnalyst' : 'Agent',
    hierarchy: ['EMEA|London|Tier 1', 'EMEA|Dublin|Tier 1', 'AMER|Seattle|Tier 1', ''][i % 4]!,
    phoneType: desk ? 'desk' : 'soft',
    phoneNumber: desk ? `+4420794${String(i % 100000).padStart(5, '0')}` : '',
    autoAccept: i % 2 ? 'yes' : 'no',
    acw: ['0', '30', '60', '120'][i % 4]!,
    tags: `team=${['sales', 'support'][i % 2]};cohort=2026-11`
  }
}

const consoleCsv = (rows: ConsoleRow[]): string => [consoleHeader, ...rows.map(csvLine)].join('\r\n') + '\r\n'

describe('a 500-row console CSV with a dozen realistic mistakes', () => {
  const rows = Array.from({ length: 500 }, (_, i) => hire(i))
  const line = (i: number): number => i + 2
  const mistakes: Array<[number, Partial<ConsoleRow>, string | undefined, RegExp]> = [
    [
      10,
      { password: 'password' },
      'password',
      /8–64 characters with a lowercase letter, an uppercase letter/
    ],
    [25, { phoneType: 'desk', phoneNumber: '020 7946 0000' }, 'phone number', /E\.164/],
    [
      40,
      { security: 'agent' },
      'security_profile_name_1|security_profile_name_2',
      /"agent".*did you mean "Agent"/
    ],
    [
      55,
      { routing: 'Sales Outbound' },
      'routing profile name',
      /"Sales Outbound" does not exist in alpha-contact-center/
    ],
    [
      70,
      { login: rows[3]!.login, email: 'someone.else@alpha.example.com' },
      'user login',
      /is also on row 5/
    ],
    [85, { email: rows[4]!.email }, 'email address', /is also on row 6/],
    [100, { login: 'christopher.montgomery' }, 'user login', /at most 20 characters/],
    [115, { last: '' }, 'last name', /^Enter the last name\.$/],
    [
      145,
      { phoneType: 'desk', phoneNumber: '' },
      'phone number',
      /^A desk phone needs its number \(E\.164\)\.$/
    ],
    [160, { acw: 'thirty' }, 'ACW timeout (seconds)', /"thirty" is not a whole number of seconds/],
    [175, { tags: 'team' }, 'tags', /^Tag "team" has no "=": write it as key=value\.$/]
  ]
  for (const [i, change] of mistakes) rows[i] = { ...rows[i]!, ...change }
  rows[130] = { ...rows[130]!, login: 'Jane.Doe', email: 'jane.doe@alpha.example.com' }
  const result = plan(consoleCsv(rows))

  it('counts what will happen', () => {
    expect(result.problems).toEqual([])
    expect(result.counts).toEqual({ create: 488, exists: 1, error: 11 })
    expect(result.rows).toHaveLength(500)
    expect(result.rows.map((r) => r.row)).toEqual(rows.map((_, i) => line(i)))
    expect(result).toMatchObject({
      form: 'console',
      fileName: 'hires.csv',
      target: alpha.target,
      ignoredColumns: []
    })
  })

  it('reports each mistake once, with its row, the column as written and how to fix it', () => {
    expect(errors(result).map((r) => r.row)).toEqual(mistakes.map(([i]) => line(i)))
    for (const [i, , column, message] of mistakes) {
      const row = rowAt(result, line(i))
      expect(row.status, `row ${line(i)}`).toBe('error')
      if (row.status !== 'error') continue
      expect(row.problems, `row ${line(i)}`).toHaveLength(1)
      expect(row.problems[0]).toMatchObject({ row: line(i), column })
      expect(row.problems[0]?.message, `row ${line(i)}`).toMatch(message)
    }
  })

  it('names the duplicate and keeps the first row', () => {
    expect(rowAt(result, line(3)).status).toBe('create')
    expect(rowAt(result, line(4)).status).toBe('create')
    expect(rowAt(result, line(70))).toMatchObject({ username: rows[3]!.login })
  })

  it('skips an existing user (ignoring case) with its user ID', () => {
    expect(rowAt(result, line(130))).toEqual({
      row: line(130),
      username: 'Jane.Doe',
      status: 'exists',
      userId: 'u-0000-jane-doe'
    })
  })

  it('builds the exact request for every valid row', () => {
    expect(rowAt(result, line(0))).toEqual({
      row: 2,
      username: 'priya.raman',
      status: 'create',
      generatedPassword: false,
      request: {
        InstanceId: alpha.target.instanceId,
        Username: 'priya.raman',
        Password: 'Start-1000Go',
        IdentityInfo: {
          FirstName: 'Priya',
          LastName: 'Raman',
          Email: 'priya.raman@alpha.example.com',
          Mobile: '+447700900000'
        },
        RoutingProfileId: rp('Sales Inbound'),
        SecurityProfileIds: [sp('Agent'), sp('QualityAnalyst')],
        HierarchyGroupId: hg('EMEA/London/Tier 1'),
        PhoneConfig: {
          PhoneType: 'DESK_PHONE',
          AutoAccept: false,
          AfterContactWorkTimeLimit: 0,
          DeskPhoneNumber: '+442079400000'
        },
        Tags: { team: 'sales', cohort: '2026-11' }
      }
    })
    expect(rowAt(result, line(3))).toMatchObject({
      request: {
        RoutingProfileId: rp('Outbound Collections'),
        SecurityProfileIds: [sp('Agent')],
        PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 }
      }
    })
    expect(rowAt(result, line(3))).not.toHaveProperty('request.HierarchyGroupId')
  })

  it('is pure: the same file plans the same twice', () => {
    expect(plan(consoleCsv(rows))).toEqual(result)
  })
})

describe('console rows', () => {
  const base = hire(0)
  const one = (change: Partial<ConsoleRow>, options: Parameters<typeof plan>[1] = {}): PlannedRow =>
    plan(consoleCsv([{ ...base, ...change }]), options).rows[0]!

  it('maps request fields to the columns the admin wrote', () => {
    expect(one({ email: 'priya@' })).toMatchObject({
      status: 'error',
      problems: [
        { row: 2, column: 'email address', message: '"priya@" is not an e-mail address (name@example.com).' }
      ]
    })
    expect(one({ mobile: '07700 900123' })).toMatchObject({
      problems: [{ column: 'mobile', message: expect.stringContaining('E.164') }]
    })
    expect(one({ first: 'Zoe\u0301' })).toMatchObject({
      problems: [{ column: 'first name', message: expect.stringContaining('NFC') }]
    })
    expect(one({ security: Array.from({ length: 11 }, () => 'Agent').join('|') })).toMatchObject({
      problems: [
        {
          column: 'security_profile_name_1|security_profile_name_2',
          message: 'A user can have at most 10 security profiles.'
        }
      ]
    })
    expect(one({ acw: '2000001' })).toMatchObject({
      problems: [
        { column: 'ACW timeout (seconds)', message: expect.stringContaining('at most 2,000,000 seconds') }
      ]
    })
    expect(one({ tags: 'aws:team=x' })).toMatchObject({
      problems: [{ column: 'tags', message: expect.stringContaining('cannot start with aws:') }]
    })
    expect(bulkFieldOf('IdentityInfo.Email')).toBe('email')
    expect(bulkFieldOf('PhoneNumber')).toBe('deskPhoneNumber')
  })

  it('gives every unresolved name with its suggestion, and still checks the person', () => {
    const row = one({
      routing: 'sales inbound',
      security: 'Agent|Supervisor',
      hierarchy: 'emea|london|tier 1',
      password: 'short'
    })
    expect(row.status).toBe('error')
    if (row.status !== 'error') return
    expect(row.problems.map((p) => [p.column, p.message])).toEqual([
      ['routing profile name', expect.stringContaining('did you mean "Sales Inbound"?')],
      [
        'security_profile_name_1|security_profile_name_2',
        expect.stringContaining('"Supervisor" does not exist')
      ],
      ['user_hierarchy_1|user_hierarchy_2', expect.stringContaining('did you mean "EMEA/London/Tier 1"?')],
      ['password', expect.stringContaining('8–64 characters')]
    ])
  })

  it('still checks the person when the settings cannot be read', () => {
    const row = one({ routing: '', acw: 'x', password: '' })
    expect(row.status === 'error' && row.problems.map((p) => p.column)).toEqual([
      'ACW timeout (seconds)',
      'routing profile name',
      'password'
    ])
  })

  it('applies the defaults when phone cells are blank: a soft phone, no auto-accept, ACW 0', () => {
    expect(one({ phoneType: '', phoneNumber: '', autoAccept: '', acw: '' })).toMatchObject({
      status: 'create',
      request: { PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 } }
    })
    expect(one({ phoneType: '', phoneNumber: '+442079460000' })).toMatchObject({
      request: { PhoneConfig: { PhoneType: 'DESK_PHONE', DeskPhoneNumber: '+442079460000' } }
    })
  })

  it('CONNECT_MANAGED: needs a password and an e-mail, refuses a directory user ID', () => {
    const header = `${consoleHeader},directory user id`
    const text = `${header}\r\n${csvLine({ ...base, password: '', email: '' })},dir-1\r\n`
    const row = plan(text).rows[0]!
    expect(row.status === 'error' && row.problems.map((p) => [p.column, p.message])).toEqual([
      ['password', 'Enter a password or generate one: Connect-managed users need one.'],
      [
        'directory user id',
        'Remove the directory user ID: it is only for instances using an existing directory.'
      ],
      ['email address', 'Enter the e-mail address (or give the template an e-mail domain).']
    ])
  })

  it('generates passwords for CONNECT_MANAGED rows without one, when asked', () => {
    const text = consoleCsv([
      { ...base, password: '' },
      { ...hire(1), password: 'Given-Passw0rd' }
    ])
    const [generated, given] = plan(text, { generatePasswords: true }).rows as PlannedCreate[]
    expect(generated).toMatchObject({ status: 'create', generatedPassword: true })
    expect(generated?.request.Password).toMatch(connectRules.password)
    expect(given).toMatchObject({
      status: 'create',
      generatedPassword: false,
      request: { Password: 'Given-Passw0rd' }
    })
    expect(plan(text).rows[0]).toMatchObject({ status: 'error', problems: [{ column: 'password' }] })
  })

  it('EXISTING_DIRECTORY: no password, a directory user ID and no e-mail are fine', () => {
    const header =
      'first name,last name,user login,routing profile name,security profiles,password,directory user id'
    const result = plan(
      `${header}\nPriya,Raman,priya.raman,Sales Inbound,Agent,,S-1-5-21-1001\nTomasz,Nowak,tomasz.nowak,Sales Inbound,Agent,Str0ngPassw0rd,\n`,
      { identityType: 'EXISTING_DIRECTORY', generatePasswords: true }
    )
    expect(result.rows[0]).toMatchObject({
      status: 'create',
      generatedPassword: false,
      request: { Username: 'priya.raman', DirectoryUserId: 'S-1-5-21-1001' }
    })
    expect((result.rows[0] as PlannedCreate).request).not.toHaveProperty('Password')
    expect(result.rows[1]).toMatchObject({
      status: 'error',
      problems: [
        {
          column: 'password',
          message:
            'Remove the password: EXISTING_DIRECTORY instances sign users in through the identity provider.'
        }
      ]
    })
  })

  it('SAML: the variant without e-mail and password; username rules of SAML; no password, no directory ID', () => {
    const header =
      'first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds)'
    const long = `${'a'.repeat(52)}@example.com`
    const text = [
      header,
      'Ana,Silva,ana.silva@bravo-retail.example.com,Store Support,Agent,soft,,yes,10',
      'Ana,Silva,ana silva,Store Support,Agent,soft,,yes,10',
      'Ana,Silva,ana@bravo,Store Support,Agent,soft,,yes,10',
      `Ana,Silva,${long}x,Store Support,Agent,soft,,yes,10`,
      `Ana,Silva,${long},Online Orders,Agent,soft,,yes,10`,
      'Aisha,Adams,aisha.adams@bravo-retail.example.com,Store Support,Agent,soft,,yes,10'
    ].join('\n')
    const result = plan(text, { target: bravo.target, generatePasswords: true })
    expect(result.counts).toEqual({ create: 2, exists: 1, error: 3 })
    expect(result.rows[0]).toEqual({
      row: 2,
      username: 'ana.silva@bravo-retail.example.com',
      status: 'create',
      generatedPassword: false,
      request: {
        InstanceId: bravo.target.instanceId,
        Username: 'ana.silva@bravo-retail.example.com',
        IdentityInfo: { FirstName: 'Ana', LastName: 'Silva' },
        RoutingProfileId: id(bravo.lookups.routingProfiles, 'Store Support'),
        SecurityProfileIds: [id(bravo.lookups.securityProfiles, 'Agent')],
        PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 10 }
      }
    })
    expect(errors(result).map((r) => [r.row, r.problems.map((p) => [p.column, p.message])])).toEqual([
      [3, [['user login', 'A SAML username uses only letters, digits and _ - . @.']]],
      [4, [['user login', 'In a SAML username, @ is allowed only in e-mail form (name@example.com).']]],
      [5, [['user login', expect.stringContaining('at most 64 characters for SAML')]]]
    ])
    const withSecrets = plan(
      `first name,last name,user login,routing profile name,security profiles,password,directory user id\nAna,Silva,ana.silva,Store Support,Agent,Str0ngPassw0rd,d-1\n`,
      { target: bravo.target }
    )
    expect(withSecrets.rows[0]).toMatchObject({
      status: 'error',
      problems: [
        { column: 'password', message: expect.stringContaining('Remove the password: SAML') },
        {
          column: 'directory user id',
          message: 'Remove the directory user ID: it is not allowed on SAML instances.'
        }
      ]
    })
  })

  it('lists a row that could not be read as an error, so the counts cover every line', () => {
    const text = `${consoleHeader}\r\n${csvLine(base)}\r\n${csvLine(hire(1))},extra\r\n`
    const result = plan(text)
    expect(result.counts).toEqual({ create: 1, exists: 0, error: 1 })
    expect(result.rows[1]).toEqual({
      row: 3,
      username: '',
      status: 'error',
      problems: [{ row: 3, message: expect.stringContaining('cells but the header has') }]
    })
  })

  it("carries a refused file's problem and plans nothing", () => {
    const result = plan('first name,last name,user login\nA,B,ab\n')
    expect(result.rows).toEqual([])
    expect(result.counts).toEqual({ create: 0, exists: 0, error: 0 })
    expect(result.problems).toEqual([
      { row: 0, message: expect.stringContaining('"routing profile name"') },
      { row: 0, message: expect.stringContaining('"security_profile_name_1|security_profile_name_2"') }
    ])
  })
})

describe('roster rows against saved templates', () => {
  const templates: Record<string, TemplateInput> = {
    'Tier 1 London': {
      name: 'Tier 1 London',
      routingProfile: 'Support Tier 1',
      securityProfiles: ['Agent'],
      hierarchyGroup: 'EMEA/London/Tier 1',
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
      tags: { site: 'london' },
      rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
    },
    'Sales chat': {
      name: 'Sales chat',
      routingProfile: 'Sales Inbound',
      securityProfiles: ['Agent'],
      phone: {
        mode: 'per-channel',
        channels: {
          VOICE: { autoAccept: true, afterContactWorkSeconds: 30 },
          CHAT: { afterContactWorkSeconds: 60 }
        },
        voice: { phoneType: 'SOFT_PHONE' }
      },
      rules: { usernamePattern: '{first:1}{last}' }
    },
    'Old names': {
      name: 'Old names',
      routingProfile: 'Retired Profile',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 },
      rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
    },
    'No pattern': {
      name: 'No pattern',
      routingProfile: 'Sales Inbound',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
    }
  }
  const parsedTemplates = new Map(
    Object.values(templates).map((t) => [t.name.toLowerCase(), templateSchema.parse(t)])
  )
  const lookup = (name: string): Template | undefined => parsedTemplates.get(name.trim().toLowerCase())
  const header =
    'first name,last name,email,username,password,template,routing profile,security profiles,hierarchy,phone type,desk phone,auto accept,ACW,tags'
  const text = [
    header,
    'Priya,Raman,,,Start-1000Go,,,,,,,,,',
    'Tomasz,Nowak,tomasz@alpha.example.com,,Start-1001Go,Sales chat,,Agent|QualityAnalyst,,,+442079460111,no,45,cohort=nov',
    'Aiko,Tanabe,,,Start-1002Go,,Support Tier 2,,EMEA/Dublin/Tier 1,desk,+35315550100,no,10,team=tier2',
    'Kwame,Mensah,,,Start-1003Go,Night shift,,,,,,,,',
    'Priya,Raman,,,Start-1004Go,,,,,,,,,',
    'Aisha,Adams,,,Start-1005Go,,,,,,,,,',
    'Sofia,Rossi,,,Start-1006Go,,,,,,,,,aws:x=1',
    'Mateo,Ruiz,,,Start-1007Go,,Support Tier 9,,,,,,,',
    'Hana,Sato,,,weak,,,,,,,,,',
    'Oskar,Berg,,,Start-1008Go,Old names,,,,,,,,',
    'Leila,Haddadi,,leila.h,Start-1009Go,tier 1 london,,,,soft,,,,'
  ].join('\n')
  const result = plan(text, { templates: lookup, defaultTemplate: 'Tier 1 London' })

  it('counts and locates every row', () => {
    expect(result.form).toBe('roster')
    expect(result.problems).toEqual([])
    expect(result.counts).toEqual({ create: 4, exists: 1, error: 6 })
  })

  it("derives username and e-mail from the file's template and builds its request", () => {
    expect(rowAt(result, 2)).toEqual({
      row: 2,
      username: 'priya.raman',
      status: 'create',
      generatedPassword: false,
      request: {
        InstanceId: alpha.target.instanceId,
        Username: 'priya.raman',
        Password: 'Start-1000Go',
        IdentityInfo: { FirstName: 'Priya', LastName: 'Raman', Email: 'priya.raman@alpha.example.com' },
        RoutingProfileId: rp('Support Tier 1'),
        SecurityProfileIds: [sp('Agent')],
        HierarchyGroupId: hg('EMEA/London/Tier 1'),
        PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 },
        Tags: { site: 'london' }
      }
    })
  })

  it('applies a per-row template and its overrides (per-channel: to VOICE)', () => {
    expect(rowAt(result, 3)).toEqual({
      row: 3,
      username: 'tnowak',
      status: 'create',
      generatedPassword: false,
      request: {
        InstanceId: alpha.target.instanceId,
        Username: 'tnowak',
        Password: 'Start-1001Go',
        IdentityInfo: { FirstName: 'Tomasz', LastName: 'Nowak', Email: 'tomasz@alpha.example.com' },
        RoutingProfileId: rp('Sales Inbound'),
        SecurityProfileIds: [sp('Agent'), sp('QualityAnalyst')],
        AutoAcceptConfigs: [{ Channel: 'VOICE', AutoAccept: false }],
        AfterContactWorkConfigs: [
          { Channel: 'VOICE', AfterContactWorkConfig: { AfterContactWorkTimeLimit: 45 } },
          { Channel: 'CHAT', AfterContactWorkConfig: { AfterContactWorkTimeLimit: 60 } }
        ],
        PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'DESK_PHONE', PhoneNumber: '+442079460111' }],
        Tags: { cohort: 'nov' }
      }
    })
    expect(rowAt(result, 4)).toMatchObject({
      status: 'create',
      request: {
        RoutingProfileId: rp('Support Tier 2'),
        HierarchyGroupId: hg('EMEA/Dublin/Tier 1'),
        PhoneConfig: {
          PhoneType: 'DESK_PHONE',
          AutoAccept: false,
          AfterContactWorkTimeLimit: 10,
          DeskPhoneNumber: '+35315550100'
        },
        Tags: { site: 'london', team: 'tier2' }
      }
    })
    expect(rowAt(result, 12)).toMatchObject({ status: 'create', username: 'leila.h' })
  })

  it("reports each roster mistake at its column, and a template's own at the template", () => {
    const messages = errors(result).map((r) => [r.row, r.problems.map((p) => [p.column, p.message])])
    expect(messages).toEqual([
      [
        5,
        [['template', 'There is no template named "Night shift": check the name in Templates, or create it.']]
      ],
      [
        6,
        [
          [
            'username',
            'The username "priya.raman" is also on row 2: each username can be used once (compared ignoring case).'
          ],
          [
            'email',
            'The e-mail address "priya.raman@alpha.example.com" is also on row 2: give each person their own.'
          ]
        ]
      ],
      [8, [['tags', expect.stringContaining('Tag "aws:x": a tag key uses letters')]]],
      [9, [['routing profile', expect.stringContaining('Routing profile "Support Tier 9" does not exist')]]],
      [10, [['password', expect.stringContaining('8–64 characters')]]],
      [
        11,
        [
          [
            undefined,
            expect.stringMatching(/^Template "Old names": Routing profile "Retired Profile" does not exist/)
          ]
        ]
      ]
    ])
    expect(rowAt(result, 7)).toMatchObject({ status: 'exists', username: 'aisha.adams' })
  })

  it('needs a template for every row', () => {
    const none = plan('first name,last name,username,password\nPriya,Raman,priya.raman,Start-1000Go\n', {
      templates: lookup
    })
    expect(none.problems).toEqual([{ row: 0, message: expect.stringContaining('A roster needs a template') }])
    expect(none.rows[0]).toMatchObject({
      status: 'error',
      problems: [{ message: expect.stringContaining('No template') }]
    })
    const missing = plan('first name,last name,username,password\nPriya,Raman,priya.raman,Start-1000Go\n', {
      templates: lookup,
      defaultTemplate: 'Gone'
    })
    expect(missing.problems).toEqual([
      { row: 0, message: 'The template "Gone" chosen for the file does not exist.' }
    ])
    expect(missing.rows[0]).toMatchObject({
      status: 'error',
      problems: [{ message: expect.stringContaining('no template named "Gone"') }]
    })
  })

  it('needs a username column when a template has no username pattern', () => {
    const result = plan(
      'first name,last name,email,password\nPriya,Raman,priya@alpha.example.com,Start-1000Go\n',
      {
        templates: lookup,
        defaultTemplate: 'No pattern'
      }
    )
    expect(result.problems).toEqual([
      {
        row: 0,
        message:
          'The file has no username column and template "No pattern" has no username pattern: add a username column, or give the template a username pattern.'
      }
    ])
    expect(result.rows[0]).toMatchObject({
      status: 'error',
      problems: [{ message: expect.stringContaining('Enter a username') }]
    })
  })
})

describe('the documented samples', () => {
  const sample = (name: string): string =>
    readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8')

  it("plan cleanly against the demo Sandbox's alpha instance", () => {
    const consolePlan = plan(sample('bulk-console-sample.csv'))
    expect(consolePlan.form).toBe('console')
    expect(consolePlan.problems).toEqual([])
    expect(errors(consolePlan)).toEqual([])
    expect(consolePlan.ignoredColumns).toEqual([])
    expect(consolePlan.counts.create).toBeGreaterThanOrEqual(8)

    // The templates the roster sample names are documented in docs/bulk.md, in the templates file format.
    const doc = sample('bulk.md')
    const block = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1]
    const file = templateFileSchema.parse(JSON.parse(block ?? '{}'))
    const byName = new Map(file.templates.map((t) => [t.name.toLowerCase(), t]))
    const rosterPlan = plan(sample('bulk-roster-sample.csv'), {
      templates: (name) => byName.get(name.trim().toLowerCase())
    })
    expect(rosterPlan.form).toBe('roster')
    expect(rosterPlan.problems).toEqual([])
    expect(errors(rosterPlan)).toEqual([])
    expect(rosterPlan.ignoredColumns).toEqual([])
    expect(rosterPlan.counts.create).toBeGreaterThanOrEqual(8)
  })
})

describe('speed', () => {
  it('plans a 10,000-row console file (parse and plan) well within budget', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => {
      const r = hire(i)
      const login = `hire${i}.${r.last}`.toLowerCase().slice(0, 20)
      return { ...r, login, email: `${login}@alpha.example.com` }
    })
    const text = consoleCsv(rows)
    const cpu = process.cpuUsage()
    const started = performance.now()
    const parsed = parseBulkCsv(text)
    const parsedAt = performance.now()
    const result = planBatch({
      parsed,
      fileName: 'big.csv',
      target: alpha.target,
      templates: () => undefined,
      lookups: alpha.lookups,
      existing: alpha.existing
    })
    const ms = performance.now() - started
    const used = process.cpuUsage(cpu)
    console.log(
      `bulk plan: 10,000 rows (${(text.length / 1024 / 1024).toFixed(1)} MB) in ${ms.toFixed(0)} ms ` +
        `(parse ${(parsedAt - started).toFixed(0)} ms, plan ${(ms - parsedAt + started).toFixed(0)} ms; ` +
        `${((used.user + used.system) / 1000).toFixed(0)} ms CPU)`
    )
    expect(result.counts).toEqual({ create: 10_000, exists: 0, error: 0 })
    expect(ms).toBeLessThan(10_000)
  })
})

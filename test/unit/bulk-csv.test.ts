import { describe, expect, it } from 'vitest'
import {
  blankCsv,
  bulkLimits,
  consoleColumns,
  matchHeader,
  normaliseHeader,
  parseBulkCsv,
  rosterColumns
} from '../../src/shared/bulk/csv'
import type { ParsedCsv } from '../../src/shared/bulk/types'

/** The header of the admin website's bulk template (2024/25 guide). */
const consoleHeader =
  'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'

const janeRow =
  'Jane,Roe,jane.roe@example.com,,+447700900123,Str0ngPassw0rd,jane.roe,Sales Inbound,Agent|QualityAnalyst,EMEA|London|Tier 1,desk,+442079460000,yes,30,team=sales;site=london'

const problemsOf = (parsed: ParsedCsv): Array<[number, string | undefined]> =>
  parsed.problems.map((p) => [p.row, p.column])

describe('the console form', () => {
  it('reads the admin website template as is, every column mapped', () => {
    const parsed = parseBulkCsv(`${consoleHeader}\n${janeRow}\n`)
    expect(parsed.form).toBe('console')
    expect(parsed.delimiter).toBe(',')
    expect(parsed.problems).toEqual([])
    expect(parsed.ignored).toEqual([])
    expect(parsed.columns.map((c) => c.field)).toEqual([
      'firstName',
      'lastName',
      'email',
      'secondaryEmail',
      'mobile',
      'password',
      'username',
      'routingProfile',
      'securityProfiles',
      'hierarchyGroup',
      'phoneType',
      'deskPhoneNumber',
      'autoAccept',
      'afterContactWorkSeconds',
      'tags'
    ])
    expect(parsed.columns[8]).toEqual({
      header: 'security_profile_name_1|security_profile_name_2',
      field: 'securityProfiles'
    })
    expect(parsed.rows).toEqual([
      {
        row: 2,
        person: {
          firstName: 'Jane',
          lastName: 'Roe',
          email: 'jane.roe@example.com',
          secondaryEmail: '',
          mobile: '+447700900123',
          password: 'Str0ngPassw0rd',
          username: 'jane.roe'
        },
        settings: {
          routingProfile: 'Sales Inbound',
          securityProfiles: ['Agent', 'QualityAnalyst'],
          hierarchyGroup: 'EMEA/London/Tier 1',
          phone: {
            phoneType: 'DESK_PHONE',
            deskPhoneNumber: '+442079460000',
            autoAccept: true,
            afterContactWorkSeconds: 30
          },
          tags: { team: 'sales', site: 'london' }
        }
      }
    ])
  })

  it('leaves blank setting cells out, so defaults apply', () => {
    const parsed = parseBulkCsv(
      `${consoleHeader}\nAl,Bo,al@example.com,,,Str0ngPassw0rd,al.bo,Sales Inbound,Agent,,,,,,\n`
    )
    expect(parsed.problems).toEqual([])
    expect(parsed.rows[0]?.settings).toEqual({ routingProfile: 'Sales Inbound', securityProfiles: ['Agent'] })
  })

  it('reads the 2021/22 variant with the "soft phone auto accept yes/no)" typo and no hierarchy or tags', () => {
    const header =
      'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft phone auto accept yes/no),ACW timeout (seconds)'
    const parsed = parseBulkCsv(
      `${header}\nAl,Bo,al@example.com,,,Str0ngPassw0rd,al.bo,Sales Inbound,Agent,soft,,no,0\n`
    )
    expect(parsed.form).toBe('console')
    expect(parsed.problems).toEqual([])
    expect(parsed.ignored).toEqual([])
    expect(parsed.rows[0]?.settings.phone).toEqual({
      phoneType: 'SOFT_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 0
    })
  })

  it('reads the SAML variant without e-mail and password, as scripts write it', () => {
    const header =
      'first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds)'
    const parsed = parseBulkCsv(`${header}\nAl,Bo,al.bo@example.com,Store Support,Agent,soft,,yes,10\n`)
    expect(parsed.form).toBe('console')
    expect(parsed.problems).toEqual([])
    expect(parsed.rows[0]?.person).toEqual({ firstName: 'Al', lastName: 'Bo', username: 'al.bo@example.com' })
  })

  it('reads the 2024 list with both "agent hierarchy" and "user_hierarchy_1|user_hierarchy_2"', () => {
    const header =
      'first name,last name,email address,secondary email address,mobile,password,user login,agent hierarchy,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'
    const base = 'Al,Bo,al@example.com,,,Str0ngPassw0rd,al.bo'
    const parsed = parseBulkCsv(
      [
        header,
        `${base},EMEA/London,Sales Inbound,Agent,,soft,,no,0,`,
        `${base},,Sales Inbound,Agent,EMEA|London,soft,,no,0,`,
        `${base},EMEA / London,Sales Inbound,Agent,EMEA|London,soft,,no,0,`,
        `${base},AMER,Sales Inbound,Agent,EMEA|London,soft,,no,0,`
      ].join('\n')
    )
    expect(parsed.columns.filter((c) => c.field === 'hierarchyGroup').map((c) => c.header)).toEqual([
      'agent hierarchy',
      'user_hierarchy_1|user_hierarchy_2'
    ])
    expect(parsed.rows.map((r) => r.settings.hierarchyGroup)).toEqual([
      'EMEA/London',
      'EMEA/London',
      'EMEA/London',
      undefined
    ])
    expect(parsed.problems).toEqual([
      {
        row: 5,
        column: 'agent hierarchy',
        message:
          'The hierarchy is "AMER" here but "EMEA/London" in "user_hierarchy_1|user_hierarchy_2": give it in one column, or the same in both.'
      }
    ])
  })

  it('joins separate user_hierarchy_N level columns into a path and merges security profile columns', () => {
    const parsed = parseBulkCsv(
      'first name,last name,user login,routing profile name,security_profile_name_1,security_profile_name_2,user_hierarchy_1,user_hierarchy_2,user_hierarchy_3\n' +
        'Al,Bo,al.bo,Sales Inbound,Agent,QualityAnalyst,EMEA,London,Tier 1\n' +
        'Al,Bo,al.bo,Sales Inbound,Agent,,EMEA,,\n'
    )
    expect(parsed.problems).toEqual([])
    expect(parsed.rows.map((r) => [r.settings.securityProfiles, r.settings.hierarchyGroup])).toEqual([
      [['Agent', 'QualityAnalyst'], 'EMEA/London/Tier 1'],
      [['Agent'], 'EMEA']
    ])
  })

  it('refuses a file without a required column, naming each one', () => {
    const parsed = parseBulkCsv(
      'first name,last name,user login,security_profile_name_1|security_profile_name_2\nA,B,a.b,Agent\n'
    )
    expect(parsed.form).toBe('console')
    expect(parsed.rows).toEqual([])
    expect(parsed.problems).toHaveLength(1)
    expect(parsed.problems[0]).toMatchObject({ row: 0 })
    expect(parsed.problems[0]?.message).toContain('"routing profile name"')
    const names = parseBulkCsv(
      'user login,routing profile name,security_profile_name_1|security_profile_name_2\nab,Sales Inbound,Agent\n'
    )
    expect(names.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('"first name"'),
      expect.stringContaining('"last name"')
    ])
  })
})

describe('reading the file', () => {
  it('takes a UTF-8 BOM and CRLF line ends', () => {
    const parsed = parseBulkCsv(`\uFEFF${consoleHeader}\r\n${janeRow}\r\n`)
    expect(parsed.problems).toEqual([])
    expect(parsed.columns[0]?.header).toBe('first name')
    expect(parsed.rows[0]?.person.firstName).toBe('Jane')
    expect(parsed.rows[0]?.settings.tags).toEqual({ team: 'sales', site: 'london' })
  })

  it('takes ; as Excel writes it in European locales, with commas inside values', () => {
    const header = consoleHeader.replaceAll(',', ';')
    const row =
      'Zoë;Doe, Jr.;zoe@example.com;;;Str0ngPassw0rd;zoe.doe;Sales Inbound;Agent;;soft;;no;0;"team=a;site=b"'
    const parsed = parseBulkCsv(`${header}\r\n${row}\r\n`)
    expect(parsed.delimiter).toBe(';')
    expect(parsed.problems).toEqual([])
    expect(parsed.rows[0]?.person).toMatchObject({ firstName: 'Zoë', lastName: 'Doe, Jr.' })
    expect(parsed.rows[0]?.settings.tags).toEqual({ team: 'a', site: 'b' })
  })

  it('takes the separator from Excel\'s "sep=" first line', () => {
    const parsed = parseBulkCsv(
      'sep=;\r\nfirst name;last name;user login;routing profile name;security profiles\r\nA;B, Jr.;a.b;Sales Inbound;Agent\r\n'
    )
    expect(parsed).toMatchObject({ form: 'console', delimiter: ';', problems: [] })
    expect(parsed.rows[0]).toMatchObject({ row: 3, person: { lastName: 'B, Jr.' } })
  })

  it('takes quoted commas, quotes and line breaks, and numbers rows by their first line', () => {
    const text = [
      'first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,tags',
      '"Doe, Jane","O""Brien",jane.ob,Sales Inbound,Agent,"team=a',
      'site=b"',
      '',
      '   ',
      'Al,Bo,al.bo,Sales Inbound,Agent,'
    ].join('\r\n')
    const parsed = parseBulkCsv(text)
    expect(parsed.problems).toEqual([])
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 6])
    expect(parsed.rows[0]?.person).toMatchObject({ firstName: 'Doe, Jane', lastName: 'O"Brien' })
    expect(parsed.rows[0]?.settings.tags).toEqual({ team: 'a', site: 'b' })
  })

  it('counts lines the same with LF', () => {
    const parsed = parseBulkCsv(
      'first name,last name,user login,routing profile name,security profiles\n\nA,B,a.b,Sales Inbound,Agent\n"C\nC",D,c.d,Sales Inbound,Agent\nE,F,e.f,Sales Inbound,Agent'
    )
    expect(parsed.rows.map((r) => r.row)).toEqual([3, 4, 6])
    expect(parsed.problems).toEqual([
      { row: 4, column: 'first name', message: expect.stringContaining('line break') }
    ])
  })

  it('reads a row with fewer cells as blanks, and refuses one with extra values', () => {
    const parsed = parseBulkCsv(
      'first name,last name,user login,routing profile name,security profiles,tags\nA,B,a.b,Sales Inbound,Agent\nC,D,c.d,Sales Inbound,Agent,,,\nE,Doe, Jr.,e.d,Sales Inbound,Agent,team=x\n'
    )
    expect(parsed.rows.map((r) => r.row)).toEqual([2, 3])
    expect(parsed.problems).toEqual([
      {
        row: 4,
        message:
          'This row has 7 cells but the header has 6: put a value that holds a "," in double quotes ("Doe, Jr.").'
      }
    ])
  })

  it('refuses a row whose quote is not closed', () => {
    const parsed = parseBulkCsv(
      'first name,last name,user login,routing profile name,security profiles\nA,B,a.b,Sales Inbound,Agent\n"C,D,c.d,Sales Inbound,Agent\n'
    )
    expect(parsed.rows.map((r) => r.row)).toEqual([2])
    expect(problemsOf(parsed)).toEqual([[3, undefined]])
    expect(parsed.problems[0]?.message).toContain('double quote')
  })

  it('refuses an empty file, a header without rows, and a file that is not UTF-8', () => {
    expect(parseBulkCsv('').problems).toEqual([{ row: 0, message: expect.stringContaining('empty') }])
    expect(parseBulkCsv('\uFEFF\r\n  \r\n').problems).toEqual([
      { row: 0, message: expect.stringContaining('empty') }
    ])
    const header = parseBulkCsv(`${consoleHeader}\r\n`)
    expect(header.form).toBe('console')
    expect(header.problems).toEqual([{ row: 0, message: expect.stringContaining('no rows') }])
    const ansi = parseBulkCsv(
      `${consoleHeader}\n${janeRow}\nZo\uFFFD,Doe,,,,,zoe.doe,Sales Inbound,Agent,,,,,,\n`
    )
    expect(ansi.rows).toEqual([])
    expect(ansi.problems).toEqual([{ row: 0, message: expect.stringContaining('UTF-8') }])
    expect(ansi.problems[0]?.message).toContain('line 3')
  })
})

describe('header matching', () => {
  it('ignores case, spacing and punctuation', () => {
    expect(normaliseHeader(' Soft Phone Auto-Accept (Yes/No) ')).toBe('softphoneautoacceptyesno')
    expect(matchHeader('FIRST_NAME')).toBe('firstName')
    expect(matchHeader('User-Login')).toBe('username')
    expect(matchHeader('soft phone auto accept yes/no)')).toBe('autoAccept')
    expect(matchHeader('Security Profile Names')).toBe('securityProfiles')
    expect(matchHeader('acw timeout (seconds)')).toBe('afterContactWorkSeconds')
    expect(matchHeader('Phone Type (Soft/Desk)')).toBe('phoneType')
    expect(matchHeader('E-mail')).toBe('email')
    expect(matchHeader('Directory User ID')).toBe('directoryUserId')
    expect(matchHeader('Employee number')).toBeUndefined()
  })

  it('lists unknown columns as ignored and keeps the header as written', () => {
    const parsed = parseBulkCsv(
      ' First Name ,LAST NAME,User Login,Routing Profile Name,Security_Profile_Name_1|Security_Profile_Name_2,Employee number,,Notes\nA,B,a.b,Sales Inbound,Agent,42,,x\n'
    )
    expect(parsed.form).toBe('console')
    expect(parsed.problems).toEqual([])
    expect(parsed.ignored).toEqual(['Employee number', 'Notes'])
    expect(parsed.columns.map((c) => c.header)).toEqual([
      'First Name',
      'LAST NAME',
      'User Login',
      'Routing Profile Name',
      'Security_Profile_Name_1|Security_Profile_Name_2'
    ])
  })

  it('refuses two columns that give the same field', () => {
    const parsed = parseBulkCsv(
      'first name,last name,email,e-mail address,username,template\nA,B,a@x.com,a@x.com,ab,T\n'
    )
    expect(parsed.rows).toEqual([])
    expect(parsed.problems).toEqual([
      { row: 0, message: 'The columns "email" and "e-mail address" both give the e-mail address: keep one.' }
    ])
  })

  it('tells the forms apart: a template column or no console column is a roster', () => {
    expect(parseBulkCsv('first name,last name,username,template\nA,B,ab,T\n').form).toBe('roster')
    expect(parseBulkCsv('first name,last name,username\nA,B,ab\n').form).toBe('roster')
    expect(
      parseBulkCsv('first name,last name,username,routing profile,security profiles\nA,B,ab,R,S\n').form
    ).toBe('roster')
    expect(
      parseBulkCsv('first name,last name,user login,routing profile name,security profiles\nA,B,ab,R,S\n')
        .form
    ).toBe('console')
    expect(
      parseBulkCsv(
        'first name,last name,user login,template,routing profile name,security profiles\nA,B,ab,T,R,S\n'
      ).form
    ).toBe('roster')
  })
})

describe('the roster form', () => {
  it('reads person columns, the template and the overrides', () => {
    const header = rosterColumns.join(',')
    const parsed = parseBulkCsv(
      `${header}\nAna,Silva,,,,,Str0ngPassw0rd,,Tier 1,Support Tier 2,Agent|CallCenterManager,EMEA/Dublin/Tier 1,desk,+353 1 555 0100,no,45,cohort=2026-11\nBo,Li,bo.li@x.example.com,bo.li,,,,,,,,,,,,,\n`
    )
    expect(parsed.form).toBe('roster')
    expect(parsed.problems).toEqual([])
    expect(parsed.ignored).toEqual([])
    expect(parsed.rows).toEqual([
      {
        row: 2,
        person: {
          firstName: 'Ana',
          lastName: 'Silva',
          email: '',
          username: '',
          mobile: '',
          secondaryEmail: '',
          password: 'Str0ngPassw0rd',
          directoryUserId: ''
        },
        template: 'Tier 1',
        settings: {
          routingProfile: 'Support Tier 2',
          securityProfiles: ['Agent', 'CallCenterManager'],
          hierarchyGroup: 'EMEA/Dublin/Tier 1',
          phone: {
            phoneType: 'DESK_PHONE',
            deskPhoneNumber: '+353 1 555 0100',
            autoAccept: false,
            afterContactWorkSeconds: 45
          },
          tags: { cohort: '2026-11' }
        }
      },
      {
        row: 3,
        person: {
          firstName: 'Bo',
          lastName: 'Li',
          email: 'bo.li@x.example.com',
          username: 'bo.li',
          mobile: '',
          secondaryEmail: '',
          password: '',
          directoryUserId: ''
        },
        settings: {}
      }
    ])
  })

  it('needs first and last name columns; username is optional (a template may derive it)', () => {
    expect(parseBulkCsv('first name,last name,template\nA,B,T\n').problems).toEqual([])
    const parsed = parseBulkCsv('first name,username,template\nA,ab,T\n')
    expect(parsed.form).toBe('roster')
    expect(parsed.rows).toEqual([])
    expect(parsed.problems).toEqual([{ row: 0, message: expect.stringContaining('"last name"') }])
  })
})

describe('cell rules', () => {
  const header = 'first name,last name,user login,routing profile name,security profiles'
  const cells = (columns: string, values: string): ParsedCsv =>
    parseBulkCsv(`${header},${columns}\nA,B,a.b,Sales Inbound,Agent,${values}\n`)

  it('reads yes/no, true/false and y/n in any case', () => {
    const values = ['yes', 'YES', 'Y', 'true', 'True', 'no', 'N', 'false', ' No ']
    expect(
      values.map((v) => cells('soft phone auto accept (yes/no)', v).rows[0]?.settings.phone?.autoAccept)
    ).toEqual([true, true, true, true, true, false, false, false, false])
    const bad = cells('soft phone auto accept (yes/no)', 'maybe')
    expect(bad.problems).toEqual([
      {
        row: 2,
        column: 'soft phone auto accept (yes/no)',
        message: '"maybe" is not yes or no: write yes or no.'
      }
    ])
    expect(bad.rows[0]?.settings.phone).toBeUndefined()
  })

  it('reads soft/desk as the console writes them', () => {
    const values = ['soft', 'SOFT', 'Soft phone', 'soft_phone', 'desk', 'Desk', 'DESK_PHONE']
    expect(values.map((v) => cells('phone type (soft/desk)', v).rows[0]?.settings.phone?.phoneType)).toEqual([
      'SOFT_PHONE',
      'SOFT_PHONE',
      'SOFT_PHONE',
      'SOFT_PHONE',
      'DESK_PHONE',
      'DESK_PHONE',
      'DESK_PHONE'
    ])
    expect(cells('phone type (soft/desk)', 'mobile').problems).toEqual([
      {
        row: 2,
        column: 'phone type (soft/desk)',
        message: '"mobile" is not a phone type: write soft or desk.'
      }
    ])
  })

  it('reads ACW as whole seconds', () => {
    expect(cells('ACW timeout (seconds)', ' 120 ').rows[0]?.settings.phone).toEqual({
      afterContactWorkSeconds: 120
    })
    for (const bad of ['12.5', '-1', 'thirty', '30s', '1e3'])
      expect(cells('ACW timeout (seconds)', bad).problems).toEqual([
        {
          row: 2,
          column: 'ACW timeout (seconds)',
          message: `"${bad}" is not a whole number of seconds: write it like 30 (0 means no limit).`
        }
      ])
  })

  it('reads tags as k=v;k2=v2 with the shared tag parser', () => {
    expect(cells('tags', 'team=support; site = london ;').rows[0]?.settings.tags).toEqual({
      team: 'support',
      site: 'london'
    })
    expect(cells('tags', 'team').problems).toEqual([
      { row: 2, column: 'tags', message: 'Tag "team" has no "=": write it as key=value.' }
    ])
    expect(cells('tags', 'a=1;a=2').problems[0]?.message).toBe('Tag "a" is given twice: keep one.')
  })

  it('splits security profiles on | and hierarchy paths on / or |', () => {
    const parsed = parseBulkCsv(
      `${header},hierarchy\nA,B,a.b,Sales Inbound, Agent | QualityAnalyst |,EMEA | London|Tier 1\n`
    )
    expect(parsed.rows[0]?.settings).toMatchObject({
      securityProfiles: ['Agent', 'QualityAnalyst'],
      hierarchyGroup: 'EMEA/London/Tier 1'
    })
    expect(cells('hierarchy', 'EMEA//Tier 1').problems).toEqual([
      {
        row: 2,
        column: 'hierarchy',
        message:
          '"EMEA//Tier 1" has an empty level: write the group\'s path from the top, like EMEA/London/Tier 1.'
      }
    ])
  })

  it('keeps a password exactly as written and trims everything else', () => {
    const parsed = parseBulkCsv(
      `${header},password,email address\n  A ,B ,a.b ,Sales Inbound,Agent, Pass word1 , a@x.com \n`
    )
    expect(parsed.rows[0]?.person).toEqual({
      firstName: 'A',
      lastName: 'B',
      username: 'a.b',
      password: ' Pass word1 ',
      email: 'a@x.com'
    })
  })

  it('caps every cell, saying the limit without echoing the value', () => {
    const long = 'x'.repeat(bulkLimits.cell.username + 1)
    const parsed = parseBulkCsv(`${header},password\nA,B,${long},Sales Inbound,Agent,${'p'.repeat(300)}\n`)
    expect(parsed.problems).toEqual([
      {
        row: 2,
        column: 'user login',
        message: `This cell has ${bulkLimits.cell.username + 1} characters; at most ${bulkLimits.cell.username} are read.`
      },
      {
        row: 2,
        column: 'password',
        message: `This cell has 300 characters; at most ${bulkLimits.cell.password} are read.`
      }
    ])
    expect(parsed.rows[0]?.person.username).toBeUndefined()
  })
})

describe('limits', () => {
  it('documents them as constants', () => {
    expect(bulkLimits.rows).toBe(10_000)
    expect(bulkLimits.fileBytes).toBe(10 * 1024 * 1024)
  })

  it('refuses more rows than the limit, and takes exactly the limit', () => {
    const head = 'first name,last name,user login,routing profile name,security profiles\n'
    const rows = (n: number): string =>
      head + Array.from({ length: n }, (_, i) => `A,B,u${i},Sales Inbound,Agent`).join('\n')
    const atLimit = parseBulkCsv(rows(bulkLimits.rows))
    expect(atLimit.problems).toEqual([])
    expect(atLimit.rows).toHaveLength(bulkLimits.rows)
    const over = parseBulkCsv(rows(bulkLimits.rows + 1))
    expect(over.rows).toEqual([])
    expect(over.problems).toEqual([
      { row: 0, message: 'The file has more than 10,000 rows: split it into files of at most 10,000 rows.' }
    ])
    expect(parseBulkCsv(rows(4), { maxRows: 3 }).problems[0]?.message).toContain('more than 3 rows')
  })

  it('refuses a file over 10 MB, counting UTF-8 bytes', () => {
    const head = 'first name,last name,user login,routing profile name,security profiles\n'
    // 5.3 million "é" are fewer characters than the limit but more bytes.
    const big = head + 'é'.repeat(5_300_000)
    expect(big.length).toBeLessThan(bulkLimits.fileBytes)
    const parsed = parseBulkCsv(big)
    expect(parsed.rows).toEqual([])
    expect(parsed.problems).toEqual([
      { row: 0, message: expect.stringMatching(/^The file is 10\.1 MB: at most 10 MB/) }
    ])
  })
})

describe('blank templates', () => {
  it("writes the console form in the console's own column names, and reads it back", () => {
    const text = blankCsv('console')
    // The header only: an example row left in by mistake would create a real user.
    expect(text).toBe(`${consoleHeader}\r\n`)
    expect(consoleColumns.join(',')).toBe(consoleHeader)
    const parsed = parseBulkCsv(`${text}Ada,Lovelace,ada@example.com\r\n`)
    expect(parsed).toMatchObject({ form: 'console', problems: [], ignored: [] })
    expect(parsed.columns).toHaveLength(consoleColumns.length)
    expect(parsed.rows).toHaveLength(1)
  })

  it('writes the roster form with every person and override column, and reads it back', () => {
    const text = blankCsv('roster')
    expect(text).toBe(`${rosterColumns.join(',')}\r\n`)
    expect(parseBulkCsv(text).problems.map((p) => p.message)).toEqual([
      'The file has a header but no rows: add a row per person.'
    ])
    const parsed = parseBulkCsv(`${text}Ada,Lovelace,ada@example.com,,,,,,Tier 1\r\n`)
    expect(parsed).toMatchObject({ form: 'roster', problems: [], ignored: [] })
    expect(parsed.columns).toHaveLength(rosterColumns.length)
    expect(parsed.rows[0]?.template).toBe('Tier 1')
  })
})

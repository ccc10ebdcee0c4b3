/**
 * The app's reader of ~/.aws/config and ~/.aws/credentials (parseAwsIni) against the AWS SDK's own
 * (loadSharedConfigFiles from @smithy/core/config), over the same files written to a temp dir: both must
 * see the same sections, keys and values.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { awsFileLimits, awsFilePaths, parseAwsIni, shown } from '../../src/main/services/aws-ini'

type Sections = Record<string, Record<string, string>>

const dir = mkdtempSync(join(tmpdir(), 'cp-ini-parity-'))
let fileCount = 0

/** Plain section → key → value objects, leaving out sections without a value (the SDK has none). */
function plain(data: Record<string, Record<string, string | undefined> | undefined>): Sections {
  const out: Sections = {}
  for (const [name, values] of Object.entries(data)) {
    const entries = Object.entries(values ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
    if (entries.length > 0) out[name] = Object.fromEntries(entries)
  }
  return out
}

/** What the SDK reads: `configFile` (sso-session/services as `sso-session.x`/`services.x`) and `credentialsFile`. */
async function sdkRead(
  config: string,
  credentials: string
): Promise<{ config: Sections; credentials: Sections }> {
  fileCount += 1
  const configFilepath = join(dir, `config-${fileCount}`)
  const filepath = join(dir, `credentials-${fileCount}`)
  writeFileSync(configFilepath, config)
  writeFileSync(filepath, credentials)
  const files = await loadSharedConfigFiles({ configFilepath, filepath, ignoreCache: true })
  return { config: plain(files.configFile), credentials: plain(files.credentialsFile) }
}

/** What the app reads, in the SDK's shape: sections of the same name merged in order, later keys winning. */
function appRead(text: string, kind: 'config' | 'credentials'): Sections {
  const out: Sections = {}
  for (const section of parseAwsIni(text, kind, kind).sections) {
    const id = section.kind === 'profile' ? section.name : `${section.kind}.${section.name}`
    const values = (out[id] ??= {})
    for (const [key, { value }] of section.values) values[key] = value
  }
  return plain(out)
}

async function expectParity(config: string, credentials = ''): Promise<Sections> {
  const sdk = await sdkRead(config, credentials)
  expect({ config: appRead(config, 'config'), credentials: appRead(credentials, 'credentials') }).toEqual(sdk)
  return sdk.config
}

const crlf = (text: string): string => text.replace(/\n/g, '\r\n')

const fixtures: Record<string, { config: string; credentials?: string }> = {
  'inline comments': {
    config: `# a comment
; another
[profile comments]
region = eu-west-2   # London
output = json ; the format
glued_hash = b#not-a-comment
glued_semi = d;not-a-comment
tab_comment = f\t# after a tab
only_comment = # nothing but a comment
next = after-the-empty-value
trailing = x #
url = https://host/#x
url_spaced = https://host/ #x
query = https://host/?a=1;b=2
   # an indented comment
k#ey = v
k;ey2 = v2
cr = 1\r# after a lone carriage return
`
  },
  'section headers': {
    config: `[default]
region = us-east-1
[profile  two-spaces]
region = a
[ profile spaced ]
region = b
[profile\ttabbed]
region = c
[profile "quoted"]
region = d
[profile 'single']
region = e
[profile "mismatch']
region = f
[profile a b]
region = g
[profile.dotted]
region = h
[profile hashed] # comment
region = i
[profile glued]#comment
region = j
[Profile upper]
region = k
[legacy]
region = l
[foo bar]
region = m
[profile name@with+chars.%:/_-9]
region = n
[profile unicodé]
region = o
[]
region = p
[profile unclosed
region = q
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start # the portal
sso_region = eu-west-1
[services local]
connect =
  endpoint_url = http://127.0.0.1:4566 # the Sandbox
  other = 1
sts =
endpoint_url = http://top-level
[services.raw]
k = v
[profile "quoted"]
output = json
`
  },
  'nested blocks': {
    config: `[profile nested]
s3 =
  max_concurrent_requests = 10
  multipart_threshold = 64MB ; comment
\tuse_accelerate_endpoint = true
region = eu-west-1
  indented_after = 1
s3 =

  # a comment inside the block
  after_blank = 2
parent =
  child =
    grandchild = 3
  sibling = 4
no equals sign
  still_nested = 5
empty =
next = 6
[profile next-section]
  indented_first = 7
block =
  inner = 8
[profile after-block]
  not_nested = 9
`
  },
  'keys and values': {
    config: `[profile values]
Region = upper
key with spaces = v
quoted = "a b"
single = 'x'
eq = a=b=c
spaces =    lots   of   space
dup = first
dup = second
=novalue
no equals here
tab\t=\tvalue\t
__proto__ = x
constructor = y
empty =
`
  },
  'default and profile default': {
    config: `[default]
region = plain
output = text
[profile default]
region = prefixed
`
  },
  'profile default with no value': {
    config: `[default]
region = plain
[profile default]
s3 =
`
  },
  'duplicate sections': {
    config: `[profile d]
a = 1
b = 1
[profile other]
a = x
[profile d]
b = 2
`,
    credentials: `[d]
a = 1
[d]
a = 2
`
  },
  'lines before any header and a byte order mark': {
    config: `\ufeffstray = 1
  also = 2
[profile p]
region = r
`,
    credentials: `\ufeff[default]
aws_access_key_id = AKIAEXAMPLE # comment
aws_secret_access_key = s#s
`
  },
  'blocked profile names': {
    config: `[profile ok]
region = r
[profile "__proto__"]
region = x
`,
    credentials: `[ok]
a = 1
[__proto__]
a = 2
`
  },
  'credentials headers': {
    config: '',
    credentials: `[default]
aws_access_key_id = A
[profile prefixed]
a = 1
[ spaced ]
a = 2
[my profile]
a = 3
[sso-session s]
a = 4
[with.dot]
a = 5
[three words here]
a = 6
[glued]#comment
a = 7
`
  }
}

describe('parseAwsIni reads what the AWS SDK reads', () => {
  for (const [name, { config, credentials = '' }] of Object.entries(fixtures)) {
    it(`${name} (LF)`, async () => {
      await expectParity(config, credentials)
    })
    it(`${name} (CRLF)`, async () => {
      await expectParity(crlf(config), crlf(credentials))
    })
  }

  it('agrees on the values that matter (checked by hand against the SDK’s output)', async () => {
    const config = await expectParity(
      fixtures['inline comments']!.config +
        fixtures['section headers']!.config +
        fixtures['nested blocks']!.config
    )
    expect(config['comments']).toMatchObject({
      region: 'eu-west-2',
      output: 'json',
      glued_hash: 'b#not-a-comment',
      url: 'https://host/#x',
      url_spaced: 'https://host/',
      query: 'https://host/?a=1;b=2',
      // `only_comment = # ...` is an empty value; the next, non-indented line closes its block at once.
      next: 'after-the-empty-value',
      cr: '1'
    })
    expect(config['services.local']).toEqual({
      'connect.endpoint_url': 'http://127.0.0.1:4566',
      'connect.other': '1',
      endpoint_url: 'http://top-level'
    })
    expect(config['sso-session.corp']).toEqual({
      sso_start_url: 'https://corp.awsapps.com/start',
      sso_region: 'eu-west-1'
    })
    expect(config['tabbed']).toEqual({ region: 'c' })
    expect(config['quoted']).toEqual({ region: 'd', output: 'json' })
    expect(config['dotted']).toEqual({ region: 'h' })
    expect(config['two-spaces']).toBeUndefined()
    // `[profile glued]#comment` is no header: its lines stay in the section above.
    expect(config['hashed']).toEqual({ region: 'j' })
    expect(config['comments']).not.toHaveProperty('only_comment')
    expect(config['nested']).toMatchObject({
      's3.max_concurrent_requests': '10',
      's3.use_accelerate_endpoint': 'true',
      indented_after: '1',
      's3.after_blank': '2',
      'child.grandchild': '3',
      'child.sibling': '4',
      'child.still_nested': '5',
      next: '6'
    })
    const defaults = await expectParity(fixtures['default and profile default']!.config)
    expect(defaults['default']).toEqual({ region: 'prefixed' })
  })

  it('agrees on 400 generated files', async () => {
    let seed = 0x5eed
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return Math.floor((seed / 2 ** 31) * n)
    }
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T
    const headers = [
      '[default]',
      '[profile default]',
      '[profile a]',
      '[profile  a]',
      '[ profile a]',
      '[profile\ta]',
      '[profile "a"]',
      '[profile a.b]',
      '[profile.a]',
      '[a]',
      '[b c]',
      '[sso-session s]',
      '[services x]',
      '[services "x"]',
      '[profile a] # c',
      '[profile a]#c',
      '[profile a',
      '[]',
      '[Default]',
      '[profile a\u001b]',
      '[profile.b\u202e]',
      '[c\u200bd]',
      '[profile.x ]',
      '[a]\r[b]'
    ]
    const keys = [
      'region',
      'endpoint_url',
      'Region',
      'connect',
      's3',
      'k e y',
      'a#b',
      'x;y',
      '__proto__',
      'k: v'
    ]
    const values = ['', 'v', 'eu-west-2', 'https://h/#x', '"q"', 'a=b', '# c', '; c', 'v # c', 'v;c', 'v\t#c']
    values.push('v\u001b[2J', 'a\rb', 'a\r# c', '\u202ev')
    const indents = ['', '', '', '  ', '\t', ' ']
    const line = (): string => {
      switch (random(8)) {
        case 0:
          return pick(headers)
        case 1:
          return pick([
            '',
            '   ',
            '# comment',
            '; comment',
            '  # indented',
            'no equals',
            '= v',
            'k: v',
            'k:v=w'
          ])
        default:
          return `${pick(indents)}${pick(keys)}${pick([' = ', '=', ' =', '\t=\t'])}${pick(values)}`
      }
    }
    for (let file = 0; file < 400; file++) {
      const lines = Array.from({ length: 1 + random(25) }, line)
      const eol = pick(['\n', '\r\n', '\n', '\r\n', '\r'])
      await expectParity(lines.join(eol), lines.reverse().join(eol))
    }
  })
})

describe('parseAwsIni keeps the line of every value and problem', () => {
  it('reports problems at their lines, CRLF or not', () => {
    const text = crlf(`# header comment
[profile p]
region = eu-west-2 # London
Output = json
region = eu-west-1
[profile glued]#comment
oops
[legacy]
region = x
[default]
region = y
[profile default]
region = z
`)
    const parsed = parseAwsIni(text, 'cfg', 'config')
    const p = parsed.sections.find((s) => s.name === 'p')
    expect(p?.values.get('region')).toEqual({ value: 'eu-west-1', line: 5, file: 'cfg' })
    expect(p?.problems).toEqual([
      {
        file: 'cfg',
        line: 4,
        reason: '"Output" is not read as "output": the AWS SDK\'s keys are case-sensitive.'
      },
      {
        file: 'cfg',
        line: 5,
        reason:
          'region is set again (first at line 3): the AWS SDK uses the value further down; the AWS CLI refuses a file that repeats a key in a section.'
      },
      // After a header the SDK does not read as one, lines belong to the section above.
      { file: 'cfg', line: 7, reason: 'expected "key = value", found "oops".' }
    ])
    expect(parsed.problems).toEqual([
      {
        file: 'cfg',
        line: 6,
        reason:
          '"[profile glued]#comment" is not a valid [section] header: the AWS SDK reads the lines below it as part of the section above.'
      },
      {
        file: 'cfg',
        line: 8,
        reason:
          '[legacy] is ignored: in the config file a profile is written [profile legacy] (only [default] has no prefix).'
      },
      {
        file: 'cfg',
        line: 10,
        reason:
          '[default] is ignored: this file also has [profile default], and the AWS SDK then reads only [profile default].'
      }
    ])
  })

  it('says why a header is skipped, and when the SDK drops the whole file', () => {
    const reasons = (text: string, kind: 'config' | 'credentials'): string[] =>
      [
        ...parseAwsIni(text, 'f', kind).problems,
        ...parseAwsIni(text, 'f', kind).sections.flatMap((s) => s.problems)
      ].map((p) => `${p.line}: ${p.reason}`)
    expect(reasons('[profile  a]\n[ profile a ]\n[foo bar]\n[profile a b]\n[]\n', 'config')).toEqual([
      '1: [profile  a] is ignored: the AWS SDK reads [profile NAME] only with one space, then a name of letters, digits and - _ @ + . % : / (optionally in matching quotes).',
      '2: [ profile a ] is ignored: the AWS SDK allows no space just inside the brackets.',
      '3: [foo bar] is ignored: the AWS SDK skips a [PREFIX NAME] header unless PREFIX is profile, sso-session or services.',
      '4: [profile a b] is ignored: the AWS SDK reads [profile NAME] only with one space, then a name of letters, digits and - _ @ + . % : / (optionally in matching quotes).',
      '5: [] is ignored: the header has no name.'
    ])
    expect(reasons('[profile a]\nk = v\n[ b ]\nk = v\n', 'credentials')).toEqual([
      '1: the AWS SDK reads [profile a] in the credentials file as a profile named "profile.a": write [a] there (prefixes belong in the config file).',
      '3: the AWS SDK reads [ b ] as a profile named " b ", spaces included.'
    ])
    const blocked = parseAwsIni('[ok]\nk = v\n[__proto__]\n', 'f', 'credentials')
    expect(blocked).toEqual({
      sections: [],
      problems: [
        {
          file: 'f',
          line: 3,
          reason: '[__proto__] is refused by the AWS SDK, which then reads nothing from this file.'
        }
      ]
    })
  })
})

describe('parseAwsIni reports what the SDK reads silently, and never quotes a secret', () => {
  const reasons = (text: string, kind: 'config' | 'credentials'): string[] => {
    const parsed = parseAwsIni(text, 'f', kind)
    return [...parsed.problems, ...parsed.sections.flatMap((s) => s.problems)]
      .sort((a, b) => a.line - b.line)
      .map((p) => `${p.line}: ${p.reason}`)
  }

  it('"key: value" (read by the AWS CLI, not by the SDK), without its value', () => {
    expect(reasons('[a]\naws_secret_access_key: hunter2\nsso_start_url: https://x\n', 'credentials')).toEqual(
      [
        '2: aws_secret_access_key is written "aws_secret_access_key: …": the AWS CLI reads that, but the AWS SDK for JavaScript, which this app uses, ignores it; write "aws_secret_access_key = …" (the value is not shown here).',
        '3: sso_start_url is written "sso_start_url: …": the AWS CLI reads that, but the AWS SDK for JavaScript, which this app uses, ignores it; write "sso_start_url = …" (the value is not shown here).'
      ]
    )
  })

  it('hides every unparseable line of the credentials file, and config lines that look secret', () => {
    expect(reasons('x\n[a]\nhunter2\n[b\nk v = 1\n', 'credentials')).toEqual([
      '1: a line comes before any [section] header (content hidden: this file holds secrets): the AWS SDK skips it.',
      '3: a line that is not "key = value" (content hidden: this file holds secrets): the AWS SDK skips it.',
      '4: a line that starts with "[" is not a valid [section] header (content hidden: this file holds secrets): the AWS SDK reads the lines below it as part of the section above.',
      '5: the text before "=" is not a key name (content hidden: this file holds secrets).'
    ])
    expect(
      reasons('[profile a]\njunk\nmy_secret\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n', 'config')
    ).toEqual([
      '2: expected "key = value", found "junk".',
      '3: a line that is not "key = value" (content hidden: it may hold a secret): the AWS SDK skips it.',
      '4: a line that is not "key = value" (content hidden: it may hold a secret): the AWS SDK skips it.'
    ])
  })

  it('repeated sections and keys, lone carriage returns and control characters, escaped', () => {
    expect(
      reasons(
        '[profile a]\nk = 1\nk = 2\n[profile a]\nr = x\ry\n[profile.a]\nv = a\u0007b\n[n\u202e]\n',
        'config'
      )
    ).toEqual([
      '3: k is set again (first at line 2): the AWS SDK uses the value further down; the AWS CLI refuses a file that repeats a key in a section.',
      '4: [profile a] repeats the section at line 1: the AWS SDK merges the two, the values further down winning; the AWS CLI refuses a file that repeats a section.',
      '5: a carriage return (CR) in the middle of this line: the AWS SDK does not end a line there, and reads what follows as part of this line.',
      '5: the value of r holds a control or invisible character (U+000D); the value is not shown here.',
      '6: [profile.a] repeats the section at line 1: the AWS SDK merges the two, the values further down winning.',
      '7: the value of v holds a control or invisible character (U+0007); the value is not shown here.',
      '8: [n\\u202e] is ignored: in the config file a profile is written [profile n\\u202e] (only [default] has no prefix). The header holds a control or invisible character (U+202E).'
    ])
    expect(reasons('[a\u001b[2J]\nk = v\n', 'credentials')).toEqual([
      '1: the name "a\\u001b[2J" holds a control or invisible character (U+001B): they can hide what the name says, so rename it.'
    ])
    expect(reasons('[a]\rk = v\r', 'credentials')).toEqual([
      '1: the lines of this file end with a lone carriage return (CR, as on classic Mac OS): the AWS CLI reads it, but the AWS SDK for JavaScript, which this app uses, sees a single line and reads no profile from it. Save it with LF or CRLF line endings.'
    ])
  })

  it('skips profiles the SDK cannot load: names every JavaScript object has', () => {
    const parsed = parseAwsIni('[toString]\nk = v\n[ok]\nk = v\n', 'f', 'credentials')
    expect(parsed.sections.map((s) => s.name)).toEqual(['ok'])
    expect(parsed.problems[0]?.reason).toBe(
      '[toString] is ignored: the AWS SDK cannot load a profile named "toString", a name every JavaScript object already has.'
    )
  })

  it('stops at its limits: sections, values and problems per file', () => {
    const sections = parseAwsIni('[s]\nk = v\n'.repeat(awsFileLimits.sectionsPerFile + 5), 'f', 'credentials')
    expect(sections.sections).toHaveLength(awsFileLimits.sectionsPerFile)
    expect(sections.problems).toContainEqual({
      file: 'f',
      line: awsFileLimits.sectionsPerFile * 2 + 1,
      reason: 'this file has more than 20,000 sections: the app reads it only up to this line.'
    })
    const values = parseAwsIni(
      `[s]\n${Array.from({ length: awsFileLimits.valuesPerFile + 1 }, (_, i) => `k${i} = v\n`).join('')}`,
      'f',
      'credentials'
    )
    expect(values.sections[0]?.values.size).toBe(awsFileLimits.valuesPerFile)
    expect(values.problems.at(-1)?.reason).toBe(
      'this file has more than 100,000 values: the app reads it only up to this line.'
    )
    const junk = parseAwsIni(`[s]\n${'x\n'.repeat(1000)}`, 'f', 'credentials')
    expect(junk.sections[0]?.problems).toHaveLength(awsFileLimits.problemsPerFile)
    expect(junk.problems).toEqual([
      {
        file: 'f',
        line: awsFileLimits.problemsPerFile + 2,
        reason:
          '800 more problems from this line on are not listed: the app lists the first 200 of each file.'
      }
    ])
  })

  it('escapes control characters and cuts long quotes short', () => {
    expect(shown('a\u001b[2J\u0000\u202e\u200b\ufeff\u2066b\tc')).toBe(
      'a\\u001b[2J\\u0000\\u202e\\u200b\\ufeff\\u2066b\tc'
    )
    expect(shown('x'.repeat(100))).toBe(`${'x'.repeat(80)}…`)
    expect(shown(`${'x'.repeat(79)}😀😀`)).toBe(`${'x'.repeat(79)}😀…`)
  })
})

describe('awsFilePaths finds the files where the SDK does', () => {
  afterEach(() => {
    vi.unstubAllEnvs()
  })

  it('uses the SDK’s home directory: HOME, USERPROFILE, then HOMEDRIVE + HOMEPATH', () => {
    vi.stubEnv('HOME', '')
    vi.stubEnv('USERPROFILE', '')
    vi.stubEnv('HOMEDRIVE', 'D:')
    vi.stubEnv('HOMEPATH', '/Users/a')
    const home = getHomeDir()
    expect(home).toBe('D:/Users/a')
    expect(awsFilePaths(process.env).config).toBe(join(home, '.aws', 'config'))
  })

  it('expands only a leading ~/', () => {
    expect(awsFilePaths({ HOME: '/h', AWS_CONFIG_FILE: '~/c', AWS_SHARED_CREDENTIALS_FILE: '~' })).toEqual({
      config: '/h/c',
      credentials: '~'
    })
  })
})

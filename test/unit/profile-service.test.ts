import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProfileService } from '../../src/main/services/profile-service'
import { awsFileLimits, awsFilePaths, parseAwsIni } from '../../src/main/services/aws-ini'

function files(config: string, credentials = ''): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cp-profiles-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), credentials)
  return {
    dir,
    env: {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')
    }
  }
}

const config = `# profiles of every kind
[default]
region = us-east-1

[profile dev]
region = eu-west-2
endpoint_url = http://127.0.0.1:4566

[profile admin]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = dev
mfa_serial = arn:aws:iam::111122223333:mfa/me
region = us-west-2

[profile ec2-role]
role_arn = arn:aws:iam::111122223333:role/Ec2
credential_source = Ec2InstanceMetadata

[profile sso-new]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile sso-legacy]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile sso-missing]
sso_session = nowhere

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile process]
credential_process = /usr/local/bin/get-creds --profile x

[profile web]
role_arn = arn:aws:iam::111122223333:role/Web
web_identity_token_file = /var/run/token

[profile login]
login_session = arn:aws:iam::111122223333:user/me

[profile via-services]
services = local
aws_access_key_id = AKIAEXAMPLEEXAMPLE11
aws_secret_access_key = x

[services local]
connect =
  endpoint_url = http://127.0.0.1:4566

[profile orphan]
role_arn = arn:aws:iam::111122223333:role/Orphan
source_profile = nope

[profile loop-a]
role_arn = arn:aws:iam::111122223333:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::111122223333:role/B
source_profile = loop-a

[profile self]
role_arn = arn:aws:iam::111122223333:role/Self
source_profile = self
aws_access_key_id = AKIAEXAMPLEEXAMPLE22
aws_secret_access_key = y

[profile broken]
region = us-east-1
this line has no equals sign
aws_access_key_id = AKIAEXAMPLEEXAMPLE33

[legacy-no-prefix]
region = us-east-1
`

const credentials = `[dev]
aws_access_key_id = AKIAEXAMPLEEXAMPLE44
aws_secret_access_key = secret-that-never-leaves
[creds-only]
aws_access_key_id = AKIAEXAMPLEEXAMPLE55
aws_secret_access_key = z
`

describe('ProfileService', () => {
  const { env, dir } = files(config, credentials)
  const list = new ProfileService(env).list()
  const byName = (name: string): (typeof list.profiles)[number] => {
    const found = list.profiles.find((p) => p.name === name)
    if (!found) throw new Error(`profile ${name} not listed`)
    return found
  }

  it('lists every profile of both files, default first, skipping sso-session and services sections', () => {
    expect(list.profiles.map((p) => p.name)).toEqual([
      'default',
      'admin',
      'broken',
      'creds-only',
      'dev',
      'ec2-role',
      'login',
      'loop-a',
      'loop-b',
      'orphan',
      'process',
      'self',
      'sso-legacy',
      'sso-missing',
      'sso-new',
      'via-services',
      'web'
    ])
    expect(list.files).toEqual({ config: join(dir, 'config'), credentials: join(dir, 'credentials') })
  })

  it('classifies each kind, with region and endpoint_url', () => {
    expect(byName('dev')).toMatchObject({
      kinds: ['static'],
      region: 'eu-west-2',
      hasEndpointUrl: true,
      problems: []
    })
    expect(byName('admin')).toMatchObject({
      kinds: ['assume-role', 'mfa'],
      region: 'us-west-2',
      sourceProfile: 'dev',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/me',
      problems: []
    })
    expect(byName('ec2-role')).toMatchObject({ kinds: ['assume-role'], problems: [] })
    expect(byName('sso-new')).toMatchObject({ kinds: ['sso'], ssoSession: 'corp', problems: [] })
    expect(byName('sso-legacy')).toMatchObject({ kinds: ['sso'], problems: [] })
    expect(byName('process')).toMatchObject({ kinds: ['credential-process'], problems: [] })
    expect(byName('web')).toMatchObject({ kinds: ['web-identity'], problems: [] })
    expect(byName('login')).toMatchObject({ kinds: ['login'], problems: [] })
    expect(byName('via-services')).toMatchObject({ kinds: ['static'], hasEndpointUrl: true, problems: [] })
    expect(byName('creds-only')).toMatchObject({ kinds: ['static'], problems: [] })
    expect(byName('self').problems).toEqual([])
  })

  it('marks broken profiles with file, line and reason, and still lists the others', () => {
    const configFile = join(dir, 'config')
    expect(byName('orphan').problems).toEqual([
      { file: configFile, line: 56, reason: 'source_profile "nope" does not exist.' }
    ])
    expect(byName('loop-a').problems[0]?.reason).toBe('source_profile chain loops: loop-a → loop-b → loop-a.')
    // A loop is described once, on its first profile; the others point there.
    expect(byName('loop-b').problems[0]?.reason).toBe(
      'source_profile chain loops (the loop is shown on profile "loop-a").'
    )
    expect(byName('sso-missing').problems[0]).toMatchObject({
      line: 29,
      reason: 'sso_session "nowhere" has no [sso-session nowhere] section.'
    })
    expect(byName('broken').problems).toEqual([
      { file: configFile, line: 74, reason: 'expected "key = value", found "this line has no equals sign".' },
      {
        file: configFile,
        line: 75,
        reason: 'static keys need both aws_access_key_id and aws_secret_access_key.'
      }
    ])
    expect(byName('default').problems[0]?.reason).toMatch(/no credentials here/)
    expect(list.problems).toEqual([
      {
        file: configFile,
        line: 77,
        reason:
          '[legacy-no-prefix] is ignored: in the config file a profile is written [profile legacy-no-prefix] (only [default] has no prefix).'
      }
    ])
  })

  it('never exposes a secret in the list', () => {
    expect(JSON.stringify(list)).not.toContain('secret-that-never-leaves')
  })

  it('resolves the region: the profile’s, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(new ProfileService(env).regionOf('dev')).toBe('eu-west-2')
    expect(new ProfileService({ ...env, AWS_REGION: 'ca-central-1' }).regionOf('creds-only')).toBe(
      'ca-central-1'
    )
    expect(new ProfileService({ ...env, AWS_DEFAULT_REGION: 'ap-southeast-2' }).regionOf('creds-only')).toBe(
      'ap-southeast-2'
    )
    expect(new ProfileService(env).regionOf('creds-only')).toBeUndefined()
    expect(() => new ProfileService(env).regionOf('nope')).toThrow(/no AWS profile named "nope"/)
  })

  it('sees file changes on the next call, without a restart', () => {
    const fresh = files(
      '[profile one]\nregion = us-east-1\naws_access_key_id = A\naws_secret_access_key = B\n'
    )
    const service = new ProfileService(fresh.env)
    const before = service.files().version
    expect(service.list().profiles.map((p) => p.name)).toEqual(['one'])
    writeFileSync(
      join(fresh.dir, 'config'),
      '[profile one]\nregion = us-east-1\n\n[profile two]\nregion = eu-west-2\naws_access_key_id = C\naws_secret_access_key = D\n'
    )
    expect(service.list().profiles.map((p) => p.name)).toEqual(['one', 'two'])
    expect(service.files().version).not.toBe(before)
  })

  it('lists nothing (and no problem) when the files do not exist', () => {
    const empty = new ProfileService({ HOME: mkdtempSync(join(tmpdir(), 'cp-empty-')) }).list()
    expect(empty.profiles).toEqual([])
    expect(empty.problems).toEqual([])
  })
})

describe('awsFilePaths and parseAwsIni', () => {
  it('honours AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE with ~ expansion', () => {
    expect(awsFilePaths({ HOME: '/home/a', AWS_CONFIG_FILE: '~/custom/config' })).toEqual({
      config: '/home/a/custom/config',
      credentials: '/home/a/.aws/credentials'
    })
  })

  it('reads nested keys, comments, CRLF and a key before any section', () => {
    const parsed = parseAwsIni(
      'stray = 1\r\n[profile a]\r\n; comment\r\ns3 =\r\n  max_concurrent_requests = 10\r\nregion=eu-west-1\r\n',
      'f',
      'config'
    )
    expect(parsed.problems).toEqual([
      { file: 'f', line: 1, reason: '"stray = 1" comes before any [section] header.' }
    ])
    const values = Object.fromEntries([...(parsed.sections[0]?.values ?? [])].map(([k, v]) => [k, v.value]))
    // As the AWS SDK: an empty value (`s3 =`) stores nothing, it only opens the nested block.
    expect(values).toEqual({ 's3.max_concurrent_requests': '10', region: 'eu-west-1' })
  })
})

describe('ProfileService reads values as the AWS SDK does', () => {
  const { env, dir } = files(
    `[profile london]
region = eu-west-2   # London
endpoint_url = http://127.0.0.1:4566 ; the Sandbox
services = local  # nested endpoints
aws_access_key_id = AKIAEXAMPLEEXAMPLE66
aws_secret_access_key = s#not-a-comment

[services local]
connect =
  endpoint_url = http://127.0.0.1:5000/#frag   # comment
sts =
  endpoint_url =
[profile shouty]
Region = eu-west-1
aws_access_key_id = AKIAEXAMPLEEXAMPLE77
aws_secret_access_key = w
[default]
region = us-east-1
[profile default]
region = ap-south-1
`
  )
  const service = new ProfileService(env)

  it('strips inline comments from the region and the endpoints', () => {
    expect(service.regionOf('london')).toBe('eu-west-2')
    expect(service.profile('london').values.get('aws_secret_access_key')?.value).toBe('s#not-a-comment')
    expect(service.endpointFor('london', 'connect')).toBe('http://127.0.0.1:5000/#frag')
    // `sts.endpoint_url =` is empty: the SDK stores nothing, so the profile's endpoint_url applies.
    expect(service.endpointFor('london', 'sts')).toBe('http://127.0.0.1:4566')
    const london = service.list().profiles.find((p) => p.name === 'london')
    expect(london).toMatchObject({ region: 'eu-west-2', hasEndpointUrl: true, problems: [] })
  })

  it('keeps key case, as the SDK (so Region is not the region) and says so', () => {
    expect(service.regionOf('shouty')).toBeUndefined()
    expect(service.list().profiles.find((p) => p.name === 'shouty')?.problems).toEqual([
      {
        file: join(dir, 'config'),
        line: 14,
        reason: '"Region" is not read as "region": the AWS SDK\'s keys are case-sensitive.'
      }
    ])
  })

  it('reads [profile default] instead of [default] when the config file has both', () => {
    expect(service.regionOf('default')).toBe('ap-south-1')
    expect(service.list().problems).toContainEqual({
      file: join(dir, 'config'),
      line: 17,
      reason:
        '[default] is ignored: this file also has [profile default], and the AWS SDK then reads only [profile default].'
    })
  })
})

describe('ProfileService follows source_profile chains as the SDK does, once per profile', () => {
  it('ends a chain at a profile reached through source_profile that has static keys (no false loop)', () => {
    const { env } = files(`[profile a]
role_arn = arn:aws:iam::111122223333:role/A
source_profile = b
[profile b]
role_arn = arn:aws:iam::111122223333:role/B
source_profile = a
aws_access_key_id = AKIAEXAMPLEEXAMPLE88
aws_secret_access_key = k
[profile c]
role_arn = arn:aws:iam::111122223333:role/C
source_profile = c
`)
    const list = new ProfileService(env).list()
    const problems = (name: string): string[] =>
      list.profiles.find((p) => p.name === name)?.problems.map((p) => p.reason) ?? []
    expect(problems('a')).toEqual([])
    expect(problems('b')).toEqual([])
    // Without keys of its own, a profile that names itself loops (the SDK says "Detected a cycle").
    expect(problems('c')).toEqual(['source_profile chain loops: c → c.'])
  })
})

describe('ProfileService reports what it does not read', () => {
  it('lists the problems of sso-session and services sections with the file’s', () => {
    const { env, dir } = files('[sso-session corp]\nsso_region = eu-west-1\noops\n[services s]\nk: v\n')
    expect(new ProfileService(env).list().problems).toEqual([
      { file: join(dir, 'config'), line: 3, reason: 'expected "key = value", found "oops".' },
      {
        file: join(dir, 'config'),
        line: 5,
        reason:
          'k is written "k: …": the AWS CLI reads that, but the AWS SDK for JavaScript, which this app uses, ignores it; write "k = …" (the value is not shown here).'
      }
    ])
  })

  it('names a file it refused when a profile is not found', () => {
    const { env, dir } = files(`[profile big]\nregion = ${'x'.repeat(awsFileLimits.fileBytes)}\n`)
    expect(() => new ProfileService(env).profile('big')).toThrow(
      `There is no AWS profile named "big" in ${join(dir, 'config')} or ${join(dir, 'credentials')}. ${join(dir, 'config')} is not read: it is 4,194,328 bytes, over the 4 MB (4,194,304 bytes) limit the app reads in an AWS config or credentials file.`
    )
  })
})

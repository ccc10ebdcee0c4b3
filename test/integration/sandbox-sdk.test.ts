import {
  CreateUserCommand,
  DeleteUserCommand,
  DescribeInstanceCommand,
  DescribeRoutingProfileCommand,
  DescribeSecurityProfileCommand,
  DescribeUserCommand,
  DescribeUserHierarchyStructureCommand,
  ListInstancesCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  SearchUsersCommand,
  paginateListUsers,
  type CreateUserCommandInput
} from '@aws-sdk/client-connect'
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { request } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { demoMfa, demoRoles, demoSeed } from '../../src/main/sandbox/demo-seed'
import { parseSeed } from '../../src/main/sandbox/seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { signRequest } from './sigv4-signer'
import { alphaUser, bravoUser, connect, demo, keysOf, rejection, sts } from './sandbox-helpers'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
})
afterAll(() => sandbox.close())
beforeEach(() => {
  sandbox.stats.reset()
})

describe('Connect operations through the AWS SDK', () => {
  it('lists only the caller’s instances in the caller’s Region, and describes one', async () => {
    const alpha = await connect(sandbox, demo.alpha).send(new ListInstancesCommand({}))
    expect(alpha.InstanceSummaryList?.map((i) => [i.InstanceAlias, i.IdentityManagementType])).toEqual([
      ['alpha-contact-center', 'CONNECT_MANAGED']
    ])
    expect(alpha.InstanceSummaryList?.[0]?.CreatedTime).toBeInstanceOf(Date)
    const bravo = await connect(sandbox, demo.bravo).send(new ListInstancesCommand({}))
    expect(bravo.InstanceSummaryList?.map((i) => i.IdentityManagementType)).toEqual(['SAML'])
    const otherRegion = await connect(sandbox, demo.alpha, { region: 'eu-west-2' }).send(
      new ListInstancesCommand({})
    )
    expect(otherRegion.InstanceSummaryList).toEqual([])
    const described = await connect(sandbox, demo.alpha).send(
      new DescribeInstanceCommand({ InstanceId: demo.alpha.instanceId })
    )
    expect(described.Instance).toMatchObject({
      Id: demo.alpha.instanceId,
      Arn: `arn:aws:connect:us-east-1:111122223333:instance/${demo.alpha.instanceId}`,
      InstanceStatus: 'ACTIVE'
    })
  })

  it('isolates accounts and Regions: another account’s instance does not exist', async () => {
    const error = await rejection(
      connect(sandbox, demo.bravo).send(new DescribeInstanceCommand({ InstanceId: demo.alpha.instanceId }))
    )
    expect(error.name).toBe('ResourceNotFoundException')
    const wrongRegion = await rejection(
      connect(sandbox, demo.alpha, { region: 'eu-west-2' }).send(
        new ListUsersCommand({ InstanceId: demo.alpha.instanceId })
      )
    )
    expect(wrongRegion.name).toBe('ResourceNotFoundException')
  })

  it('pages through 1,500+ users, 1,000 at most per page', async () => {
    const pages: number[] = []
    for await (const page of paginateListUsers(
      { client: connect(sandbox, demo.alpha) },
      { InstanceId: demo.alpha.instanceId, MaxResults: 1000 }
    )) {
      pages.push(page.UserSummaryList?.length ?? 0)
    }
    expect(pages[0]).toBe(1000)
    expect(pages.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1501)
    const small = await connect(sandbox, demo.alpha).send(
      new ListUsersCommand({ InstanceId: demo.alpha.instanceId })
    )
    expect(small.UserSummaryList).toHaveLength(100)
    expect(small.NextToken).toBeTruthy()
    const tooMany = await rejection(
      connect(sandbox, demo.alpha).send(
        new ListUsersCommand({ InstanceId: demo.alpha.instanceId, MaxResults: 1001 })
      )
    )
    expect(tooMany.name).toBe('InvalidParameterException')
    const badToken = await rejection(
      connect(sandbox, demo.alpha).send(
        new ListUsersCommand({ InstanceId: demo.alpha.instanceId, NextToken: 'garbage' })
      )
    )
    expect(badToken.name).toBe('InvalidParameterException')
  })

  it('lists routing profiles, security profiles and hierarchy groups, and describes each kind', async () => {
    const client = connect(sandbox, demo.alpha)
    const InstanceId = demo.alpha.instanceId
    const rps = await client.send(new ListRoutingProfilesCommand({ InstanceId }))
    expect(rps.RoutingProfileSummaryList?.map((r) => r.Name)).toContain('Basic Routing Profile')
    const sps = await client.send(new ListSecurityProfilesCommand({ InstanceId, MaxResults: 2 }))
    expect(sps.SecurityProfileSummaryList?.map((s) => s.Name)).toEqual(['Agent', 'CallCenterManager'])
    const next = await client.send(
      new ListSecurityProfilesCommand({ InstanceId, MaxResults: 2, NextToken: sps.NextToken })
    )
    expect(next.SecurityProfileSummaryList?.map((s) => s.Name)).toEqual(['Admin', 'QualityAnalyst'])
    expect(next.NextToken).toBeUndefined()
    const groups = await client.send(new ListUserHierarchyGroupsCommand({ InstanceId }))
    expect(groups.UserHierarchyGroupSummaryList?.filter((g) => g.Name === 'Tier 1')).toHaveLength(3)
    const structure = await client.send(new DescribeUserHierarchyStructureCommand({ InstanceId }))
    expect([
      structure.HierarchyStructure?.LevelOne?.Name,
      structure.HierarchyStructure?.LevelTwo?.Name,
      structure.HierarchyStructure?.LevelThree?.Name
    ]).toEqual(['Region', 'Site', 'Team'])
    expect(structure.HierarchyStructure?.LevelFour).toBeUndefined()
    const rp = await client.send(
      new DescribeRoutingProfileCommand({ InstanceId, RoutingProfileId: demo.alpha.rp('Sales Inbound') })
    )
    expect(rp.RoutingProfile).toMatchObject({ Name: 'Sales Inbound', InstanceId })
    const sp = await client.send(
      new DescribeSecurityProfileCommand({ InstanceId, SecurityProfileId: demo.alpha.sp('Admin') })
    )
    expect(sp.SecurityProfile?.SecurityProfileName).toBe('Admin')
    const missing = await rejection(
      client.send(new DescribeRoutingProfileCommand({ InstanceId, RoutingProfileId: 'nope' }))
    )
    expect(missing.name).toBe('ResourceNotFoundException')
  })

  it('creates, describes, finds and deletes a user', async () => {
    const client = connect(sandbox, demo.alpha)
    const hierarchy = demo.alpha.hierarchyGroups.find((g) => g.name === 'Tier 2')?.id
    const created = await client.send(
      new CreateUserCommand(
        alphaUser('sdk.created', { HierarchyGroupId: hierarchy, Tags: { team: 'sales' } })
      )
    )
    expect(created.UserArn).toBe(
      `arn:aws:connect:us-east-1:111122223333:instance/${demo.alpha.instanceId}/agent/${created.UserId}`
    )
    const described = await client.send(
      new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId })
    )
    expect(described.User).toMatchObject({
      Username: 'sdk.created',
      HierarchyGroupId: hierarchy,
      Tags: { team: 'sales' },
      PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 60 },
      IdentityInfo: { FirstName: 'Test', LastName: 'Agent', Email: 'sdk.created@alpha.example.com' }
    })
    expect(described.User).not.toHaveProperty('Password')
    expect(described.User?.LastModifiedTime).toBeInstanceOf(Date)
    await client.send(new DeleteUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId }))
    const gone = await rejection(
      client.send(new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId }))
    )
    expect(gone.name).toBe('ResourceNotFoundException')
    const again = await rejection(
      client.send(new DeleteUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId }))
    )
    expect(again.name).toBe('ResourceNotFoundException')
  })

  it('searches usernames with EXACT, CONTAINS, STARTS_WITH, And and Or', async () => {
    const client = connect(sandbox, demo.alpha)
    const search = async (SearchCriteria: object): Promise<string[]> => {
      const result = await client.send(
        new SearchUsersCommand({ InstanceId: demo.alpha.instanceId, MaxResults: 500, SearchCriteria })
      )
      return (result.Users ?? []).map((u) => u.Username ?? '')
    }
    const cond = (ComparisonType: string, Value: string): object => ({
      StringCondition: { FieldName: 'Username', ComparisonType, Value }
    })
    expect(await search(cond('EXACT', 'jane.doe'))).toEqual(['jane.doe'])
    expect(await search(cond('EXACT', 'Jane.Doe'))).toEqual([])
    expect(await search(cond('STARTS_WITH', 'jane.'))).toEqual(['jane.doe'])
    const adams = await search(cond('CONTAINS', 'ADAMS'))
    expect(adams).toHaveLength(40)
    expect(adams.every((u) => u.endsWith('.adams'))).toBe(true)
    expect(await search({ AndConditions: [cond('STARTS_WITH', 'jane'), cond('CONTAINS', 'doe')] })).toEqual([
      'jane.doe'
    ])
    expect(
      (await search({ OrConditions: [cond('EXACT', 'jane.doe'), cond('EXACT', 'ben.adams')] })).sort()
    ).toEqual(['ben.adams', 'jane.doe'])
    const found = await client.send(
      new SearchUsersCommand({ InstanceId: demo.alpha.instanceId, SearchCriteria: cond('EXACT', 'jane.doe') })
    )
    expect(found.ApproximateTotalCount).toBe(1)
    expect(found.Users?.[0]?.IdentityInfo).toEqual({ FirstName: 'Jane', LastName: 'Doe' })
    const all = await client.send(
      new SearchUsersCommand({ InstanceId: demo.alpha.instanceId, MaxResults: 500 })
    )
    expect(all.Users).toHaveLength(500)
    expect(all.NextToken).toBeTruthy()
  })
})

describe('CreateUser validation, as the service documents it', () => {
  const alpha = (): ReturnType<typeof connect> => connect(sandbox, demo.alpha)
  const bravo = (): ReturnType<typeof connect> => connect(sandbox, demo.bravo)

  const refusals: Array<[string, () => ReturnType<typeof connect>, CreateUserCommandInput, string, RegExp]> =
    [
      [
        'a weak password',
        alpha,
        alphaUser('weak.pw', { Password: 'password' }),
        'InvalidParameterException',
        /Password/
      ],
      [
        'a password with a space',
        alpha,
        alphaUser('space.pw', { Password: 'Passw0rd with space' }),
        'InvalidParameterException',
        /Password/
      ],
      [
        'no password on CONNECT_MANAGED',
        alpha,
        alphaUser('no.pw', { Password: undefined }),
        'InvalidRequestException',
        /Password is required/
      ],
      [
        'a 21-character CONNECT_MANAGED username',
        alpha,
        alphaUser('a'.repeat(21)),
        'InvalidParameterException',
        /at most 20/
      ],
      [
        'no e-mail on CONNECT_MANAGED',
        alpha,
        alphaUser('no.mail', { IdentityInfo: { FirstName: 'A', LastName: 'B' } }),
        'InvalidParameterException',
        /Email is required/
      ],
      [
        'a bad e-mail',
        alpha,
        alphaUser('bad.mail', { IdentityInfo: { FirstName: 'A', LastName: 'B', Email: 'not-an-email' } }),
        'InvalidParameterException',
        /Email/
      ],
      [
        'a mobile that is not E.164',
        alpha,
        alphaUser('bad.mobile', {
          IdentityInfo: { FirstName: 'A', LastName: 'B', Email: 'a@b.example.com', Mobile: '07700 900123' }
        }),
        'InvalidParameterException',
        /Mobile/
      ],
      [
        'a decomposed (non-NFC) first name',
        alpha,
        alphaUser('nfc', {
          IdentityInfo: { FirstName: 'Jose\u0301', LastName: 'B', Email: 'a@b.example.com' }
        }),
        'InvalidParameterException',
        /NFC/
      ],
      [
        'a 256-character first name',
        alpha,
        alphaUser('long.first', {
          IdentityInfo: { FirstName: 'x'.repeat(256), LastName: 'B', Email: 'a@b.example.com' }
        }),
        'InvalidParameterException',
        /FirstName/
      ],
      [
        'no security profile',
        alpha,
        alphaUser('no.sp', { SecurityProfileIds: [] }),
        'InvalidParameterException',
        /SecurityProfileIds/
      ],
      [
        'eleven security profiles',
        alpha,
        alphaUser('eleven.sp', { SecurityProfileIds: Array(11).fill(demo.alpha.sp('Agent')) }),
        'InvalidParameterException',
        /SecurityProfileIds/
      ],
      [
        '51 tags',
        alpha,
        alphaUser('many.tags', {
          Tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))
        }),
        'InvalidParameterException',
        /at most 50 tags/
      ],
      [
        'a tag key starting with aws:',
        alpha,
        alphaUser('aws.tag', { Tags: { 'aws:owner': 'me' } }),
        'InvalidParameterException',
        /Tags/
      ],
      [
        'PhoneConfig.AutoAccept with AutoAcceptConfigs',
        alpha,
        alphaUser('mixed', { AutoAcceptConfigs: [{ Channel: 'CHAT', AutoAccept: true }] }),
        'InvalidRequestException',
        /cannot be set simultaneously/
      ],
      [
        'PhoneConfig.PhoneType with PhoneNumberConfigs',
        alpha,
        alphaUser('mixed.phone', {
          PhoneConfig: { PhoneType: 'SOFT_PHONE' },
          PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'SOFT_PHONE' }]
        }),
        'InvalidRequestException',
        /cannot be set simultaneously/
      ],
      [
        'a desk phone without a number',
        alpha,
        alphaUser('desk', { PhoneConfig: { PhoneType: 'DESK_PHONE' } }),
        'InvalidParameterException',
        /DeskPhoneNumber is required/
      ],
      [
        'a per-channel desk phone without a number',
        alpha,
        alphaUser('desk2', {
          PhoneConfig: undefined,
          PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'DESK_PHONE' }]
        }),
        'InvalidParameterException',
        /PhoneNumber is required/
      ],
      [
        'a phone number config on CHAT',
        alpha,
        alphaUser('chat.phone', {
          PhoneConfig: undefined,
          PhoneNumberConfigs: [{ Channel: 'CHAT', PhoneType: 'SOFT_PHONE' }]
        }),
        'InvalidParameterException',
        /only the VOICE channel/
      ],
      [
        'an unknown phone type',
        alpha,
        alphaUser('bad.type', { PhoneConfig: { PhoneType: 'CELL_PHONE' as never } }),
        'InvalidParameterException',
        /PhoneType/
      ],
      [
        'ACW over 2,000,000 seconds',
        alpha,
        alphaUser('long.acw', {
          PhoneConfig: { PhoneType: 'SOFT_PHONE', AfterContactWorkTimeLimit: 2_000_001 }
        }),
        'InvalidParameterException',
        /2000000/
      ],
      [
        'a missing routing profile',
        alpha,
        alphaUser('no.rp', { RoutingProfileId: 'rp-missing' }),
        'ResourceNotFoundException',
        /Routing profile/
      ],
      [
        'a missing security profile',
        alpha,
        alphaUser('no.sp2', { SecurityProfileIds: ['sp-missing'] }),
        'ResourceNotFoundException',
        /Security profile/
      ],
      [
        'a missing hierarchy group',
        alpha,
        alphaUser('no.hg', { HierarchyGroupId: 'hg-missing' }),
        'ResourceNotFoundException',
        /Hierarchy group/
      ],
      [
        'a profile of another instance',
        alpha,
        alphaUser('other.rp', { RoutingProfileId: demo.bravo.rp('Store Support') }),
        'ResourceNotFoundException',
        /Routing profile/
      ],
      [
        'a password on SAML',
        bravo,
        bravoUser('saml.pw@bravo.example.com', { Password: 'Str0ngPassw0rd' }),
        'InvalidRequestException',
        /Password must not be set/
      ],
      [
        'a DirectoryUserId on SAML',
        bravo,
        bravoUser('saml.dir', { DirectoryUserId: 'abc' }),
        'InvalidRequestException',
        /DirectoryUserId/
      ],
      [
        '@ outside e-mail form on SAML',
        bravo,
        bravoUser('testuser@example'),
        'InvalidParameterException',
        /e-mail form/
      ],
      [
        'a space in a SAML username',
        bravo,
        bravoUser('test user'),
        'InvalidParameterException',
        /not valid for SAML/
      ],
      [
        'a 65-character SAML username',
        bravo,
        bravoUser('a'.repeat(65)),
        'InvalidParameterException',
        /at most 64/
      ],
      [
        'no names on SAML',
        bravo,
        bravoUser('saml.nameless', { IdentityInfo: undefined }),
        'InvalidParameterException',
        /FirstName/
      ]
    ]

  it.each(refusals)('refuses %s', async (_what, client, input, code, message) => {
    const error = await rejection(client().send(new CreateUserCommand(input)))
    expect(error.name).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.$metadata?.httpStatusCode).toBe(code === 'ResourceNotFoundException' ? 404 : 400)
  })

  it('accepts the documented edge cases', async () => {
    await alpha().send(new CreateUserCommand(alphaUser('a'.repeat(20))))
    await alpha().send(
      new CreateUserCommand(
        alphaUser('per.channel', {
          PhoneConfig: undefined,
          AutoAcceptConfigs: [
            { Channel: 'VOICE', AutoAccept: true },
            { Channel: 'CHAT', AutoAccept: false }
          ],
          AfterContactWorkConfigs: [
            { Channel: 'VOICE', AfterContactWorkConfig: { AfterContactWorkTimeLimit: 0 } }
          ],
          PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'DESK_PHONE', PhoneNumber: '+442079460000' }],
          PersistentConnectionConfigs: [{ Channel: 'VOICE', PersistentConnection: true }],
          VoiceEnhancementConfigs: [{ Channel: 'VOICE', VoiceEnhancementMode: 'NOISE_SUPPRESSION' }]
        })
      )
    )
    await alpha().send(new CreateUserCommand(alphaUser('no.phone', { PhoneConfig: undefined })))
    await alpha().send(
      new CreateUserCommand(
        alphaUser('ten.sp', { SecurityProfileIds: [demo.alpha.sp('Agent'), demo.alpha.sp('Admin')] })
      )
    )
    await bravo().send(new CreateUserCommand(bravoUser('testuser@example.com')))
    await bravo().send(new CreateUserCommand(bravoUser(`${'b'.repeat(60)}_-.x`)))
  })

  it('answers a duplicate username with 409 DuplicateResourceException', async () => {
    await alpha().send(new CreateUserCommand(alphaUser('dup.user')))
    const error = await rejection(alpha().send(new CreateUserCommand(alphaUser('dup.user'))))
    expect(error.name).toBe('DuplicateResourceException')
    expect(error.$metadata?.httpStatusCode).toBe(409)
  })

  it('refuses unknown members and malformed JSON as the service does', async () => {
    const raw = async (body: string): Promise<{ status: number; type: string }> => {
      const req = {
        method: 'PUT',
        url: `/users/${demo.alpha.instanceId}`,
        headers: { host: new URL(sandbox.url).host, 'content-type': 'application/json' } as Record<
          string,
          string
        >,
        body: Buffer.from(body)
      }
      signRequest(req, keysOf(demo.alpha), demo.alpha.region, 'connect')
      return send(req)
    }
    const unknown = await raw(
      JSON.stringify({ ...alphaUser('unknown.member'), InstanceId: undefined, Nickname: 'J' })
    )
    expect(unknown).toEqual({ status: 400, type: 'SerializationException' })
    expect(await raw('{"Username": ')).toEqual({ status: 400, type: 'SerializationException' })
    expect(
      await raw(JSON.stringify({ Username: 'x', SecurityProfileIds: 'sp', RoutingProfileId: 'rp' }))
    ).toEqual({ status: 400, type: 'SerializationException' })
  })
})

/** Usernames equal to `username` in the Alpha instance, found with SearchUsers EXACT. */
async function usernamesMatching(username: string): Promise<string[]> {
  const found = await connect(sandbox, demo.alpha).send(
    new SearchUsersCommand({
      InstanceId: demo.alpha.instanceId,
      SearchCriteria: { StringCondition: { FieldName: 'Username', ComparisonType: 'EXACT', Value: username } }
    })
  )
  return (found.Users ?? []).map((u) => u.Username ?? '')
}

/** Sends a pre-signed raw request; resolves with status and error type. */
function send(req: {
  method: string
  url: string
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${sandbox.url}${req.url}`,
      { method: req.method, headers: req.headers as Record<string, string> },
      (res) => {
        res.resume()
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['x-amzn-errortype'] ?? '') })
        )
      }
    )
    r.on('error', reject)
    r.end(req.body)
  })
}

describe('authentication', () => {
  it('refuses a wrong secret, an unknown key, a missing signature and an unknown route', async () => {
    const wrongSecret = await rejection(
      connect(sandbox, demo.alpha, {
        credentials: { accessKeyId: demo.alpha.accessKeyId, secretAccessKey: 'wrong' }
      }).send(new ListInstancesCommand({}))
    )
    expect([wrongSecret.name, wrongSecret.$metadata?.httpStatusCode]).toEqual([
      'InvalidSignatureException',
      403
    ])
    const unknownKey = await rejection(
      connect(sandbox, demo.alpha, {
        credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }
      }).send(new ListInstancesCommand({}))
    )
    expect([unknownKey.name, unknownKey.$metadata?.httpStatusCode]).toEqual([
      'UnrecognizedClientException',
      403
    ])
    const unsigned = await send({
      method: 'GET',
      url: '/instance',
      headers: { host: new URL(sandbox.url).host },
      body: Buffer.alloc(0)
    })
    expect(unsigned).toEqual({ status: 403, type: 'MissingAuthenticationTokenException' })
    const req = {
      method: 'GET',
      url: '/no-such-operation',
      headers: { host: new URL(sandbox.url).host } as Record<string, string>,
      body: Buffer.alloc(0)
    }
    signRequest(req, keysOf(demo.alpha), demo.alpha.region, 'connect')
    expect(await send(req)).toEqual({ status: 404, type: 'UnknownOperationException' })
  })

  it('tells who the caller is, and assumes roles with MFA and DurationSeconds', async () => {
    const me = await sts(sandbox, keysOf(demo.alpha)).send(new GetCallerIdentityCommand({}))
    expect(me).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/sandbox-admin' })

    const noMfa = await rejection(
      sts(sandbox, keysOf(demo.alpha)).send(
        new AssumeRoleCommand({ RoleArn: demoRoles.bravoAdmin, RoleSessionName: 'admin' })
      )
    )
    expect([noMfa.name, noMfa.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403])
    const wrongCode = await rejection(
      sts(sandbox, keysOf(demo.alpha)).send(
        new AssumeRoleCommand({
          RoleArn: demoRoles.bravoAdmin,
          RoleSessionName: 'admin',
          SerialNumber: demoMfa.serialNumber,
          TokenCode: '000000'
        })
      )
    )
    expect(wrongCode.message).toMatch(/MultiFactorAuthentication failed/)
    const unknownRole = await rejection(
      sts(sandbox, keysOf(demo.alpha)).send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/Nope', RoleSessionName: 'x1' })
      )
    )
    expect(unknownRole.name).toBe('AccessDenied')
    const tooLong = await rejection(
      sts(sandbox, keysOf(demo.alpha)).send(
        new AssumeRoleCommand({
          RoleArn: demoRoles.provisioner,
          RoleSessionName: 'x1',
          DurationSeconds: 7200
        })
      )
    )
    expect(tooLong.name).toBe('ValidationError')

    const before = Date.now()
    const assumed = await sts(sandbox, keysOf(demo.alpha)).send(
      new AssumeRoleCommand({
        RoleArn: demoRoles.bravoAdmin,
        RoleSessionName: 'admin',
        SerialNumber: demoMfa.serialNumber,
        TokenCode: demoMfa.code,
        DurationSeconds: 7200
      })
    )
    const credentials = assumed.Credentials
    if (
      !credentials?.AccessKeyId ||
      !credentials.SecretAccessKey ||
      !credentials.SessionToken ||
      !credentials.Expiration
    )
      throw new Error('no credentials')
    expect(credentials.AccessKeyId).toMatch(/^ASIA/)
    expect(credentials.Expiration.getTime() - before).toBeGreaterThan(7199_000)
    expect(credentials.Expiration.getTime() - before).toBeLessThan(7202_000)
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::444455556666:assumed-role/ConnectAdmin/admin')

    const session = {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken
    }
    const asRole = await sts(sandbox, session).send(new GetCallerIdentityCommand({}))
    expect(asRole.Account).toBe('444455556666')
    const instances = await connect(sandbox, demo.bravo, { credentials: session }).send(
      new ListInstancesCommand({})
    )
    expect(instances.InstanceSummaryList?.[0]?.InstanceAlias).toBe('bravo-retail')
    const withoutToken = await rejection(
      connect(sandbox, demo.bravo, { credentials: { ...session, sessionToken: undefined } }).send(
        new ListInstancesCommand({})
      )
    )
    expect(withoutToken.name).toBe('UnrecognizedClientException')

    const principal = sandbox.state.principal(credentials.AccessKeyId)
    if (!principal) throw new Error('session not stored')
    principal.expiresAt = Date.now() - 1
    const expired = await rejection(
      connect(sandbox, demo.bravo, { credentials: session }).send(new ListInstancesCommand({}))
    )
    expect([expired.name, expired.$metadata?.httpStatusCode]).toEqual(['ExpiredTokenException', 403])
  })
})

describe('quota, throttling and faults', () => {
  it('answers LimitExceededException when the users-per-instance quota is reached', async () => {
    const seed = demoSeed()
    const instance = seed.instances[1]
    if (!instance) throw new Error('no bravo instance')
    instance.usersQuota = 41 // 40 generated users + 1
    const small = await startSandbox({ seed: parseSeed(seed), throttle: { rate: 0, burst: 1 } })
    try {
      await connect(small, demo.bravo).send(new CreateUserCommand(bravoUser('last.one')))
      const error = await rejection(
        connect(small, demo.bravo).send(new CreateUserCommand(bravoUser('one.too.many')))
      )
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['LimitExceededException', 429])
    } finally {
      await small.close()
    }
  })

  it('throttles each account and Region with one token bucket (2/s, burst 5 by default)', async () => {
    const defaults = await startSandbox()
    expect(defaults.throttle.config).toEqual({ rate: 2, burst: 5 })
    await defaults.close()
    // The throttle's clock stands still until the test moves it: no refill happens by accident.
    let now = 0
    const throttled = await startSandbox({ throttle: { rate: 1, burst: 5 }, clock: () => now })
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 7 }, () => connect(throttled, demo.alpha).send(new ListInstancesCommand({})))
      )
      const names = results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).name))
      expect(names.filter((n) => n === 'ok')).toHaveLength(5)
      expect(names.filter((n) => n === 'ThrottlingException')).toHaveLength(2)
      // Another account has its own bucket; describe calls share the same one as lists.
      await connect(throttled, demo.bravo).send(
        new DescribeInstanceCommand({ InstanceId: demo.bravo.instanceId })
      )
      const shared = await rejection(
        connect(throttled, demo.alpha).send(
          new DescribeInstanceCommand({ InstanceId: demo.alpha.instanceId })
        )
      )
      expect(shared.$metadata?.httpStatusCode).toBe(429)
      now += 1000 // one second refills one token
      await connect(throttled, demo.alpha).send(new ListInstancesCommand({}))
      expect((await rejection(connect(throttled, demo.alpha).send(new ListInstancesCommand({})))).name).toBe(
        'ThrottlingException'
      )
    } finally {
      await throttled.close()
    }
  })

  it('injects 500s, dropped connections, commit-then-drop and latency', async () => {
    sandbox.faults.next('fail', 'ListInstances')
    const failed = await rejection(connect(sandbox, demo.alpha).send(new ListInstancesCommand({})))
    expect([failed.name, failed.$metadata?.httpStatusCode]).toEqual(['InternalServiceException', 500])

    sandbox.faults.next('drop', 'CreateUser')
    const dropped = await rejection(
      connect(sandbox, demo.alpha).send(new CreateUserCommand(alphaUser('dropped.user')))
    )
    expect(dropped.message).toMatch(/socket hang up|ECONNRESET/)
    const notThere = await usernamesMatching('dropped.user')
    expect(notThere).toEqual([])

    sandbox.faults.next('commit-then-drop', 'CreateUser')
    const ambiguous = await rejection(
      connect(sandbox, demo.alpha).send(new CreateUserCommand(alphaUser('committed.user')))
    )
    expect(ambiguous.message).toMatch(/socket hang up|ECONNRESET/)
    const committed = await usernamesMatching('committed.user')
    expect(committed).toEqual(['committed.user'])
    const retried = await rejection(
      connect(sandbox, demo.alpha).send(new CreateUserCommand(alphaUser('committed.user')))
    )
    expect(retried.name).toBe('DuplicateResourceException')

    sandbox.faults.config.latencyMs = 150
    const started = performance.now()
    await connect(sandbox, demo.alpha).send(new ListInstancesCommand({}))
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    sandbox.faults.config.latencyMs = 0
  })

  it('applies configured fault rates', async () => {
    const flaky = await startSandbox({ throttle: { rate: 0, burst: 1 }, faults: { failRate: 1 } })
    try {
      const error = await rejection(connect(flaky, demo.alpha).send(new ListInstancesCommand({})))
      expect(error.name).toBe('InternalServiceException')
      expect(flaky.stats.byStatus.get(500)).toBe(1)
    } finally {
      await flaky.close()
    }
  })
})

describe('state', () => {
  it('survives a restart when a state file is given', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'cp-sandbox-')), 'state.json')
    const first = await startSandbox({ stateFile, throttle: { rate: 0, burst: 1 } })
    const { UserId } = await connect(first, demo.alpha).send(
      new CreateUserCommand(alphaUser('persisted.user'))
    )
    await first.close()
    const { loadSeedFile } = await import('../../src/main/sandbox/seed')
    const second = await startSandbox({ seed: loadSeedFile(stateFile), throttle: { rate: 0, burst: 1 } })
    try {
      const user = await connect(second, demo.alpha).send(
        new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId })
      )
      expect(user.User?.Username).toBe('persisted.user')
      const all = await connect(second, demo.alpha).send(
        new SearchUsersCommand({ InstanceId: demo.alpha.instanceId, MaxResults: 1 })
      )
      expect(all.ApproximateTotalCount).toBe(1502)
    } finally {
      await second.close()
    }
  })
})

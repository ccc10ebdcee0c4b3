/**
 * Create user against the Sandbox over real HTTP, in a CONNECT_MANAGED instance (Alpha) and a SAML one
 * (Bravo, another account): success, refusals made locally (the Sandbox sees no CreateUser), duplicates,
 * throttling and 5xx retried, the quota not retried, lost answers resolved without creating twice, and an
 * audit log that never holds a password.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/composition'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import type { InstanceContext } from '../../src/shared/accounts'
import type { PersonInput } from '../../src/shared/create-user'
import type { AppError } from '../../src/shared/result'
import { demo, servicesWithDemoProfiles, unpaced } from './sandbox-helpers'

let sandbox: Sandbox
let services: Services
let folder: string
const alpha: InstanceContext = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }
const bravo: InstanceContext = { profile: 'bravo', region: 'eu-west-2', instanceId: demo.bravo.instanceId }
const password = 'Sup3rSecretPassw0rd'

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services, folder } = servicesWithDemoProfiles(sandbox, {
    retry: { attempts: 4, baseDelayMs: 0, maxDelayMs: 0 },
    pace: unpaced
  }))
  services.templates.save({
    name: 'Tier 1',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchyGroup: 'EMEA/London/Tier 1',
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
  })
  services.templates.save({
    name: 'Store agent',
    routingProfile: 'Store Support',
    securityProfiles: ['Agent'],
    phone: {
      mode: 'per-channel',
      channels: { VOICE: { autoAccept: false }, CHAT: { afterContactWorkSeconds: 30 } }
    }
  })
})
afterAll(() => sandbox?.close())
beforeEach(() => sandbox.stats.reset())

const person = (firstName: string, lastName: string, extra: PersonInput = {}): PersonInput => ({
  firstName,
  lastName,
  password,
  ...extra
})
const create = (
  context: InstanceContext,
  template: string,
  p: PersonInput
): ReturnType<Services['createUser']['create']> =>
  services.createUser.create({ context, template, person: p })
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    return error as AppError
  }
  throw new Error('expected a refusal')
}

describe('create user', () => {
  it('previews the exact request and the CLI twin, then creates in a CONNECT_MANAGED instance', async () => {
    const preview = await services.createUser.preview({
      context: alpha,
      template: 'Tier 1',
      person: person('Ada', 'Lovelace')
    })
    expect(preview).toMatchObject({
      identityType: 'CONNECT_MANAGED',
      username: 'ada.lovelace',
      email: 'ada.lovelace@alpha.example.com',
      problems: [],
      accountId: '111122223333'
    })
    expect(preview.request).toMatchObject({
      Password: '«redacted»',
      RoutingProfileId: demo.alpha.rp('Support Tier 1'),
      HierarchyGroupId: demo.alpha.hierarchyGroups.find((g) => g.name === 'Tier 1')?.id
    })
    expect(preview.cliCommand).toContain("--cli-input-json '")
    expect(JSON.stringify(preview)).not.toContain(password)
    expect(sandbox.stats.count('CreateUser')).toBe(0)

    const created = await create(alpha, 'Tier 1', person('Ada', 'Lovelace'))
    expect(created).toMatchObject({
      username: 'ada.lovelace',
      accountId: '111122223333',
      instanceAlias: 'alpha-contact-center',
      attempts: 1,
      recoveredAfterAmbiguity: false
    })
    const user = sandbox.state.instances.get(demo.alpha.instanceId)?.users.get(created.userId)
    expect(user).toMatchObject({
      Username: 'ada.lovelace',
      IdentityInfo: { Email: 'ada.lovelace@alpha.example.com' },
      PhoneConfig: { AfterContactWorkTimeLimit: 120 }
    })
  })

  it('creates in a SAML instance of another account, with per-channel settings and no password', async () => {
    const created = await create(bravo, 'Store agent', {
      username: 'grace.hopper@bravo.example.com',
      firstName: 'Grace',
      lastName: 'Hopper'
    })
    expect(created.accountId).toBe('444455556666')
    expect(sandbox.state.instances.get(demo.bravo.instanceId)?.users.get(created.userId)).toMatchObject({
      AutoAcceptConfigs: [{ Channel: 'VOICE', AutoAccept: false }],
      AfterContactWorkConfigs: [
        { Channel: 'CHAT', AfterContactWorkConfig: { AfterContactWorkTimeLimit: 30 } }
      ]
    })
  })

  it('refuses invalid requests locally, and a taken username with CreateUser alone', async () => {
    const cases: Array<[InstanceContext, string, PersonInput, RegExp]> = [
      [alpha, 'Tier 1', person('Weak', 'Password', { password: 'password' }), /8–64 characters/],
      [alpha, 'Tier 1', person('Toolong', 'Username', { username: 'a'.repeat(21) }), /at most 20 characters/],
      [alpha, 'Tier 1', person('Mobile', 'Wrong', { mobile: '0770 090 0123' }), /E\.164/],
      [
        bravo,
        'Store agent',
        { username: 'x@bravo.example.com', firstName: 'X', lastName: 'Y', password },
        /Remove the password/
      ],
      [
        bravo,
        'Tier 1',
        { username: 'y@bravo.example.com', firstName: 'Y', lastName: 'Z' },
        /does not exist in bravo-retail/
      ]
    ]
    for (const [context, template, p, message] of cases) {
      const error = await refusal(create(context, template, p))
      expect(error.message).toMatch(message)
    }
    expect(sandbox.stats.count('CreateUser')).toBe(0)
    // A taken username: CreateUser's own DuplicateResourceException answers, with no SearchUsers first.
    const searches = sandbox.stats.count('SearchUsers')
    const taken = await refusal(create(alpha, 'Tier 1', person('Jane', 'Doe')))
    expect(taken).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already exists in alpha-contact-center/)
    })
    expect(sandbox.stats.count('CreateUser')).toBe(1)
    expect(sandbox.stats.count('SearchUsers')).toBe(searches)
    const duplicate = await services.createUser.preview({
      context: alpha,
      template: 'Tier 1',
      person: person('Jane', 'Doe')
    })
    expect(duplicate.duplicate).toEqual({
      username: 'jane.doe',
      userId: 'u-0000-jane-doe',
      routingProfile: 'Support Tier 1'
    })
  })

  it('looks the instance up again when a name is not in the cached lookups, before refusing', async () => {
    await services.lookups.refresh(alpha)
    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    if (!instance) throw new Error('no alpha')
    instance.routingProfiles.set('rp-new-outbound', { id: 'rp-new-outbound', name: 'Outbound Campaigns' })
    const preview = await services.createUser.preview({
      context: alpha,
      template: {
        name: 'Outbound',
        routingProfile: 'Outbound Campaigns',
        securityProfiles: ['Agent'],
        phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
      },
      person: person('New', 'Profile', { username: 'new.profile', email: 'new.profile@alpha.example.com' })
    })
    expect(preview.problems).toEqual([])
    expect(preview.request).toMatchObject({ RoutingProfileId: 'rp-new-outbound' })
    instance.routingProfiles.delete('rp-new-outbound')
  })

  it('retries throttling and 500s with backoff, and does not retry the users quota', async () => {
    sandbox.faults.next('throttle', 'CreateUser')
    sandbox.faults.next('fail', 'CreateUser')
    const retried = await create(alpha, 'Tier 1', person('Retry', 'Me'))
    expect(retried.attempts).toBe(3)
    expect(sandbox.stats.count('CreateUser')).toBe(3)

    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    if (!instance) throw new Error('no alpha')
    const quota = instance.usersQuota
    instance.usersQuota = instance.users.size
    sandbox.stats.reset()
    const full = await refusal(create(alpha, 'Tier 1', person('Over', 'Quota')))
    expect(full).toMatchObject({ code: 'AWS', details: { awsCode: 'LimitExceededException' } })
    expect(full.message).toMatch(/users quota/)
    expect(sandbox.stats.count('CreateUser')).toBe(1)
    instance.usersQuota = quota

    for (let i = 0; i < 4; i++) sandbox.faults.next('throttle', 'CreateUser')
    sandbox.stats.reset()
    const exhausted = await refusal(create(alpha, 'Tier 1', person('Always', 'Throttled')))
    expect(exhausted.message).toMatch(/throttling this account in us-east-1/)
    expect(sandbox.stats.count('CreateUser')).toBe(4)
  })

  it('never creates twice when the answer is lost: commit-then-drop and drop-before-processing', async () => {
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    const committed = await create(alpha, 'Tier 1', person('Lost', 'Answer'))
    expect(committed).toMatchObject({ username: 'lost.answer', recoveredAfterAmbiguity: true })
    const users = [...(sandbox.state.instances.get(demo.alpha.instanceId)?.users.values() ?? [])].filter(
      (u) => u.Username === 'lost.answer'
    )
    expect(users).toHaveLength(1)
    expect(users[0]?.Id).toBe(committed.userId)
    expect(sandbox.stats.count('CreateUser')).toBe(1)

    sandbox.stats.reset()
    sandbox.faults.next('drop', 'CreateUser')
    const dropped = await create(alpha, 'Tier 1', person('Dropped', 'First'))
    expect(dropped).toMatchObject({ attempts: 2, recoveredAfterAmbiguity: false })
    expect(sandbox.stats.count('CreateUser')).toBe(2)
  })

  it('resolves a DuplicateResourceException after our own lost attempt to "created"', async () => {
    // The first answer is lost and the user is not visible yet to the check; the retry then meets our own user.
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    sandbox.faults.next('drop', 'SearchUsers')
    const result = await create(alpha, 'Tier 1', person('Race', 'Condition'))
    expect(result.recoveredAfterAmbiguity).toBe(true)
    expect(
      [...(sandbox.state.instances.get(demo.alpha.instanceId)?.users.values() ?? [])].filter(
        (u) => u.Username === 'race.condition'
      )
    ).toHaveLength(1)
  })

  it('keeps an audit trail of every attempt, without the password', () => {
    const text = readFileSync(join(folder, 'audit.jsonl'), 'utf8')
    expect(text).not.toContain(password)
    const entries = services.activity.list()
    const outcomes = new Set(entries.map((e) => e.outcome))
    expect([...outcomes].sort()).toEqual(['created', 'failed', 'refused', 'started'])
    const ada = entries.find((e) => e.username === 'ada.lovelace' && e.outcome === 'created')
    expect(ada).toMatchObject({
      profile: 'alpha',
      accountId: '111122223333',
      region: 'us-east-1',
      instanceAlias: 'alpha-contact-center',
      userArn: expect.stringContaining('/agent/')
    })
    expect(ada?.request?.['Password']).toBe('«redacted»')
    expect(
      entries
        .filter((e) => e.outcome === 'failed')
        .map((e) => e.errorCode)
        .sort()
    ).toEqual(['DuplicateResourceException', 'LimitExceededException', 'ThrottlingException'])
    expect(entries.every((e) => typeof e.osUser === 'string' && e.time)).toBe(true)
  })
})

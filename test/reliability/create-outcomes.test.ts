/**
 * Issue 10, items 3 and 4, replayed against the Sandbox over real HTTP: every ambiguous path of a
 * CreateUser ends either created (exactly one user), a duplicate, or "outcome unknown" — never "failed"
 * for a user that exists — and racing creators of one username get one "created" between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/composition'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import type { InstanceContext } from '../../src/shared/accounts'
import type { PersonInput } from '../../src/shared/create-user'
import type { AppError } from '../../src/shared/result'
import { demo, servicesIn, servicesWithDemoProfiles, unpaced } from '../integration/sandbox-helpers'

let sandbox: Sandbox
let services: Services
let folder: string
const alpha: InstanceContext = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }
const fast = { attempts: 4, baseDelayMs: 0, maxDelayMs: 0 }
const template = {
  name: 'inline',
  routingProfile: 'Support Tier 1',
  securityProfiles: ['Agent'],
  phone: {
    mode: 'classic' as const,
    phoneType: 'SOFT_PHONE' as const,
    autoAccept: true,
    afterContactWorkSeconds: 0
  }
}
const person = (username: string, firstName = 'Ada'): PersonInput => ({
  username,
  firstName,
  lastName: 'Lovelace',
  email: `${username}@alpha.example.com`,
  password: 'Sup3rSecretPassw0rd'
})
const create = (on: Services, p: PersonInput): ReturnType<Services['createUser']['create']> =>
  on.createUser.create({ context: alpha, template, person: p })
const usersNamed = (username: string): number =>
  [...(sandbox.state.instances.get(demo.alpha.instanceId)?.users.values() ?? [])].filter(
    (u) => u.Username === username
  ).length
const lastAudit = (on: Services, username: string): string | undefined =>
  on.activity.list().find((e) => e.username === username && e.outcome !== 'started')?.outcome

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services, folder } = servicesWithDemoProfiles(sandbox, { retry: fast, pace: unpaced }))
  await services.lookups.refresh(alpha)
  await services.directory.identity(alpha)
})
afterAll(() => sandbox?.close())

describe('a CreateUser whose answer is lost', () => {
  it('commit, then the answer drops, then the lookups fail twice: created, exactly one user', async () => {
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    sandbox.faults.next('drop', 'SearchUsers')
    sandbox.faults.next('fail', 'SearchUsers')
    const created = await create(services, person('lost.then.flaky'))
    expect(created).toMatchObject({ recoveredAfterAmbiguity: true })
    expect(usersNamed('lost.then.flaky')).toBe(1)
    expect(lastAudit(services, 'lost.then.flaky')).toBe('created')
  })

  it('commit, then every lookup fails: "outcome unknown", never "failed", and not sent again', async () => {
    sandbox.faults.next('commit-then-drop', 'CreateUser')
    // Every lookup retries its reads, and the loop retries its lookups: drop them all.
    for (let i = 0; i < fast.attempts ** 2; i++) sandbox.faults.next('drop', 'SearchUsers')
    const creates = sandbox.stats.count('CreateUser')
    const error = (await create(services, person('lost.for.good')).catch((e: unknown) => e)) as AppError
    expect(error.code).toBe('OUTCOME_UNKNOWN')
    expect(error.message).toMatch(/Outcome unknown — the user "lost.for.good" may exist/)
    expect(sandbox.stats.count('CreateUser') - creates).toBe(1)
    expect(usersNamed('lost.for.good')).toBe(1)
    expect(lastAudit(services, 'lost.for.good')).toBe('unknown')
  })

  it('a dropped request (nothing done) is sent again once the lookup says there is no user', async () => {
    sandbox.faults.next('drop', 'CreateUser')
    await create(services, person('dropped.once'))
    expect(usersNamed('dropped.once')).toBe(1)
  })
})

describe('racing creators of one username', () => {
  it('on one workstation (one data folder): one "created", one duplicate', async () => {
    const other = servicesIn(folder, { retry: fast, pace: unpaced })
    const results = await Promise.allSettled([
      create(services, person('race.one')),
      create(other, person('race.one'))
    ])
    const outcomes = results
      .map((r) => (r.status === 'fulfilled' ? 'created' : (r.reason as AppError).code))
      .sort()
    expect(outcomes).toEqual(['CONFLICT', 'created'])
    expect(usersNamed('race.one')).toBe(1)
  })

  it('after a lost answer, a user someone else created under the name is their duplicate, not ours', async () => {
    await create(services, person('taken.by.grace', 'Grace'))
    sandbox.faults.next('drop', 'CreateUser')
    const error = (await create(services, person('taken.by.grace', 'Ada')).catch(
      (e: unknown) => e
    )) as AppError
    expect(error.code).toBe('CONFLICT')
    expect(usersNamed('taken.by.grace')).toBe(1)
  })
})

/**
 * What bulk needs of the Sandbox and of the gateway, over real HTTP with the real AWS SDK: ListUsers
 * pages of 1,000 to the last page, DeleteUser (a user already gone is ResourceNotFoundException, and a
 * DeleteUser whose answer is lost is retried into "gone"), and the users quota as LimitExceededException.
 */
import {
  CreateUserCommand,
  DeleteUserCommand,
  ListUsersCommand,
  paginateListUsers
} from '@aws-sdk/client-connect'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/composition'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import type { InstanceContext } from '../../src/shared/accounts'
import {
  alphaUser,
  bravoUser,
  connect,
  demo,
  rejection,
  servicesWithDemoProfiles,
  unpaced
} from './sandbox-helpers'

let sandbox: Sandbox
let services: Services
const alpha: InstanceContext = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }
const bravo: InstanceContext = { profile: 'bravo', region: 'eu-west-2', instanceId: demo.bravo.instanceId }

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services } = servicesWithDemoProfiles(sandbox, {
    retry: { attempts: 4, baseDelayMs: 0, maxDelayMs: 0 },
    pace: unpaced
  }))
})
afterAll(() => sandbox?.close())
beforeEach(() => sandbox.stats.reset())

describe('ListUsers, as bulk plans use it', () => {
  it('serves pages of 1,000 with a NextToken, and the last page without one', async () => {
    const client = connect(sandbox, demo.alpha)
    const total = sandbox.state.instances.get(demo.alpha.instanceId)?.users.size ?? 0
    expect(total).toBeGreaterThan(1000)
    const first = await client.send(
      new ListUsersCommand({ InstanceId: demo.alpha.instanceId, MaxResults: 1000 })
    )
    expect(first.UserSummaryList).toHaveLength(1000)
    expect(first.NextToken).toBeTruthy()
    const second = await client.send(
      new ListUsersCommand({
        InstanceId: demo.alpha.instanceId,
        MaxResults: 1000,
        NextToken: first.NextToken
      })
    )
    expect(second.UserSummaryList).toHaveLength(total - 1000)
    expect(second.NextToken).toBeUndefined()
    const pages: number[] = []
    for await (const page of paginateListUsers(
      { client, pageSize: 1000 },
      { InstanceId: demo.alpha.instanceId }
    ))
      pages.push(page.UserSummaryList?.length ?? 0)
    expect(pages).toEqual([1000, total - 1000])
  })

  it('gateway.listUsers: every user by lowercased username, one call per 1,000 users', async () => {
    const byName = await services.gateway.listUsers(alpha)
    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    const users = [...(instance?.users.values() ?? [])]
    expect(byName.size).toBe(users.length)
    for (const user of users) expect(byName.get(user.Username.toLowerCase())).toBe(user.Id)
    expect(sandbox.stats.count('ListUsers')).toBe(Math.ceil(users.length / 1000))
  })

  it('gateway.listUsers finds a user with capitals under its lowercased name', async () => {
    const created = await connect(sandbox, demo.bravo).send(
      new CreateUserCommand(bravoUser('Mixed.Case@bravo.example.com'))
    )
    const byName = await services.gateway.listUsers(bravo)
    expect(byName.get('mixed.case@bravo.example.com')).toBe(created.UserId)
    expect(sandbox.stats.count('ListUsers')).toBe(1)
  })
})

describe('DeleteUser, as undo uses it', () => {
  it('deletes a user; a second DeleteUser of it is ResourceNotFoundException', async () => {
    const client = connect(sandbox, demo.alpha)
    const created = await client.send(new CreateUserCommand(alphaUser('ops.delete')))
    await client.send(new DeleteUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId }))
    const again = await rejection(
      client.send(new DeleteUserCommand({ InstanceId: demo.alpha.instanceId, UserId: created.UserId }))
    )
    expect(again.name).toBe('ResourceNotFoundException')
    expect(again.$metadata?.httpStatusCode).toBe(404)
  })

  it('gateway.deleteUser: deleted, then gone; a lost answer is retried into gone', async () => {
    const client = connect(sandbox, demo.alpha)
    const one = await client.send(new CreateUserCommand(alphaUser('ops.gw.1')))
    expect(await services.gateway.deleteUser(alpha, one.UserId ?? '')).toBe('deleted')
    expect(await services.gateway.deleteUser(alpha, one.UserId ?? '')).toBe('gone')

    const two = await client.send(new CreateUserCommand(alphaUser('ops.gw.2')))
    sandbox.faults.next('commit-then-drop', 'DeleteUser')
    expect(await services.gateway.deleteUser(alpha, two.UserId ?? '')).toBe('gone')
    expect(sandbox.state.instances.get(demo.alpha.instanceId)?.users.has(two.UserId ?? '')).toBe(false)
    expect(sandbox.stats.count('DeleteUser')).toBe(4)
  })

  it('gateway.deleteUser never touches another instance’s user: the ID is not found there', async () => {
    const created = await connect(sandbox, demo.bravo).send(
      new CreateUserCommand(bravoUser('ops.bravo.only'))
    )
    expect(await services.gateway.deleteUser(alpha, created.UserId ?? '')).toBe('gone')
    expect(sandbox.state.instances.get(demo.bravo.instanceId)?.users.has(created.UserId ?? '')).toBe(true)
  })
})

describe('the users quota', () => {
  it('is LimitExceededException (429) and is not retried as throttling by the gateway', async () => {
    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    if (!instance) throw new Error('no alpha instance')
    instance.usersQuota = instance.users.size
    try {
      const request = {
        ...alphaUser('ops.quota'),
        InstanceId: demo.alpha.instanceId,
        Username: 'ops.quota',
        SecurityProfileIds: [demo.alpha.sp('Agent')],
        RoutingProfileId: demo.alpha.rp('Sales Inbound')
      }
      const error = await rejection(services.gateway.createUser(alpha, request))
      expect(error.message).toMatch(/users quota/)
      expect(sandbox.stats.count('CreateUser')).toBe(1)
    } finally {
      instance.usersQuota = 5000
    }
  })
})

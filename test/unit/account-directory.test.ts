/** The on-disk cache of identities and instances: hits, TTLs, fingerprints, aliases, and a bad file. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { CallerIdentity, InstanceSummary } from '../../src/shared/accounts'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { AccountDirectory, defaultDirectoryTtl } from '../../src/main/services/account-directory'
import type { ConnectGateway } from '../../src/main/services/aws/connect-gateway'

const instanceId = '7c8e4a30-1f2b-4c5d-9e6f-a1b2c3d4e5f6'
const instance: InstanceSummary = {
  id: instanceId,
  arn: `arn:aws:connect:us-east-1:111122223333:instance/${instanceId}`,
  alias: 'alpha-contact-center',
  identityType: 'CONNECT_MANAGED',
  status: 'ACTIVE'
}

/** A gateway that answers from memory and counts what it was asked. */
function fakeGateway(): { gateway: ConnectGateway; calls: string[] } {
  const calls: string[] = []
  const gateway = {
    target: (c: { profile: string; region?: string }) => ({
      profile: c.profile,
      region: c.region ?? 'us-east-1'
    }),
    callerIdentity: async (): Promise<CallerIdentity> => {
      calls.push('GetCallerIdentity')
      return {
        accountId: '111122223333',
        arn: 'arn:aws:iam::111122223333:user/admin',
        userId: 'AID',
        region: 'us-east-1'
      }
    },
    listInstances: async (): Promise<InstanceSummary[]> => {
      calls.push('ListInstances')
      return [instance]
    },
    describeInstance: async (): Promise<InstanceSummary> => {
      calls.push('DescribeInstance')
      return instance
    }
  }
  return { gateway: gateway as unknown as ConnectGateway, calls }
}

function setup(): {
  folder: string
  open: (fingerprint?: string) => { directory: AccountDirectory; calls: string[] }
  clock: { now: number }
} {
  const folder = mkdtempSync(join(tmpdir(), 'cp-dir-'))
  const clock = { now: Date.parse('2026-11-28T10:00:00Z') }
  return {
    folder,
    clock,
    open: (fingerprint = 'v1') => {
      const { gateway, calls } = fakeGateway()
      const directory = new AccountDirectory(
        () => openFileDocumentStore(folder, 'account-cache'),
        join(folder, 'account-cache.json'),
        gateway,
        () => fingerprint,
        defaultDirectoryTtl,
        () => clock.now
      )
      return { directory, calls }
    }
  }
}

const alpha = { profile: 'alpha', region: 'us-east-1' }

describe('AccountDirectory', () => {
  it('asks once, then answers from disk, in this process and the next', async () => {
    const { open } = setup()
    const first = open()
    await first.directory.identity(alpha)
    await first.directory.identity(alpha)
    await first.directory.instance({ ...alpha, instanceId })
    expect(first.calls).toEqual(['GetCallerIdentity', 'DescribeInstance'])
    const next = open()
    expect(await next.directory.identity(alpha)).toMatchObject({ accountId: '111122223333' })
    expect(next.directory.knownAccountId(alpha)).toBe('111122223333')
    await next.directory.instance({ ...alpha, instanceId })
    expect(next.calls).toEqual([])
  })

  it('asks again after the TTL, on demand, and when the profile now means something else', async () => {
    const { open, clock } = setup()
    await open().directory.identity(alpha)
    const refreshed = open()
    await refreshed.directory.identity(alpha, { refresh: true })
    expect(refreshed.calls).toEqual(['GetCallerIdentity'])
    clock.now += defaultDirectoryTtl.identityMs + 1
    const expired = open()
    await expired.directory.identity(alpha)
    expect(expired.calls).toEqual(['GetCallerIdentity'])
    const edited = open('v2') // e.g. other keys or another role_arn in ~/.aws
    expect(edited.directory.knownAccountId(alpha)).toBeUndefined()
    await edited.directory.identity(alpha)
    expect(edited.calls).toEqual(['GetCallerIdentity'])
  })

  it('sends one call for concurrent askers', async () => {
    const { open } = setup()
    const { directory, calls } = open()
    await Promise.all([directory.identity(alpha), directory.identity(alpha), directory.identity(alpha)])
    expect(calls).toEqual(['GetCallerIdentity'])
  })

  it('resolves an ID with DescribeInstance and an alias from the instance list, which also describes it', async () => {
    const { open } = setup()
    const byId = open()
    expect(await byId.directory.resolveInstance(alpha, instanceId)).toEqual({ ...alpha, instanceId })
    expect(byId.calls).toEqual(['DescribeInstance'])
    const { open: openOther } = setup()
    const byAlias = openOther()
    expect(await byAlias.directory.resolveInstance(alpha, 'alpha-contact-center')).toEqual({
      ...alpha,
      instanceId
    })
    await byAlias.directory.instance({ ...alpha, instanceId })
    expect(byAlias.calls).toEqual(['ListInstances'])
  })

  it('lists the instance list once more before refusing an unknown alias, and names the ones there are', async () => {
    const { open } = setup()
    const { directory, calls } = open()
    await expect(directory.resolveInstance(alpha, 'nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('alpha-contact-center (7c8e4a30')
    })
    expect(calls).toEqual(['ListInstances', 'ListInstances'])
  })

  it('moves a cache file it cannot read aside and says where', async () => {
    const { folder, open } = setup()
    writeFileSync(join(folder, 'account-cache.json'), '{"identities": 42}')
    const { directory } = open()
    expect(directory.recovery?.movedTo).toMatch(/account-cache\.corrupt-/)
    expect(readdirSync(folder).some((f) => f.startsWith('account-cache.corrupt-'))).toBe(true)
    await directory.identity(alpha)
  })
})

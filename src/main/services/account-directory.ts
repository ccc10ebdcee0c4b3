/**
 * Who a profile is and which Connect instances it has, cached on disk beside the lookups
 * (account-cache.json) with their age, so a warm create sends nothing but CreateUser. Entries are kept
 * per profile and Region (instances also per ID), tied to a fingerprint of the profile's definition (a
 * profile pointed at other keys or another role is a miss), and refreshed after a TTL or on demand.
 */
import { z } from 'zod'
import type { CallerIdentity, InstanceContext, InstanceSummary, ProfileRegion } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import type { ConnectGateway } from './aws/connect-gateway'
import type { Target } from './aws/client-factory'
import type { DocumentStore } from './document-store'
import { openRecovering, type StoreRecovery } from './store-recovery'

/** How long cached answers are trusted. */
export interface DirectoryTtl {
  identityMs: number
  instanceListMs: number
  instanceMs: number
}

/** An identity does not change for a given profile definition; instances come and go more often. */
export const defaultDirectoryTtl: DirectoryTtl = {
  identityMs: 24 * 3_600_000,
  instanceListMs: 3_600_000,
  instanceMs: 24 * 3_600_000
}

/** `refresh: true` asks AWS again instead of trusting the cache. */
export interface Freshness {
  refresh?: boolean
}

/** Connect instance IDs are UUIDs; anything else given as an instance is an alias. */
const instanceIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const entry = <T extends z.ZodType>(value: T) =>
  z.object({ fingerprint: z.string(), fetchedAt: z.string(), value })
const identitySchema = z.object({
  accountId: z.string(),
  arn: z.string(),
  userId: z.string(),
  region: z.string()
})
const instanceSchema = z.object({
  id: z.string(),
  arn: z.string(),
  alias: z.string(),
  identityType: z.enum(['CONNECT_MANAGED', 'SAML', 'EXISTING_DIRECTORY']),
  status: z.string(),
  createdTime: z.string().optional(),
  accessUrl: z.string().optional()
})
const cacheSchema = z.object({
  version: z.literal(1).optional(),
  identities: z.record(z.string(), entry(identitySchema)).default({}),
  instanceLists: z.record(z.string(), entry(z.array(instanceSchema))).default({}),
  instances: z.record(z.string(), entry(instanceSchema)).default({})
})
type Cache = z.infer<typeof cacheSchema>
type Section = 'identities' | 'instanceLists' | 'instances'

export class AccountDirectory {
  private readonly store: DocumentStore
  private cache: Cache
  private readonly inflight = new Map<string, Promise<unknown>>()
  readonly recovery: StoreRecovery | undefined

  constructor(
    open: () => DocumentStore,
    file: string,
    private readonly gateway: ConnectGateway,
    private readonly fingerprint: (profile: string) => string,
    private readonly ttl: DirectoryTtl = defaultDirectoryTtl,
    private readonly now: () => number = Date.now
  ) {
    const opened = openRecovering(file, () => {
      const store = open()
      return { store, cache: cacheSchema.parse(store.read()) }
    })
    this.store = opened.store.store
    this.cache = opened.store.cache
    this.recovery = opened.recovery
  }

  /** Who the profile's credentials belong to (STS GetCallerIdentity, cached). */
  async identity(context: ProfileRegion, freshness: Freshness = {}): Promise<CallerIdentity> {
    const target = this.gateway.target(context)
    return this.cached('identities', keyOf(target), target, this.ttl.identityMs, freshness, () =>
      this.gateway.callerIdentity(target)
    )
  }

  /** The account ID of a target if it is cached (no call is made): to share one pacer per account. */
  knownAccountId(target: Target): string | undefined {
    const hit = this.cache.identities[keyOf(target)]
    return hit && hit.fingerprint === this.safeFingerprint(target.profile) ? hit.value.accountId : undefined
  }

  /** The Connect instances of the account in the Region (ListInstances, cached). */
  async instances(context: ProfileRegion, freshness: Freshness = {}): Promise<InstanceSummary[]> {
    const target = this.gateway.target(context)
    return this.cached('instanceLists', keyOf(target), target, this.ttl.instanceListMs, freshness, () =>
      this.gateway.listInstances(target)
    )
  }

  /** One instance (DescribeInstance, cached): its alias and identity type. */
  async instance(context: InstanceContext, freshness: Freshness = {}): Promise<InstanceSummary> {
    const key = `${keyOf(context)}|${context.instanceId}`
    return this.cached('instances', key, context, this.ttl.instanceMs, freshness, () =>
      this.gateway.describeInstance(context)
    )
  }

  /**
   * The instance named by an ID or an alias. An ID goes straight to DescribeInstance (cached); an alias
   * is looked up in the cached instance list, which is fetched again once before the alias is refused.
   */
  async resolveInstance(context: ProfileRegion, idOrAlias: string): Promise<InstanceContext> {
    const target = this.gateway.target(context)
    if (instanceIdPattern.test(idOrAlias)) {
      await this.instance({ ...target, instanceId: idOrAlias })
      return { ...target, instanceId: idOrAlias }
    }
    const find = (list: InstanceSummary[]): InstanceSummary | undefined =>
      list.find((i) => i.alias === idOrAlias || i.id === idOrAlias)
    let list = await this.instances(target)
    let found = find(list)
    if (!found) {
      list = await this.instances(target, { refresh: true })
      found = find(list)
    }
    if (!found) {
      const known = list.map((i) => `${i.alias} (${i.id})`).join(', ') || 'none'
      throw new AppError(
        'NOT_FOUND',
        `No instance "${idOrAlias}" in ${target.region} for profile ${target.profile}; instances there: ${known}.`
      )
    }
    // The listing already says what DescribeInstance would: keep it, so the create sends nothing more.
    this.put('instances', `${keyOf(target)}|${found.id}`, target, found)
    return { ...target, instanceId: found.id }
  }

  private async cached<T extends Cache[Section][string]['value']>(
    section: Section,
    key: string,
    target: Target,
    ttlMs: number,
    freshness: Freshness,
    load: () => Promise<T>
  ): Promise<T> {
    const hit = this.cache[section][key]
    if (
      !freshness.refresh &&
      hit &&
      hit.fingerprint === this.safeFingerprint(target.profile) &&
      this.now() - Date.parse(hit.fetchedAt) < ttlMs
    ) {
      return hit.value as T
    }
    const flightKey = `${section}|${key}`
    const running = this.inflight.get(flightKey) as Promise<T> | undefined
    if (running) return running
    const loading = load()
      .then((value) => {
        this.put(section, key, target, value)
        return value
      })
      .finally(() => this.inflight.delete(flightKey))
    this.inflight.set(flightKey, loading)
    return loading
  }

  /** Records an answer; the file is read again first, so entries other processes added are kept. */
  private put(section: Section, key: string, target: Target, value: Cache[Section][string]['value']): void {
    const fresh = {
      fingerprint: this.safeFingerprint(target.profile),
      fetchedAt: new Date(this.now()).toISOString(),
      value
    }
    try {
      // Under the file's lock: what other processes added between the read and the write is kept.
      this.store.locked(() => {
        let onDisk: Cache = this.cache
        try {
          onDisk = cacheSchema.parse(this.store.read())
        } catch {
          // Unreadable now: this process's copy is the best there is.
        }
        this.cache = { ...onDisk, version: 1, [section]: { ...onDisk[section], [key]: fresh } }
        this.store.write(this.cache)
      })
    } catch {
      // A cache that cannot be written costs calls, never a failure.
    }
  }

  private safeFingerprint(profile: string): string {
    try {
      return this.fingerprint(profile)
    } catch {
      return ''
    }
  }
}

const keyOf = (target: { profile: string; region: string }): string => `${target.profile}|${target.region}`

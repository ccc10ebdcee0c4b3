import type { User } from '@aws-sdk/client-connect'
import type { InstanceContext } from '../../shared/accounts'
import type { Channel } from '../../shared/connect-rules'
import { AppError } from '../../shared/result'
import { lookupsFileSchema, type InstanceLookups } from '../../shared/template-resolve'
import type { TemplateInput } from '../../shared/templates'
import type { AccountDirectory } from './account-directory'
import type { ConnectGateway } from './aws/connect-gateway'
import { serializeDocument, SyncedDocument, type DocumentCodec, type DocumentStore } from './document-store'
import type { StoreRecovery } from './store-recovery'

const keyOf = (l: { accountId: string; region: string; instanceId: string }): string =>
  `${l.accountId}/${l.region}/${l.instanceId}`

type Cache = Record<string, InstanceLookups>

/** lookups.json is a cache: past this size the instances refreshed longest ago are dropped from it. */
export const lookupsCacheBytes = 16 * 1024 * 1024

/** lookups.json, checked against its schema on every read: a file that breaks it is moved aside. */
const lookupsCodec: DocumentCodec<Cache> = {
  what: 'lookups.json',
  decode(raw) {
    const parsed = lookupsFileSchema.safeParse(raw)
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`)
        .join('; ')
      throw new Error(`it does not match the lookups format: ${issues}`)
    }
    return { value: parsed.data.instances, migrated: false }
  },
  encode: (instances) => ({ version: 1, instances })
}

/** `cache` without the instances refreshed longest ago, so the file stays under `lookupsCacheBytes`. */
function withinSize(cache: Cache): Cache {
  const entries = Object.entries(cache).map(([key, lookups]) => ({
    key,
    lookups,
    // Serialized alone, plus a margin for the deeper indentation inside the file.
    bytes: Math.ceil(serializeDocument(lookups).length * 1.25) + key.length + 8
  }))
  entries.sort((a, b) => b.lookups.fetchedAt.localeCompare(a.lookups.fetchedAt))
  const kept: Cache = {}
  let total = 0
  for (const entry of entries) {
    total += entry.bytes
    if (total > lookupsCacheBytes && Object.keys(kept).length > 0) break
    kept[entry.key] = entry.lookups
  }
  return kept
}

/**
 * The names → IDs of every instance the admin has used, cached with a timestamp in lookups.json so the
 * template pickers work offline. Refreshed on demand with full pagination.
 */
export class LookupService {
  private readonly document: SyncedDocument<Cache>

  constructor(
    open: () => DocumentStore,
    file: string,
    private readonly gateway: ConnectGateway,
    private readonly directory: AccountDirectory
  ) {
    this.document = SyncedDocument.open(open, file, lookupsCodec)
  }

  /** Set when lookups.json was unreadable and moved aside. */
  get recovery(): StoreRecovery | undefined {
    return this.document.recovery
  }

  /** Every cached instance, most recently refreshed first. */
  all(): InstanceLookups[] {
    return Object.values(this.document.get()).sort((a, b) => b.fetchedAt.localeCompare(a.fetchedAt))
  }

  /** The cached lookups of an instance, if any. */
  cached(context: InstanceContext, accountId: string): InstanceLookups | undefined {
    const cache = this.document.get()
    const key = keyOf({ accountId, region: context.region, instanceId: context.instanceId })
    return Object.hasOwn(cache, key) ? cache[key] : undefined
  }

  /**
   * Fetches the instance's profiles, groups and levels from AWS and caches them (a read-modify-write of
   * lookups.json under its lock: instances another process cached meanwhile are kept).
   */
  async refresh(context: InstanceContext): Promise<InstanceLookups> {
    const [identity, instance, lists] = await Promise.all([
      this.directory.identity(context),
      this.directory.instance(context),
      this.gateway.instanceLookups(context)
    ])
    const lookups: InstanceLookups = {
      ...lists,
      accountId: identity.accountId,
      alias: instance.alias,
      fetchedAt: new Date().toISOString()
    }
    return this.document.update((current) => ({
      value: withinSize({ ...current, [keyOf(lookups)]: lookups }),
      result: lookups
    }))
  }

  /** The cached lookups, or fresh ones when the instance was never seen. */
  async forInstance(context: InstanceContext): Promise<InstanceLookups> {
    const identity = await this.directory.identity(context)
    return this.cached(context, identity.accountId) ?? this.refresh(context)
  }

  /** "New agent like X": a template draft with the user's settings, IDs turned back into names. */
  async templateFromUser(context: InstanceContext, userId: string): Promise<TemplateInput> {
    const user = await this.gateway.describeUser(context, userId)
    let lookups = await this.forInstance(context)
    const known = (l: InstanceLookups): boolean =>
      l.routingProfiles.some((r) => r.id === user.RoutingProfileId) &&
      (user.SecurityProfileIds ?? []).every((id) => l.securityProfiles.some((s) => s.id === id)) &&
      (!user.HierarchyGroupId || l.hierarchyGroups.some((g) => g.id === user.HierarchyGroupId))
    if (!known(lookups)) lookups = await this.refresh(context)
    return templateFromUser(user, lookups)
  }
}

/** Maps a described user back to names, with the phone settings in the form the user has. */
export function templateFromUser(user: User, lookups: InstanceLookups): TemplateInput {
  const nameOf = (
    list: Array<{ id: string; name: string }>,
    id: string | undefined,
    what: string
  ): string => {
    const found = list.find((item) => item.id === id)
    if (!found)
      throw new AppError(
        'NOT_FOUND',
        `The user's ${what} ${id} is not in ${lookups.alias}; refresh the instance's lookups.`
      )
    return found.name
  }
  const group = user.HierarchyGroupId
    ? lookups.hierarchyGroups.find((g) => g.id === user.HierarchyGroupId)
    : undefined
  const perChannel = Boolean(
    user.AutoAcceptConfigs?.length || user.AfterContactWorkConfigs?.length || user.PhoneNumberConfigs?.length
  )
  const voicePhone = user.PhoneNumberConfigs?.find((c) => c.Channel === 'VOICE')
  const channels: Partial<Record<Channel, { autoAccept?: boolean; afterContactWorkSeconds?: number }>> = {}
  for (const c of user.AutoAcceptConfigs ?? [])
    if (c.Channel)
      channels[c.Channel as Channel] = {
        ...channels[c.Channel as Channel],
        autoAccept: c.AutoAccept ?? false
      }
  for (const c of user.AfterContactWorkConfigs ?? []) {
    if (c.Channel)
      channels[c.Channel as Channel] = {
        ...channels[c.Channel as Channel],
        afterContactWorkSeconds: c.AfterContactWorkConfig?.AfterContactWorkTimeLimit ?? 0
      }
  }
  const persistent = user.PersistentConnectionConfigs?.find(
    (c) => c.Channel === 'VOICE'
  )?.PersistentConnection
  const enhancement = user.VoiceEnhancementConfigs?.find((c) => c.Channel === 'VOICE')?.VoiceEnhancementMode
  const phone: TemplateInput['phone'] = perChannel
    ? {
        mode: 'per-channel',
        channels,
        ...(voicePhone
          ? {
              voice: {
                phoneType: voicePhone.PhoneType ?? 'SOFT_PHONE',
                ...(voicePhone.PhoneNumber ? { phoneNumber: voicePhone.PhoneNumber } : {}),
                ...(persistent !== undefined ? { persistentConnection: persistent } : {}),
                ...(enhancement ? { voiceEnhancement: enhancement } : {})
              }
            }
          : {})
      }
    : {
        mode: 'classic',
        phoneType: user.PhoneConfig?.PhoneType ?? 'SOFT_PHONE',
        autoAccept: user.PhoneConfig?.AutoAccept ?? false,
        afterContactWorkSeconds: user.PhoneConfig?.AfterContactWorkTimeLimit ?? 0,
        ...(user.PhoneConfig?.DeskPhoneNumber ? { deskPhoneNumber: user.PhoneConfig.DeskPhoneNumber } : {}),
        ...(user.PhoneConfig?.PersistentConnection !== undefined
          ? { persistentConnection: user.PhoneConfig.PersistentConnection }
          : {})
      }
  return {
    name: `Like ${user.Username ?? user.Id}`,
    description: `Captured from ${user.Username} in ${lookups.alias} (${lookups.accountId}, ${lookups.region}).`,
    routingProfile: nameOf(lookups.routingProfiles, user.RoutingProfileId, 'routing profile'),
    securityProfiles: (user.SecurityProfileIds ?? []).map((id) =>
      nameOf(lookups.securityProfiles, id, 'security profile')
    ),
    ...(group ? { hierarchyGroup: group.path.join('/') } : {}),
    phone,
    tags: user.Tags ?? {}
  }
}

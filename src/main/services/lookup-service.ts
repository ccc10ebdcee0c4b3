import type { User } from '@aws-sdk/client-connect'
import type { InstanceContext } from '../../shared/accounts'
import type { Channel } from '../../shared/connect-rules'
import { AppError } from '../../shared/result'
import type { InstanceLookups } from '../../shared/template-resolve'
import type { TemplateInput } from '../../shared/templates'
import type { AccountDirectory } from './account-directory'
import type { ConnectGateway } from './aws/connect-gateway'
import type { DocumentStore } from './document-store'
import { openRecovering, type StoreRecovery } from './store-recovery'

const keyOf = (l: { accountId: string; region: string; instanceId: string }): string =>
  `${l.accountId}/${l.region}/${l.instanceId}`

/**
 * The names → IDs of every instance the admin has used, cached with a timestamp in lookups.json so the
 * template pickers work offline. Refreshed on demand with full pagination.
 */
export class LookupService {
  private readonly store: DocumentStore
  private cache: Record<string, InstanceLookups>
  readonly recovery: StoreRecovery | undefined

  constructor(
    open: () => DocumentStore,
    file: string,
    private readonly gateway: ConnectGateway,
    private readonly directory: AccountDirectory
  ) {
    const opened = openRecovering(file, () => {
      const store = open()
      const doc = store.read()
      const instances = doc['instances'] ?? {}
      if (typeof instances !== 'object' || Array.isArray(instances))
        throw new Error('"instances" is not an object')
      return { store, instances: instances as Record<string, InstanceLookups> }
    })
    this.store = opened.store.store
    this.cache = opened.store.instances
    this.recovery = opened.recovery
  }

  /** Every cached instance, most recently refreshed first. */
  all(): InstanceLookups[] {
    return Object.values(this.cache).sort((a, b) => b.fetchedAt.localeCompare(a.fetchedAt))
  }

  /** The cached lookups of an instance, if any. */
  cached(context: InstanceContext, accountId: string): InstanceLookups | undefined {
    return this.cache[keyOf({ accountId, region: context.region, instanceId: context.instanceId })]
  }

  /** Fetches the instance's profiles, groups and levels from AWS and caches them. */
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
    this.cache = { ...this.cache, [keyOf(lookups)]: lookups }
    this.store.write({ version: 1, instances: this.cache })
    return lookups
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

/**
 * From a template's names to a particular instance's IDs. Exact, case-sensitive matches only: a near
 * miss (case or spacing) is reported with its suggestion, a missing or ambiguous name is an error that
 * names the field. Never guesses.
 */
import { z } from 'zod'
import type { Channel } from './connect-rules'
import type { CreateUserRequest } from './create-user'
import type { Template } from './templates'

/** Names → IDs of one instance, as cached for offline pickers. */
export interface InstanceLookups {
  instanceId: string
  alias: string
  accountId: string
  region: string
  /** ISO time of the last refresh. */
  fetchedAt: string
  routingProfiles: Array<{ id: string; name: string }>
  securityProfiles: Array<{ id: string; name: string }>
  /** Every group with its path of names from the top level down (the last is its own name). */
  hierarchyGroups: Array<{ id: string; name: string; path: string[] }>
  hierarchyLevels: string[]
}

const named = z.object({ id: z.string().max(512), name: z.string().max(1024) })

/** One instance's lookups as lookups.json keeps them (checked on read: the file is a cache, not trusted). */
export const instanceLookupsSchema = z.object({
  instanceId: z.string().min(1).max(100),
  alias: z.string().max(1024),
  accountId: z.string().max(64),
  region: z.string().max(64),
  fetchedAt: z.string().max(64),
  routingProfiles: z.array(named),
  securityProfiles: z.array(named),
  hierarchyGroups: z.array(named.extend({ path: z.array(z.string().max(1024)).max(16) })),
  hierarchyLevels: z.array(z.string().max(1024)).max(16)
}) satisfies z.ZodType<InstanceLookups>

/** lookups.json: every instance's lookups by `accountId/region/instanceId` (version 1, or none before). */
export const lookupsFileSchema = z.object({
  version: z.literal(1).optional(),
  instances: z.record(z.string(), instanceLookupsSchema).default({})
})

export type ResolveField = 'routingProfile' | 'securityProfiles' | 'hierarchyGroup'

/** Why a name does not resolve in an instance. */
export interface ResolveProblem {
  field: ResolveField
  name: string
  kind: 'missing' | 'near-miss' | 'ambiguous'
  /** For a near miss: the name that exists. For ambiguous: the candidates. */
  suggestions: string[]
  message: string
}

export interface ResolvedIds {
  routingProfileId: string
  securityProfileIds: string[]
  hierarchyGroupId?: string
}

export type ResolveResult = { ok: true; ids: ResolvedIds } | { ok: false; problems: ResolveProblem[] }

const loose = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase()
const fieldNames: Record<ResolveField, string> = {
  routingProfile: 'Routing profile',
  securityProfiles: 'Security profile',
  hierarchyGroup: 'Hierarchy group'
}

type Lookup = { id?: string; problem?: ResolveProblem }

/**
 * The one way a name resolves: a single exact match gives its ID; several exact matches are ambiguous;
 * otherwise a loose match (case, spacing) is a near miss with its suggestion; else the name is missing.
 */
function settle(
  field: ResolveField,
  name: string,
  where: string,
  exact: Array<{ id: string; shown: string }>,
  near: string[],
  ambiguity: (shown: string[]) => string
): Lookup {
  const label = `${fieldNames[field]} "${name}"`
  if (exact.length === 1) return { id: exact[0]?.id }
  if (exact.length > 1) {
    const shown = exact.map((e) => e.shown)
    return {
      problem: { field, name, kind: 'ambiguous', suggestions: shown, message: `${label} ${ambiguity(shown)}` }
    }
  }
  if (near.length) {
    const message = `${label} is not in ${where}; did you mean "${near[0]}"? Names must match exactly.`
    return { problem: { field, name, kind: 'near-miss', suggestions: near, message } }
  }
  return {
    problem: {
      field,
      name,
      kind: 'missing',
      suggestions: [],
      message: `${label} does not exist in ${where}.`
    }
  }
}

function byName(
  field: ResolveField,
  name: string,
  items: Array<{ id: string; name: string }>,
  where: string
): Lookup {
  const exact = items.filter((i) => i.name === name).map((i) => ({ id: i.id, shown: i.name }))
  const near = items.filter((i) => loose(i.name) === loose(name)).map((i) => i.name)
  return settle(field, name, where, exact, near, (shown) => `names ${shown.length} profiles in ${where}.`)
}

function hierarchy(name: string, lookups: InstanceLookups, where: string): Lookup {
  const wanted = name.split('/').map((s) => s.trim())
  const joined = wanted.join('/')
  const pathOf = (g: { path: string[] }): string => g.path.join('/')
  const bare = wanted.length === 1
  const exact = lookups.hierarchyGroups
    .filter((g) => (bare ? g.name === joined : pathOf(g) === joined))
    .map((g) => ({ id: g.id, shown: pathOf(g) }))
  const near = lookups.hierarchyGroups
    .filter((g) => loose(pathOf(g)) === loose(joined) || (bare && loose(g.name) === loose(joined)))
    .map(pathOf)
  return settle(
    'hierarchyGroup',
    name,
    where,
    exact,
    near,
    (shown) =>
      `is ambiguous in ${where}: write the full path, one of ${shown.map((p) => `"${p}"`).join(', ')}.`
  )
}

/** Resolves every name of `template` against one instance's lookups. */
export function resolveTemplate(template: Template, lookups: InstanceLookups): ResolveResult {
  const where = `${lookups.alias} (${lookups.accountId}, ${lookups.region})`
  const problems: ResolveProblem[] = []
  const routing = byName('routingProfile', template.routingProfile, lookups.routingProfiles, where)
  if (routing.problem) problems.push(routing.problem)
  const security = template.securityProfiles.map((name) =>
    byName('securityProfiles', name, lookups.securityProfiles, where)
  )
  for (const s of security) if (s.problem) problems.push(s.problem)
  const group = template.hierarchyGroup ? hierarchy(template.hierarchyGroup, lookups, where) : undefined
  if (group?.problem) problems.push(group.problem)
  if (problems.length || !routing.id) return { ok: false, problems }
  return {
    ok: true,
    ids: {
      routingProfileId: routing.id,
      securityProfileIds: security.map((s) => s.id ?? ''),
      ...(group?.id ? { hierarchyGroupId: group.id } : {})
    }
  }
}

/** The CreateUser members a template decides: everything but the person's identity and the instance. */
export type CreateUserSettings = Omit<
  CreateUserRequest,
  'InstanceId' | 'Username' | 'Password' | 'IdentityInfo' | 'DirectoryUserId'
>

/** The CreateUser members a template produces; with no IDs (offline), names stand in, marked ⟨…⟩. */
export function createUserSettings(template: Template, ids?: ResolvedIds): CreateUserSettings {
  const phone = template.phone
  const settings: CreateUserSettings = {
    RoutingProfileId: ids?.routingProfileId ?? `⟨${template.routingProfile}⟩`,
    SecurityProfileIds: ids?.securityProfileIds ?? template.securityProfiles.map((n) => `⟨${n}⟩`)
  }
  if (template.hierarchyGroup)
    settings.HierarchyGroupId = ids?.hierarchyGroupId ?? `⟨${template.hierarchyGroup}⟩`
  if (phone.mode === 'classic') {
    settings.PhoneConfig = {
      PhoneType: phone.phoneType,
      AutoAccept: phone.autoAccept,
      AfterContactWorkTimeLimit: phone.afterContactWorkSeconds,
      ...(phone.deskPhoneNumber ? { DeskPhoneNumber: phone.deskPhoneNumber } : {}),
      ...(phone.persistentConnection !== undefined
        ? { PersistentConnection: phone.persistentConnection }
        : {})
    }
  } else {
    const entries = Object.entries(phone.channels) as Array<
      [Channel, { autoAccept?: boolean; afterContactWorkSeconds?: number }]
    >
    const autoAccept = entries
      .filter(([, c]) => c.autoAccept !== undefined)
      .map(([Channel, c]) => ({ Channel, AutoAccept: c.autoAccept }))
    const acw = entries
      .filter(([, c]) => c.afterContactWorkSeconds !== undefined)
      .map(([Channel, c]) => ({
        Channel,
        AfterContactWorkConfig: { AfterContactWorkTimeLimit: c.afterContactWorkSeconds }
      }))
    if (autoAccept.length) settings.AutoAcceptConfigs = autoAccept
    if (acw.length) settings.AfterContactWorkConfigs = acw
    const voice = phone.voice
    if (voice) {
      settings.PhoneNumberConfigs = [
        {
          Channel: 'VOICE',
          PhoneType: voice.phoneType,
          ...(voice.phoneNumber ? { PhoneNumber: voice.phoneNumber } : {})
        }
      ]
      if (voice.persistentConnection !== undefined)
        settings.PersistentConnectionConfigs = [
          { Channel: 'VOICE', PersistentConnection: voice.persistentConnection }
        ]
      if (voice.voiceEnhancement)
        settings.VoiceEnhancementConfigs = [
          { Channel: 'VOICE', VoiceEnhancementMode: voice.voiceEnhancement }
        ]
    }
  }
  if (Object.keys(template.tags).length) settings.Tags = template.tags
  return settings
}

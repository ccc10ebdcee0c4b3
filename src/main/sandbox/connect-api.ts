/**
 * Amazon Connect's restJson1 operations as the Sandbox serves them: the routes (method + path with
 * URI labels), the request checks the service documents, and the response shapes of the model.
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { channels, connectRules, isNfc, phoneTypes, voiceEnhancementModes } from '../../shared/connect-rules'
import { invalidParameter, invalidRequest, notFound, ServiceError } from './errors'
import type { SeedUser } from './seed'
import type { InstanceState, Principal, SandboxState } from './state'

/** What an operation gets: who called, from which Region, and the parsed request. */
export interface ConnectCall {
  state: SandboxState
  principal: Principal
  region: string
  labels: Record<string, string>
  query: URLSearchParams
  body: unknown
}

/** A Connect operation: its name, route, whether it changes data, and its handler. */
export interface ConnectOperation {
  name: string
  method: string
  path: RegExp
  mutates: boolean
  run(call: ConnectCall): unknown
}

const boolean = z.boolean()
const channel = z.enum(channels)
const acwSeconds = z.number().int().min(0)
const e164 = z.string().regex(connectRules.e164)

/** CreateUserRequest's body members with their model types and constraints; unknown members are refused. */
const createUserBody = z
  .object({
    Username: z.string().min(1).max(connectRules.username.modelMax),
    Password: z.string().regex(connectRules.password).optional(),
    IdentityInfo: z
      .object({
        FirstName: z.string().max(connectRules.firstNameMax).optional(),
        LastName: z.string().max(connectRules.lastNameMax).optional(),
        Email: z.string().regex(connectRules.email).optional(),
        SecondaryEmail: z.string().regex(connectRules.email).optional(),
        Mobile: e164.optional()
      })
      .strict()
      .optional(),
    PhoneConfig: z
      .object({
        PhoneType: z.enum(phoneTypes).optional(),
        AutoAccept: boolean.optional(),
        AfterContactWorkTimeLimit: acwSeconds.optional(),
        DeskPhoneNumber: e164.optional(),
        PersistentConnection: boolean.optional()
      })
      .strict()
      .optional(),
    DirectoryUserId: z.string().optional(),
    SecurityProfileIds: z
      .array(z.string())
      .min(connectRules.securityProfiles.min)
      .max(connectRules.securityProfiles.max),
    RoutingProfileId: z.string(),
    HierarchyGroupId: z.string().optional(),
    AutoAcceptConfigs: z
      .array(
        z
          .object({ Channel: channel, AutoAccept: boolean, AgentFirstCallbackAutoAccept: boolean.optional() })
          .strict()
      )
      .optional(),
    AfterContactWorkConfigs: z
      .array(
        z
          .object({
            Channel: channel,
            AfterContactWorkConfig: z.object({ AfterContactWorkTimeLimit: acwSeconds.optional() }).strict(),
            AgentFirstCallbackAfterContactWorkConfig: z
              .object({ AfterContactWorkTimeLimit: acwSeconds.optional() })
              .strict()
              .optional()
          })
          .strict()
      )
      .optional(),
    PhoneNumberConfigs: z
      .array(
        z.object({ Channel: channel, PhoneType: z.enum(phoneTypes), PhoneNumber: e164.optional() }).strict()
      )
      .optional(),
    PersistentConnectionConfigs: z
      .array(z.object({ Channel: channel, PersistentConnection: boolean }).strict())
      .optional(),
    VoiceEnhancementConfigs: z
      .array(z.object({ Channel: channel, VoiceEnhancementMode: z.enum(voiceEnhancementModes) }).strict())
      .optional(),
    Tags: z
      .record(
        z.string().min(1).max(connectRules.tags.keyMax).regex(connectRules.tags.key),
        z.string().max(connectRules.tags.valueMax)
      )
      .optional()
  })
  .strict()
type CreateUserBody = z.infer<typeof createUserBody>

/** Turns a schema failure into the error the service sends: shape problems vs constraint problems. */
function toServiceError(error: z.ZodError): ServiceError {
  const issue = error.issues[0]
  if (!issue) return invalidParameter('Invalid request.')
  const at = issue.path.map(String).join('.') || 'body'
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? ` in ${at}` : ''
    return new ServiceError(400, 'SerializationException', `Unrecognized field "${issue.keys[0]}"${where}.`)
  }
  if (issue.code === 'invalid_type') {
    const missing = issue.input === undefined
    return missing
      ? invalidParameter(
          `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`
        )
      : new ServiceError(400, 'SerializationException', `Expected ${issue.expected} for '${at}'.`)
  }
  return invalidParameter(
    `1 validation error detected: Value at '${at}' failed to satisfy constraint: ${constraintText(issue)}`
  )
}

function constraintText(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'set'
        ? `Member must have length less than or equal to ${issue.maximum}`
        : issue.origin === 'number'
          ? `Member must have value less than or equal to ${issue.maximum}`
          : `Member must have length less than or equal to ${issue.maximum}`
    case 'too_small':
      return issue.origin === 'number'
        ? `Member must have value greater than or equal to ${issue.minimum}`
        : `Member must have length greater than or equal to ${issue.minimum}`
    case 'invalid_format':
      return `Member must satisfy regular expression pattern: ${'pattern' in issue ? issue.pattern : issue.format}`
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.join(', ')}]`
    default:
      return issue.message
  }
}

/** The rules that go beyond single members: identity type, exclusive pairs, per-channel limits. */
function checkCreateUserRules(body: CreateUserBody, instance: InstanceState): void {
  const identity = instance.identityManagementType
  const username = body.Username
  const maxLength = connectRules.username.maxByIdentityType[identity]
  if (username.length > maxLength) {
    throw invalidParameter(
      `The username must be at most ${maxLength} characters for ${identity} instances; "${username}" has ${username.length}.`
    )
  }
  if (identity === 'SAML') {
    const { samlCharset, samlEmailForm } = connectRules.username
    if (!samlCharset.test(username) || (username.includes('@') && !samlEmailForm.test(username))) {
      throw invalidParameter(
        `Username "${username}" is not valid for SAML: use letters, digits and _ - . @, with @ only in e-mail form (name@example.com).`
      )
    }
    if (body.DirectoryUserId !== undefined)
      throw invalidRequest('DirectoryUserId must not be set for SAML instances.')
  }
  if (identity === 'CONNECT_MANAGED') {
    if (body.Password === undefined)
      throw invalidRequest('Password is required for CONNECT_MANAGED instances.')
  } else if (body.Password !== undefined) {
    throw invalidRequest(
      `Password must not be set for ${identity} instances: the identity provider manages passwords.`
    )
  }
  if (identity !== 'EXISTING_DIRECTORY' || body.IdentityInfo) {
    const info = body.IdentityInfo ?? {}
    if (identity !== 'EXISTING_DIRECTORY' && (!info.FirstName || !info.LastName)) {
      throw invalidParameter(
        `IdentityInfo.FirstName and IdentityInfo.LastName are required for ${identity} instances.`
      )
    }
    if (identity === 'CONNECT_MANAGED' && !info.Email) {
      throw invalidParameter('IdentityInfo.Email is required for CONNECT_MANAGED instances.')
    }
    for (const field of ['FirstName', 'LastName'] as const) {
      const value = info[field]
      if (value !== undefined && !isNfc(value)) {
        throw invalidParameter(`IdentityInfo.${field} must be in Unicode NFC (composed characters).`)
      }
    }
  }
  const phone = body.PhoneConfig
  for (const [single, list] of connectRules.exclusivePairs) {
    if (
      phone?.[single as keyof typeof phone] !== undefined &&
      body[list as keyof CreateUserBody] !== undefined
    ) {
      throw invalidRequest(`PhoneConfig.${single} and ${list} cannot be set simultaneously.`)
    }
  }
  const lists = {
    AutoAcceptConfigs: body.AutoAcceptConfigs,
    AfterContactWorkConfigs: body.AfterContactWorkConfigs,
    PhoneNumberConfigs: body.PhoneNumberConfigs,
    PersistentConnectionConfigs: body.PersistentConnectionConfigs,
    VoiceEnhancementConfigs: body.VoiceEnhancementConfigs
  }
  for (const [name, list] of Object.entries(lists)) {
    const seen = new Set<string>()
    for (const item of list ?? []) {
      if (seen.has(item.Channel))
        throw invalidParameter(`${name} lists channel ${item.Channel} more than once.`)
      seen.add(item.Channel)
      if ((connectRules.voiceOnlyLists as readonly string[]).includes(name) && item.Channel !== 'VOICE') {
        throw invalidParameter(`${name} supports only the VOICE channel, not ${item.Channel}.`)
      }
    }
  }
  const acwValues = [
    phone?.AfterContactWorkTimeLimit,
    ...(body.AfterContactWorkConfigs ?? []).flatMap((c) => [
      c.AfterContactWorkConfig.AfterContactWorkTimeLimit,
      c.AgentFirstCallbackAfterContactWorkConfig?.AfterContactWorkTimeLimit
    ])
  ]
  if (acwValues.some((v) => v !== undefined && v > connectRules.afterContactWorkSeconds.max)) {
    throw invalidParameter(
      `AfterContactWorkTimeLimit must be between 0 and ${connectRules.afterContactWorkSeconds.max} seconds (0 means unlimited).`
    )
  }
  if (phone?.PhoneType === 'DESK_PHONE' && !phone.DeskPhoneNumber) {
    throw invalidParameter('PhoneConfig.DeskPhoneNumber is required when PhoneType is DESK_PHONE.')
  }
  for (const config of body.PhoneNumberConfigs ?? []) {
    if (config.PhoneType === 'DESK_PHONE' && !config.PhoneNumber) {
      throw invalidParameter('PhoneNumberConfigs: PhoneNumber is required when PhoneType is DESK_PHONE.')
    }
  }
  if (body.Tags && Object.keys(body.Tags).length > connectRules.tags.max) {
    throw invalidParameter(`A user can have at most ${connectRules.tags.max} tags.`)
  }
}

function checkReferences(body: CreateUserBody, instance: InstanceState): void {
  if (!instance.routingProfiles.has(body.RoutingProfileId)) {
    throw notFound(`Routing profile ${body.RoutingProfileId} not found in instance ${instance.id}.`)
  }
  for (const id of body.SecurityProfileIds) {
    if (!instance.securityProfiles.has(id))
      throw notFound(`Security profile ${id} not found in instance ${instance.id}.`)
  }
  if (body.HierarchyGroupId !== undefined && !instance.hierarchyGroups.has(body.HierarchyGroupId)) {
    throw notFound(`Hierarchy group ${body.HierarchyGroupId} not found in instance ${instance.id}.`)
  }
}

function findInstance(call: ConnectCall, instanceId: string | undefined): InstanceState {
  const instance = instanceId
    ? call.state.instance(call.principal.accountId, call.region, instanceId)
    : undefined
  if (!instance) throw notFound(`Instance ${instanceId ?? ''} not found.`)
  return instance
}

function label(call: ConnectCall, name: string): string {
  return call.labels[name] ?? ''
}

/** Reads and checks maxResults for a list operation. */
function maxResults(raw: string | null | undefined | number, max: number, fallback: number): number {
  if (raw === null || raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalidParameter(
      `1 validation error detected: Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`
    )
  }
  return value
}

/** One page of `items` after the opaque `token`, and the token for the next page. */
function page<T>(
  items: T[],
  size: number,
  token: string | null | undefined,
  kind: string
): { items: T[]; next?: string } {
  let offset = 0
  if (token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8').split(':')
    offset = Number(decoded[1])
    if (decoded[0] !== kind || !Number.isInteger(offset) || offset < 0)
      throw invalidParameter('The nextToken is not valid.')
  }
  const slice = items.slice(offset, offset + size)
  const end = offset + slice.length
  return end < items.length
    ? { items: slice, next: Buffer.from(`${kind}:${end}`).toString('base64url') }
    : { items: slice }
}

function summary(
  r: { id: string; name: string },
  arn: string,
  instance: InstanceState
): Record<string, unknown> {
  return {
    Id: r.id,
    Arn: arn,
    Name: r.name,
    LastModifiedTime: instance.createdTime,
    LastModifiedRegion: instance.region
  }
}

function describeUser(user: SeedUser, instance: InstanceState): Record<string, unknown> {
  const voicePhone = user.PhoneNumberConfigs?.find((c) => c['Channel'] === 'VOICE')
  const { LastModifiedTime, ...rest } = user
  return {
    ...rest,
    Arn: instance.arn(`/agent/${user.Id}`),
    PhoneConfig: user.PhoneConfig ?? {
      PhoneType: voicePhone?.['PhoneType'] ?? 'SOFT_PHONE',
      AutoAccept: false,
      AfterContactWorkTimeLimit: 0
    },
    LastModifiedTime,
    LastModifiedRegion: instance.region
  }
}

type Condition = {
  StringCondition?: { FieldName?: string; Value?: string; ComparisonType?: string }
  AndConditions?: Condition[]
  OrConditions?: Condition[]
  ListCondition?: unknown
  HierarchyGroupCondition?: unknown
}

function matches(user: SeedUser, condition: Condition): boolean {
  if (condition.ListCondition || condition.HierarchyGroupCondition) {
    throw invalidRequest(
      'The Sandbox supports StringCondition, AndConditions and OrConditions in SearchCriteria.'
    )
  }
  if (condition.AndConditions) return condition.AndConditions.every((c) => matches(user, c))
  if (condition.OrConditions) return condition.OrConditions.some((c) => matches(user, c))
  const string = condition.StringCondition
  if (!string) return true
  const field = string.FieldName ?? ''
  const actual =
    field === 'Username' || field === 'username'
      ? user.Username
      : field === 'FirstName' || field === 'firstName'
        ? user.IdentityInfo?.['FirstName']
        : field === 'LastName' || field === 'lastName'
          ? user.IdentityInfo?.['LastName']
          : field === 'resourceId'
            ? user.Id
            : undefined
  if (actual === undefined) {
    if (
      !['Username', 'username', 'FirstName', 'firstName', 'LastName', 'lastName', 'resourceId'].includes(
        field
      )
    ) {
      throw invalidParameter(`Unsupported FieldName "${field}" in StringCondition.`)
    }
    return false
  }
  const value = string.Value ?? ''
  switch (string.ComparisonType) {
    case 'EXACT':
      return actual === value
    case 'CONTAINS':
      return actual.toLowerCase().includes(value.toLowerCase())
    case 'STARTS_WITH':
      return actual.toLowerCase().startsWith(value.toLowerCase())
    default:
      throw invalidParameter(`ComparisonType must be one of EXACT, CONTAINS, STARTS_WITH.`)
  }
}

function op(
  name: string,
  method: string,
  path: string,
  run: ConnectOperation['run'],
  mutates = false
): ConnectOperation {
  const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`)
  return { name, method, path: pattern, mutates, run }
}

/** A paginated List* of one kind of named resource, as summaries (Id, Arn, Name, LastModified*). */
function resourceList(
  name: string,
  path: string,
  listKey: string,
  resources: (instance: InstanceState) => Map<string, { id: string; name: string }>,
  arnPart: string
): ConnectOperation {
  return op(name, 'GET', path, (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const size = maxResults(call.query.get('maxResults'), 1000, 100)
    const { items, next } = page([...resources(instance).values()], size, call.query.get('nextToken'), name)
    return {
      [listKey]: items.map((r) => summary(r, instance.arn(`${arnPart}${r.id}`), instance)),
      ...(next ? { NextToken: next } : {})
    }
  })
}

/** Every Connect operation the Sandbox serves. */
export const connectOperations: readonly ConnectOperation[] = [
  op(
    'CreateUser',
    'PUT',
    '/users/{InstanceId}',
    (call) => {
      const instance = findInstance(call, label(call, 'InstanceId'))
      const parsed = createUserBody.safeParse(call.body, { reportInput: true })
      if (!parsed.success) throw toServiceError(parsed.error)
      const body = parsed.data
      checkCreateUserRules(body, instance)
      checkReferences(body, instance)
      if (instance.userIdByName(body.Username) !== undefined) {
        throw new ServiceError(
          409,
          'DuplicateResourceException',
          `User with username ${body.Username} already exists.`
        )
      }
      if (instance.users.size >= instance.usersQuota) {
        throw new ServiceError(
          429,
          'LimitExceededException',
          `The users per instance quota (${instance.usersQuota}) has been reached for instance ${instance.id}.`
        )
      }
      const { Password: _password, ...stored } = body
      const user = instance.addUser({ ...stored, Id: randomUUID() })
      call.state.changed()
      return { UserId: user.Id, UserArn: instance.arn(`/agent/${user.Id}`) }
    },
    true
  ),
  op('DescribeUser', 'GET', '/users/{InstanceId}/{UserId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const user = instance.users.get(label(call, 'UserId'))
    if (!user) throw notFound(`User ${label(call, 'UserId')} not found.`)
    return { User: describeUser(user, instance) }
  }),
  op(
    'DeleteUser',
    'DELETE',
    '/users/{InstanceId}/{UserId}',
    (call) => {
      const instance = findInstance(call, label(call, 'InstanceId'))
      if (!instance.deleteUser(label(call, 'UserId')))
        throw notFound(`User ${label(call, 'UserId')} not found.`)
      call.state.changed()
      return {}
    },
    true
  ),
  op('ListUsers', 'GET', '/users-summary/{InstanceId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const size = maxResults(call.query.get('maxResults'), 1000, 100)
    const { items, next } = page([...instance.users.values()], size, call.query.get('nextToken'), 'users')
    return {
      UserSummaryList: items.map((u) => ({
        Id: u.Id,
        Arn: instance.arn(`/agent/${u.Id}`),
        Username: u.Username,
        LastModifiedTime: u.LastModifiedTime,
        LastModifiedRegion: instance.region
      })),
      ...(next ? { NextToken: next } : {})
    }
  }),
  op('SearchUsers', 'POST', '/search-users', (call) => {
    const body = (call.body ?? {}) as {
      InstanceId?: string
      MaxResults?: number
      NextToken?: string
      SearchCriteria?: Condition
    }
    if (!body.InstanceId) {
      throw invalidParameter(
        "1 validation error detected: Value null at 'InstanceId' failed to satisfy constraint: Member must not be null"
      )
    }
    const instance = findInstance(call, body.InstanceId)
    const size = maxResults(body.MaxResults, 500, 100)
    const criteria = body.SearchCriteria
    const found = [...instance.users.values()].filter((u) => !criteria || matches(u, criteria))
    const { items, next } = page(found, size, body.NextToken, 'search')
    return {
      Users: items.map((u) => {
        const described = describeUser(u, instance)
        const info = u.IdentityInfo ?? {}
        const lite = { FirstName: info['FirstName'], LastName: info['LastName'] }
        const { LastModifiedTime: _t, LastModifiedRegion: _r, ...rest } = described
        return { ...rest, IdentityInfo: lite }
      }),
      ApproximateTotalCount: found.length,
      ...(next ? { NextToken: next } : {})
    }
  }),
  op('ListInstances', 'GET', '/instance', (call) => {
    const size = maxResults(call.query.get('maxResults'), 10, 10)
    const all = call.state.instancesOf(call.principal.accountId, call.region)
    const { items, next } = page(all, size, call.query.get('nextToken'), 'instances')
    return { InstanceSummaryList: items.map(instanceSummary), ...(next ? { NextToken: next } : {}) }
  }),
  op('DescribeInstance', 'GET', '/instance/{InstanceId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    return { Instance: instanceSummary(instance) }
  }),
  resourceList(
    'ListRoutingProfiles',
    '/routing-profiles-summary/{InstanceId}',
    'RoutingProfileSummaryList',
    (i) => i.routingProfiles,
    '/routing-profile/'
  ),
  resourceList(
    'ListSecurityProfiles',
    '/security-profiles-summary/{InstanceId}',
    'SecurityProfileSummaryList',
    (i) => i.securityProfiles,
    '/security-profile/'
  ),
  resourceList(
    'ListUserHierarchyGroups',
    '/user-hierarchy-groups-summary/{InstanceId}',
    'UserHierarchyGroupSummaryList',
    (i) => i.hierarchyGroups,
    '/agent-group/'
  ),
  op('SearchUserHierarchyGroups', 'POST', '/search-user-hierarchy-groups', (call) => {
    const body = (call.body ?? {}) as {
      InstanceId?: string
      MaxResults?: number
      NextToken?: string
      SearchCriteria?: unknown
    }
    if (!body.InstanceId) {
      throw invalidParameter(
        "1 validation error detected: Value null at 'InstanceId' failed to satisfy constraint: Member must not be null"
      )
    }
    if (body.SearchCriteria !== undefined)
      throw invalidRequest('The Sandbox supports SearchUserHierarchyGroups without SearchCriteria.')
    const instance = findInstance(call, body.InstanceId)
    const size = maxResults(body.MaxResults, 100, 100)
    const all = [...instance.hierarchyGroups.values()]
    const { items, next } = page(all, size, body.NextToken, 'hgsearch')
    const levelKeys = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive']
    const summaryOf = (id: string): Record<string, unknown> | undefined => {
      const group = instance.hierarchyGroups.get(id)
      return group && summary(group, instance.arn(`/agent-group/${group.id}`), instance)
    }
    return {
      UserHierarchyGroups: items.map((group) => {
        const chain: string[] = []
        for (
          let at: string | undefined = group.id;
          at && chain.length < 5;
          at = instance.hierarchyGroups.get(at)?.parentId
        )
          chain.unshift(at)
        return {
          ...summaryOf(group.id),
          LevelId: `level-${group.level}`,
          HierarchyPath: Object.fromEntries(chain.map((id, i) => [levelKeys[i], summaryOf(id)]))
        }
      }),
      ApproximateTotalCount: all.length,
      ...(next ? { NextToken: next } : {})
    }
  }),
  op('DescribeUserHierarchyStructure', 'GET', '/user-hierarchy-structure/{InstanceId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const keys = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive']
    const structure = Object.fromEntries(
      instance.hierarchyLevels.map((name, i) => [
        keys[i],
        {
          Id: `level-${i + 1}`,
          Arn: instance.arn(`/agent-group-level/${i + 1}`),
          Name: name,
          LastModifiedTime: instance.createdTime,
          LastModifiedRegion: instance.region
        }
      ])
    )
    return { HierarchyStructure: structure }
  }),
  op('DescribeRoutingProfile', 'GET', '/routing-profiles/{InstanceId}/{RoutingProfileId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const profile = instance.routingProfiles.get(label(call, 'RoutingProfileId'))
    if (!profile) throw notFound(`Routing profile ${label(call, 'RoutingProfileId')} not found.`)
    const users = [...instance.users.values()].filter((u) => u.RoutingProfileId === profile.id).length
    return {
      RoutingProfile: {
        InstanceId: instance.id,
        Name: profile.name,
        RoutingProfileArn: instance.arn(`/routing-profile/${profile.id}`),
        RoutingProfileId: profile.id,
        Description: profile.description ?? profile.name,
        MediaConcurrencies: [{ Channel: 'VOICE', Concurrency: 1 }],
        DefaultOutboundQueueId: `queue-${profile.id}`,
        NumberOfAssociatedQueues: 1,
        NumberOfAssociatedUsers: users,
        IsDefault: profile.name === 'Basic Routing Profile',
        LastModifiedTime: instance.createdTime,
        LastModifiedRegion: instance.region
      }
    }
  }),
  op('DescribeSecurityProfile', 'GET', '/security-profiles/{InstanceId}/{SecurityProfileId}', (call) => {
    const instance = findInstance(call, label(call, 'InstanceId'))
    const profile = instance.securityProfiles.get(label(call, 'SecurityProfileId'))
    if (!profile) throw notFound(`Security profile ${label(call, 'SecurityProfileId')} not found.`)
    return {
      SecurityProfile: {
        Id: profile.id,
        OrganizationResourceId: instance.id,
        Arn: instance.arn(`/security-profile/${profile.id}`),
        SecurityProfileName: profile.name,
        Description: profile.description ?? profile.name,
        LastModifiedTime: instance.createdTime,
        LastModifiedRegion: instance.region
      }
    }
  })
]

function instanceSummary(instance: InstanceState): Record<string, unknown> {
  return {
    Id: instance.id,
    Arn: instance.arn(),
    IdentityManagementType: instance.identityManagementType,
    InstanceAlias: instance.alias,
    CreatedTime: instance.createdTime,
    ServiceRole: `arn:aws:iam::${instance.accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
    InstanceStatus: 'ACTIVE',
    InboundCallsEnabled: true,
    OutboundCallsEnabled: true,
    InstanceAccessUrl: `https://${instance.alias}.my.connect.aws`
  }
}

/** The operation for a method and path, with its URI labels decoded. */
export function routeConnect(
  method: string,
  path: string
): { operation: ConnectOperation; labels: Record<string, string> } | undefined {
  for (const operation of connectOperations) {
    if (operation.method !== method) continue
    const match = operation.path.exec(path)
    if (match) {
      const labels = Object.fromEntries(
        Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])
      )
      return { operation, labels }
    }
  }
  return undefined
}

/**
 * The Amazon Connect (and STS) operations the app uses, each one paced, retried and explained by the
 * client factory. Nothing is cached here (see AccountDirectory) and nothing here knows which kind of
 * account it talks to.
 */
import type {
  CreateUserCommandInput,
  InstanceSummary as SdkInstanceSummary,
  User
} from '@aws-sdk/client-connect'
import type {
  CallerIdentity,
  InstanceContext,
  InstanceSummary,
  ProfileRegion
} from '../../../shared/accounts'
import type { IdentityType } from '../../../shared/connect-rules'
import type { CreateUserRequest } from '../../../shared/create-user'
import { AppError } from '../../../shared/result'
import type { InstanceLookups } from '../../../shared/template-resolve'
import type { ClientFactory, Clients, Target } from './client-factory'
import { createUserOnce, OutcomeUnknownError, type CreatedUser, type FoundUser } from './create-user-once'
import type { RetryDeps } from './retry'

const hierarchyLevels = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive'] as const

/** Collects every page of a NextToken-paginated call. */
async function allPages<T>(
  page: (token: string | undefined) => Promise<{ items: T[]; next?: string }>
): Promise<T[]> {
  const items: T[] = []
  let token: string | undefined
  do {
    const result = await page(token)
    items.push(...result.items)
    token = result.next
  } while (token)
  return items
}

export class ConnectGateway {
  constructor(private readonly factory: ClientFactory) {}

  /** The profile and Region a call goes to (the profile's Region when none is given). */
  target(context: ProfileRegion): Target {
    return this.factory.target(context)
  }

  /** STS GetCallerIdentity: which account and principal the profile's credentials belong to. */
  async callerIdentity(context: ProfileRegion): Promise<CallerIdentity> {
    const target = this.target(context)
    const identity = await this.factory.send(target, ({ sts, sdk }) =>
      sts.send(new sdk.GetCallerIdentityCommand({}))
    )
    return {
      accountId: identity.Account ?? '',
      arn: identity.Arn ?? '',
      userId: identity.UserId ?? '',
      region: target.region
    }
  }

  /** Every Connect instance of the account in the Region (ListInstances, 10 per page), by alias. */
  async listInstances(context: ProfileRegion): Promise<InstanceSummary[]> {
    const target = this.target(context)
    const instances = await allPages(async (NextToken) => {
      const page = await this.factory.send(target, ({ connect, sdk }) =>
        connect.send(new sdk.ListInstancesCommand({ MaxResults: 10, ...(NextToken ? { NextToken } : {}) }))
      )
      return {
        items: (page.InstanceSummaryList ?? []).map(toInstance),
        ...(page.NextToken ? { next: page.NextToken } : {})
      }
    })
    return instances.sort((a, b) => a.alias.localeCompare(b.alias))
  }

  /** DescribeInstance. */
  async describeInstance(context: InstanceContext): Promise<InstanceSummary> {
    const result = await this.factory.send(context, ({ connect, sdk }) =>
      connect.send(new sdk.DescribeInstanceCommand({ InstanceId: context.instanceId }))
    )
    if (!result.Instance)
      throw new AppError('AWS', `DescribeInstance returned no instance for ${context.instanceId}.`)
    return toInstance(result.Instance)
  }

  /** Routing profiles, security profiles, hierarchy groups (with their paths) and level names of an instance. */
  async instanceLookups(
    context: InstanceContext
  ): Promise<Omit<InstanceLookups, 'accountId' | 'alias' | 'fetchedAt'>> {
    const InstanceId = context.instanceId
    const send = <T>(call: (clients: Clients) => Promise<T>): Promise<T> => this.factory.send(context, call)
    const routingProfiles = await allPages(async (NextToken) => {
      const page = await send(({ connect, sdk }) =>
        connect.send(new sdk.ListRoutingProfilesCommand({ InstanceId, MaxResults: 1000, NextToken }))
      )
      return {
        items: (page.RoutingProfileSummaryList ?? []).map((r) => ({ id: r.Id ?? '', name: r.Name ?? '' })),
        ...(page.NextToken ? { next: page.NextToken } : {})
      }
    })
    const securityProfiles = await allPages(async (NextToken) => {
      const page = await send(({ connect, sdk }) =>
        connect.send(new sdk.ListSecurityProfilesCommand({ InstanceId, MaxResults: 1000, NextToken }))
      )
      return {
        items: (page.SecurityProfileSummaryList ?? []).map((s) => ({ id: s.Id ?? '', name: s.Name ?? '' })),
        ...(page.NextToken ? { next: page.NextToken } : {})
      }
    })
    const hierarchyGroups = await allPages(async (NextToken) => {
      const page = await send(({ connect, sdk }) =>
        connect.send(new sdk.SearchUserHierarchyGroupsCommand({ InstanceId, MaxResults: 100, NextToken }))
      )
      return {
        items: (page.UserHierarchyGroups ?? []).map((g) => {
          const path = hierarchyLevels
            .map((level) => g.HierarchyPath?.[level]?.Name)
            .filter((n): n is string => Boolean(n))
          return { id: g.Id ?? '', name: g.Name ?? '', path: path.length ? path : [g.Name ?? ''] }
        }),
        ...(page.NextToken ? { next: page.NextToken } : {})
      }
    })
    const structure = await send(({ connect, sdk }) =>
      connect.send(new sdk.DescribeUserHierarchyStructureCommand({ InstanceId }))
    )
    return {
      instanceId: InstanceId,
      region: context.region,
      routingProfiles,
      securityProfiles,
      hierarchyGroups,
      hierarchyLevels: hierarchyLevels
        .map((level) => structure.HierarchyStructure?.[level]?.Name)
        .filter((n): n is string => Boolean(n))
    }
  }

  /** Users whose username contains `query` (SearchUsers), at most 50. */
  async searchUsers(
    context: InstanceContext,
    query: string
  ): Promise<Array<{ id: string; username: string; name: string }>> {
    const page = await this.factory.send(context, ({ connect, sdk }) =>
      connect.send(
        new sdk.SearchUsersCommand({
          InstanceId: context.instanceId,
          MaxResults: 50,
          SearchCriteria: {
            StringCondition: { FieldName: 'Username', ComparisonType: 'CONTAINS', Value: query }
          }
        })
      )
    )
    return (page.Users ?? []).map((u) => ({
      id: u.Id ?? '',
      username: u.Username ?? '',
      name: [u.IdentityInfo?.FirstName, u.IdentityInfo?.LastName].filter(Boolean).join(' ')
    }))
  }

  /** The user with exactly this username, if any (SearchUsers EXACT). */
  async findUser(context: InstanceContext, username: string): Promise<FoundUser | undefined> {
    const found = await this.factory.send(context, ({ connect, sdk }) =>
      connect.send(
        new sdk.SearchUsersCommand({
          InstanceId: context.instanceId,
          SearchCriteria: {
            StringCondition: { FieldName: 'Username', ComparisonType: 'EXACT', Value: username }
          }
        })
      )
    )
    const user = found.Users?.find((u) => u.Username === username)
    if (!user) return undefined
    const { RoutingProfileId, SecurityProfileIds, HierarchyGroupId, IdentityInfo } = user
    return {
      id: user.Id ?? '',
      arn: user.Arn ?? '',
      ...(RoutingProfileId ? { routingProfileId: RoutingProfileId } : {}),
      ...(SecurityProfileIds ? { securityProfileIds: SecurityProfileIds } : {}),
      ...(HierarchyGroupId ? { hierarchyGroupId: HierarchyGroupId } : {}),
      ...(IdentityInfo?.FirstName ? { firstName: IdentityInfo.FirstName } : {}),
      ...(IdentityInfo?.LastName ? { lastName: IdentityInfo.LastName } : {})
    }
  }

  /**
   * Every user of the instance (ListUsers, 1,000 per page, every page), by lowercased username: one
   * call per thousand users, so a bulk plan knows who exists without a SearchUsers per row.
   */
  async listUsers(context: InstanceContext): Promise<Map<string, string>> {
    const InstanceId = context.instanceId
    const users = await allPages(async (NextToken) => {
      const page = await this.factory.send(context, ({ connect, sdk }) =>
        connect.send(new sdk.ListUsersCommand({ InstanceId, MaxResults: 1000, NextToken }))
      )
      return {
        items: page.UserSummaryList ?? [],
        ...(page.NextToken ? { next: page.NextToken } : {})
      }
    })
    const byName = new Map<string, string>()
    for (const user of users) if (user.Username && user.Id) byName.set(user.Username.toLowerCase(), user.Id)
    return byName
  }

  /**
   * DeleteUser, paced and retried like every read (deleting one user ID twice is harmless). A user that
   * is not there (deleted meanwhile, or by an earlier attempt whose answer was lost) is `gone`.
   */
  async deleteUser(context: InstanceContext, userId: string): Promise<'deleted' | 'gone'> {
    try {
      await this.factory.send(context, ({ connect, sdk }) =>
        connect.send(new sdk.DeleteUserCommand({ InstanceId: context.instanceId, UserId: userId }))
      )
      return 'deleted'
    } catch (error) {
      if (
        error instanceof AppError &&
        error.is('AWS') &&
        error.details?.awsCode === 'ResourceNotFoundException'
      )
        return 'gone'
      throw error
    }
  }

  /**
   * CreateUser, sent so that nobody is created twice (see createUserOnce): one call when all goes well,
   * a SearchUsers only when an answer was lost. `onRetry` hears of each retry before its wait.
   */
  async createUser(
    context: InstanceContext,
    request: CreateUserRequest,
    onRetry?: RetryDeps['onRetry']
  ): Promise<CreatedUser> {
    const input: CreateUserCommandInput = { ...request, InstanceId: context.instanceId }
    const retrying = this.factory.retrying()
    const { policy } = retrying
    const deps: RetryDeps = onRetry ? { ...retrying.deps, onRetry } : retrying.deps
    try {
      return await createUserOnce(
        policy,
        request,
        {
          create: () =>
            this.factory.sendOnce(context, ({ connect, sdk }) =>
              connect.send(new sdk.CreateUserCommand(input))
            ),
          find: () => this.findUser(context, request.Username)
        },
        deps
      )
    } catch (error) {
      if (error instanceof OutcomeUnknownError) {
        const why = await this.factory.explain(error.lookupError, context)
        throw new AppError(
          'OUTCOME_UNKNOWN',
          `Outcome unknown — the user "${request.Username}" may exist. ${error.message} (${why.message}) Look the user up before trying again: a new attempt is refused as a duplicate if it was created.`,
          { username: request.Username }
        )
      }
      throw await this.factory.explain(error, context)
    }
  }

  /** DescribeUser. */
  async describeUser(context: InstanceContext, userId: string): Promise<User> {
    const result = await this.factory.send(context, ({ connect, sdk }) =>
      connect.send(new sdk.DescribeUserCommand({ InstanceId: context.instanceId, UserId: userId }))
    )
    if (!result.User) throw new AppError('NOT_FOUND', `User ${userId} was not found.`)
    return result.User
  }
}

function toInstance(instance: SdkInstanceSummary): InstanceSummary {
  return {
    id: instance.Id ?? '',
    arn: instance.Arn ?? '',
    alias: instance.InstanceAlias ?? instance.Id ?? '',
    identityType: (instance.IdentityManagementType ?? 'CONNECT_MANAGED') as IdentityType,
    status: instance.InstanceStatus ?? 'UNKNOWN',
    ...(instance.CreatedTime ? { createdTime: instance.CreatedTime.toISOString() } : {}),
    ...(instance.InstanceAccessUrl ? { accessUrl: instance.InstanceAccessUrl } : {})
  }
}

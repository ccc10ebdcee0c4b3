/**
 * CreateUser that never creates anyone twice and never reports a created user as failed, as a pure
 * loop: the clock, the randomness and the calls it makes are injected, so every ambiguous path is
 * unit-tested without a network.
 */
import {
  backoffMs,
  isLostAnswer,
  isServerError,
  retryReason,
  type RetryDeps,
  type RetryPolicy
} from './retry'

/** A user CreateUser made (or that our own earlier, ambiguous attempt had made). */
export interface CreatedUser {
  userId: string
  userArn: string
  attempts: number
  /** True when an answer was lost (timeout, reset, 500) and the user was found afterwards and is ours. */
  recoveredAfterAmbiguity: boolean
}

/** A user found by username, with what tells whether our request made it. */
export interface FoundUser {
  id: string
  arn: string
  routingProfileId?: string
  securityProfileIds?: string[]
  hierarchyGroupId?: string
  firstName?: string
  lastName?: string
}

/** What our request asked for, to recognise the user it made. */
export interface RequestedUser {
  RoutingProfileId: string
  SecurityProfileIds: string[]
  HierarchyGroupId?: string
  IdentityInfo?: { FirstName?: string; LastName?: string }
}

/** The calls the loop makes; each is one paced attempt (the lookup retries throttling itself). */
export interface CreateUserCalls {
  /** One CreateUser attempt. */
  create(): Promise<{ UserId?: string; UserArn?: string }>
  /** The user with the requested username, if it exists; throws when the lookup itself fails. */
  find(): Promise<FoundUser | undefined>
}

/** Thrown when an attempt may have created the user and no lookup could say whether it did. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError'
  constructor(
    message: string,
    /** Why the last lookup failed. */
    readonly lookupError: unknown
  ) {
    super(message)
  }
}

/** True when `found` is what `request` describes: same routing and security profiles, group and names. */
export function isRequestedUser(found: FoundUser, request: RequestedUser): boolean {
  const same = (a: readonly string[] = [], b: readonly string[] = []): boolean =>
    a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i])
  return (
    found.routingProfileId === request.RoutingProfileId &&
    same(found.securityProfileIds, request.SecurityProfileIds) &&
    (found.hierarchyGroupId ?? '') === (request.HierarchyGroupId ?? '') &&
    (found.firstName ?? '') === (request.IdentityInfo?.FirstName ?? '') &&
    (found.lastName ?? '') === (request.IdentityInfo?.LastName ?? '')
  )
}

/**
 * Sends CreateUser until its outcome is known:
 * - throttling and server errors are retried with backoff; the users quota and client errors are not;
 * - after a lost answer the username is looked up before any retry: our user found means created;
 * - a DuplicateResourceException after an attempt that may have reached AWS (lost answer or 5xx) is
 *   resolved by looking the user up and comparing it with the request: ours is created, another's is
 *   the duplicate it says;
 * - lookups that fail are retried patiently within the quota; if none succeeds, OutcomeUnknownError.
 */
export async function createUserOnce(
  policy: RetryPolicy,
  request: RequestedUser,
  calls: CreateUserCalls,
  deps: RetryDeps
): Promise<CreatedUser> {
  let mayHaveCommitted = false

  /** Looks our user up until a lookup answers; undefined means it does not exist. */
  const lookUp = async (): Promise<FoundUser | undefined> => {
    let lastError: unknown
    for (let n = 1; n <= policy.attempts; n++) {
      try {
        return await calls.find()
      } catch (error) {
        lastError = error
        if (n < policy.attempts) await deps.sleep(backoffMs(policy, n, deps.random))
      }
    }
    throw new OutcomeUnknownError(
      'The user may have been created: AWS did not answer and the check that followed failed too.',
      lastError
    )
  }

  for (let attempt = 1; ; attempt++) {
    try {
      const out = await calls.create()
      return {
        userId: out.UserId ?? '',
        userArn: out.UserArn ?? '',
        attempts: attempt,
        recoveredAfterAmbiguity: false
      }
    } catch (error) {
      const duplicate = (error as Error).name === 'DuplicateResourceException'
      if (isLostAnswer(error) || (duplicate && mayHaveCommitted)) {
        mayHaveCommitted = true
        const found = await lookUp()
        if (found && isRequestedUser(found, request))
          return { userId: found.id, userArn: found.arn, attempts: attempt, recoveredAfterAmbiguity: true }
        if (found) throw duplicate ? error : duplicateOf(error)
        if (duplicate) {
          // AWS says the name is taken, yet the lookup cannot see the user (its index lags): whose is it?
          throw new OutcomeUnknownError(
            'The user may have been created: AWS says the username is taken, but the user cannot be looked up yet.',
            error
          )
        }
      } else if (isServerError(error)) {
        mayHaveCommitted = true
      }
      const reason = retryReason(error)
      if (!reason || attempt >= policy.attempts) {
        if (!mayHaveCommitted || !reason) throw error
        // The last attempt failed, but an earlier one may have created the user: find out which.
        const found = await lookUp()
        if (found && isRequestedUser(found, request))
          return { userId: found.id, userArn: found.arn, attempts: attempt, recoveredAfterAmbiguity: true }
        throw error
      }
      const delayMs = backoffMs(policy, attempt, deps.random)
      deps.onRetry?.({ attempt: attempt + 1, attempts: policy.attempts, reason, delayMs })
      await deps.sleep(delayMs)
    }
  }
}

/** After a lost answer, the username turned out to be taken by someone else's user. */
function duplicateOf(cause: unknown): Error {
  return Object.assign(
    new Error('A user with this username already exists (not one this request created).'),
    {
      name: 'DuplicateResourceException',
      $fault: 'client',
      $metadata: { httpStatusCode: 409 },
      cause
    }
  )
}

/**
 * CreateUser that never creates anyone twice, as a pure loop: the clock, the randomness and the two
 * calls it makes are injected, so every ambiguous path is unit-tested without a network.
 */
import { backoffMs, isLostAnswer, retryReason, type RetryDeps, type RetryPolicy } from './retry'

/** A user CreateUser made (or that our own earlier, ambiguous attempt had made). */
export interface CreatedUser {
  userId: string
  userArn: string
  attempts: number
  /** True when the answer was lost (timeout, reset) and the user was found afterwards by username. */
  recoveredAfterAmbiguity: boolean
}

/** The two calls the loop makes; each is one paced attempt. */
export interface CreateUserCalls {
  /** One CreateUser attempt. */
  create(): Promise<{ UserId?: string; UserArn?: string }>
  /** The user with the requested username, if it exists (SearchUsers EXACT, with read retries). */
  find(): Promise<{ id: string; arn: string } | undefined>
}

/**
 * Sends CreateUser until it is answered. Throttling and server errors are retried with backoff; the
 * users quota and client errors are not. When an attempt's answer is lost, the username is looked up
 * before any retry, and a DuplicateResourceException after such an attempt means our own user exists.
 */
export async function createUserOnce(
  policy: RetryPolicy,
  calls: CreateUserCalls,
  deps: RetryDeps
): Promise<CreatedUser> {
  let ambiguous = false
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
      const duplicateOfOurs = (error as Error).name === 'DuplicateResourceException' && ambiguous
      const lost = isLostAnswer(error)
      if (lost || duplicateOfOurs) {
        ambiguous = true
        const found = await calls.find()
        if (found)
          return { userId: found.id, userArn: found.arn, attempts: attempt, recoveredAfterAmbiguity: true }
        if (duplicateOfOurs) throw error
      }
      const reason = retryReason(error)
      if (!reason || attempt >= policy.attempts) throw error
      const delayMs = backoffMs(policy, attempt, deps.random)
      deps.onRetry?.({ attempt: attempt + 1, attempts: policy.attempts, reason, delayMs })
      await deps.sleep(delayMs)
    }
  }
}

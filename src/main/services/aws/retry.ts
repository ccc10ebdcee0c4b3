/**
 * The one retry policy for every AWS call: throttling, server errors and lost answers are retried with
 * exponential backoff and jitter, enough times to outlast a few neighbours sharing the account's quota;
 * the users quota (LimitExceededException) and every client error are not.
 */

/** How calls retry: attempts in all, and the backoff's base and ceiling. */
export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/** About 40 s of patience in all: a neighbour's burst drains long before it runs out. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 10_000 }

/** What a retry loop needs from the world; tests pass a fake clock and a fixed random. */
export interface RetryDeps {
  sleep(ms: number): Promise<void>
  random(): number
  /** Told before each wait, e.g. to show "Throttled, retrying (3 of 8)…". */
  onRetry?(retry: { attempt: number; attempts: number; reason: string; delayMs: number }): void
}

interface AwsLikeError {
  name?: string
  code?: string
  message?: string
  $fault?: string
  $metadata?: { httpStatusCode?: number }
}

const lostAnswerCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
  'ECONNABORTED'
])

/** True when the request may have reached AWS but no answer came back (reset, timeout). */
export function isLostAnswer(error: unknown): boolean {
  const e = error as AwsLikeError
  return (
    !e.$metadata?.httpStatusCode &&
    (lostAnswerCodes.has(e.code ?? '') ||
      lostAnswerCodes.has(e.name ?? '') ||
      /socket hang up/i.test(e.message ?? ''))
  )
}

/** True for AWS throttling (Connect's ThrottlingException, STS's Throttling, any 429 but the users quota). */
export function isThrottling(error: unknown): boolean {
  const e = error as AwsLikeError
  if (e.name === 'LimitExceededException') return false
  return (
    e.name === 'ThrottlingException' ||
    e.name === 'Throttling' ||
    e.name === 'TooManyRequestsException' ||
    e.$metadata?.httpStatusCode === 429
  )
}

/** True for a server-side failure (5xx). */
export function isServerError(error: unknown): boolean {
  const e = error as AwsLikeError
  return e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500
}

/** Why an error is worth another attempt, in words; undefined when it is not. */
export function retryReason(error: unknown): string | undefined {
  if (isThrottling(error)) return 'Throttled'
  if (isServerError(error)) return 'AWS had a server error'
  if (isLostAnswer(error)) return 'The answer was lost'
  return undefined
}

/** The wait before attempt `attempt + 1`: exponential with "equal jitter" (at least half the ceiling). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return ceiling / 2 + (random() * ceiling) / 2
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the attempts run out (then the last error is
 * thrown). Only for calls that are safe to repeat: reads. CreateUser has its own loop.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  deps: RetryDeps,
  attempt: () => Promise<T>
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (error) {
      const reason = retryReason(error)
      if (!reason || n >= policy.attempts) throw error
      const delayMs = backoffMs(policy, n, deps.random)
      deps.onRetry?.({ attempt: n + 1, attempts: policy.attempts, reason, delayMs })
      await deps.sleep(delayMs)
    }
  }
}

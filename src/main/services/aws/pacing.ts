/**
 * Client-side pacing for Amazon Connect's API quota. Connect throttles each account and Region with one
 * token bucket shared by every operation (2 requests/second, bursts of 5, by default); the app keeps the
 * same bucket on its side, so it waits its turn instead of being throttled and burning retries.
 */
import type { ConnectClient, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-connect'
import type { FinalizeHandler, FinalizeHandlerArguments } from '@smithy/types'
import { connectRules } from '../../shared/connect-rules'

/** A request rate: steady requests per second, and how many may go at once. */
export interface Pace {
  perSecond: number
  burst: number
}

/**
 * Connect's documented default API quota per account and Region (2/s, bursts of 5), with a burst one
 * short: the spare token absorbs network jitter, so requests sent in step never arrive too close.
 */
export const connectDefaultPace: Pace = {
  perSecond: connectRules.apiRate.perSecond,
  burst: connectRules.apiRate.burst - 1
}

/** A token bucket that hands out turns in call order; a turn taken while it is empty is a wait. */
export class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    private readonly pace: Pace,
    private readonly now: () => number = () => performance.now()
  ) {
    this.tokens = pace.burst
    this.at = now()
  }

  /** Resolves when the caller may send: at once while tokens remain, else when its token has refilled. */
  take(): Promise<void> {
    const now = this.now()
    this.tokens = Math.min(this.pace.burst, this.tokens + ((now - this.at) / 1000) * this.pace.perSecond)
    this.at = now
    // Tokens below zero are turns already promised to earlier callers; this caller waits behind them.
    this.tokens -= 1
    if (this.tokens >= 0) return Promise.resolve()
    const waitMs = (-this.tokens / this.pace.perSecond) * 1000
    return new Promise((resolve) => setTimeout(resolve, waitMs))
  }
}

/**
 * Makes every attempt `client` sends (retries included) take a turn from `bucket` first. It sits inside
 * the SDK's retry loop and before signing, so a request that waited is signed when it leaves.
 */
export function paceClient(client: ConnectClient, bucket: TokenBucket): void {
  client.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<ServiceInputTypes, ServiceOutputTypes>) =>
      async (args: FinalizeHandlerArguments<ServiceInputTypes>) => {
        await bucket.take()
        return next(args)
      },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'connectPacer', override: true }
  )
}

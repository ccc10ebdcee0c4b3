/**
 * Connect's API throttling: one token bucket per account and Region, shared by every operation
 * (AWS's default: 2 requests/second steady, bursts of 5).
 */
export interface ThrottleConfig {
  /** Tokens added per second; 0 turns throttling off. */
  rate: number
  /** Bucket size: how many requests may arrive at once. */
  burst: number
}

export class Throttle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    readonly config: ThrottleConfig,
    private readonly now: () => number = () => performance.now()
  ) {}

  /** Takes a token from `key`'s bucket; false means the request is throttled. */
  take(key: string): boolean {
    if (this.config.rate <= 0) return true
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.config.burst, at: now }
    bucket.tokens = Math.min(this.config.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.config.rate)
    bucket.at = now
    this.buckets.set(key, bucket)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}

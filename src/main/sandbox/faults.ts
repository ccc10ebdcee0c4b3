/**
 * Fault injection for tests and benchmarks: random faults at configured rates, and scripted faults
 * ("the next CreateUser commits, then the connection drops") for exact tests.
 */

/** What can go wrong with one request. */
export type FaultKind =
  /** 500 InternalServiceException, nothing done. */
  | 'fail'
  /** The connection is reset before the request is processed. */
  | 'drop'
  /** The request is processed (a user is created), then the connection is reset before the answer. */
  | 'commit-then-drop'
  /** 429 ThrottlingException, as if the account's token bucket were empty (scripted only). */
  | 'throttle'

export interface FaultConfig {
  /** Fraction (0–1) of requests answered 500. */
  failRate?: number
  /** Fraction of requests whose connection is reset before processing. */
  dropRate?: number
  /** Fraction of mutating requests processed and then reset before the answer. */
  commitThenDropRate?: number
  /** Added latency per request, in milliseconds. */
  latencyMs?: number
}

export class FaultInjector {
  private readonly scripted: Array<{ kind: FaultKind; operation?: string }> = []

  constructor(
    public config: FaultConfig = {},
    private readonly random: () => number = Math.random
  ) {}

  /** Makes the next request (of `operation`, if given) suffer `kind`. Scripted faults apply in order. */
  next(kind: FaultKind, operation?: string): void {
    this.scripted.push(operation === undefined ? { kind } : { kind, operation })
  }

  /** Decides the fault for a request, if any. */
  pick(operation: string, mutates: boolean): FaultKind | undefined {
    const index = this.scripted.findIndex((f) => f.operation === undefined || f.operation === operation)
    if (index >= 0) return this.scripted.splice(index, 1)[0]?.kind
    const { failRate = 0, dropRate = 0, commitThenDropRate = 0 } = this.config
    if (dropRate > 0 && this.random() < dropRate) return 'drop'
    if (failRate > 0 && this.random() < failRate) return 'fail'
    if (mutates && commitThenDropRate > 0 && this.random() < commitThenDropRate) return 'commit-then-drop'
    return undefined
  }
}

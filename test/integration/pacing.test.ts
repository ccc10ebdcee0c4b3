/**
 * The app keeps to Connect's API quota on its own side: a burst of calls from several features at once
 * is spread over the account's rate instead of being throttled and retried.
 */
import { describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/main/sandbox/server'
import type { Pace } from '../../src/main/services/aws/pacing'
import { demo, servicesWithDemoProfiles, unpaced } from './sandbox-helpers'

const alpha = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }

/** Four lookups at once (each four or more Connect calls) against a Sandbox allowing 10/s, bursts of 5. */
async function burst(pace: Pace): Promise<{ calls: number; throttled: number; elapsedMs: number }> {
  const sandbox = await startSandbox({ throttle: { rate: 10, burst: 5 } })
  try {
    const { services } = servicesWithDemoProfiles(sandbox, { pace })
    const started = performance.now()
    await Promise.allSettled(Array.from({ length: 4 }, () => services.gateway.instanceLookups(alpha)))
    return {
      calls: sandbox.stats.total,
      throttled: sandbox.stats.byStatus.get(429) ?? 0,
      elapsedMs: performance.now() - started
    }
  } finally {
    await sandbox.close()
  }
}

describe('client-side pacing of Connect calls', () => {
  it('spreads a burst over the quota, so (almost) nothing is throttled', async () => {
    const paced = await burst({ perSecond: 10, burst: 4 })
    // The spare token absorbs 100 ms of network jitter; a very busy machine (a pause of the test process
    // or the Sandbox) may still bunch a few requests. Unpaced, the same burst is throttled many times.
    expect(paced.throttled).toBeLessThanOrEqual(2)
    expect(paced.calls).toBeGreaterThanOrEqual(16)
    // The first four go at once, the rest one every 100 ms.
    expect(paced.elapsedMs).toBeGreaterThanOrEqual(((paced.calls - 4) / 10) * 1000 - 50)
  })

  it('is throttled by the same burst without pacing', async () => {
    const unpacedRun = await burst(unpaced)
    expect(unpacedRun.throttled).toBeGreaterThan(0)
  })
})

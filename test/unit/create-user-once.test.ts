/** The CreateUser-once loop with scripted answers: every retry and ambiguity path, no network, no waiting. */
import { describe, expect, it } from 'vitest'
import {
  createUserOnce,
  OutcomeUnknownError,
  type FoundUser
} from '../../src/main/services/aws/create-user-once'
import { backoffMs, withRetries, type RetryDeps } from '../../src/main/services/aws/retry'

const policy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 }

/** An AWS-shaped error. */
const aws = (name: string, status: number, fault: 'client' | 'server' = 'client'): Error =>
  Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } })
const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })

/** Answers CreateUser from a script: an error to throw or a user to return, one per attempt. */
function script(
  answers: Array<Error | { UserId: string; UserArn: string }>,
  found?: { id: string; arn: string }
) {
  const calls = { create: 0, find: 0 }
  return {
    calls,
    create: async () => {
      const answer = answers[calls.create++]
      if (!answer) throw new Error('more attempts than scripted')
      if (answer instanceof Error) throw answer
      return answer
    },
    find: async () => {
      calls.find++
      return found
    }
  }
}

function deps(): RetryDeps & { slept: number[]; retries: string[] } {
  const slept: number[] = []
  const retries: string[] = []
  return {
    slept,
    retries,
    sleep: async (ms) => {
      slept.push(ms)
    },
    random: () => 0.5,
    onRetry: ({ attempt, attempts, reason }) => retries.push(`${reason} (${attempt} of ${attempts})`)
  }
}

const user = { UserId: 'u-1', UserArn: 'arn:u-1' }
/** What our request asked for, and the user it makes as SearchUsers shows it. */
const request = {
  RoutingProfileId: 'rp-1',
  SecurityProfileIds: ['sp-1'],
  IdentityInfo: { FirstName: 'Ada', LastName: 'L' }
}
const ours = (id: string): FoundUser => ({
  id,
  arn: `arn:${id}`,
  routingProfileId: 'rp-1',
  securityProfileIds: ['sp-1'],
  firstName: 'Ada',
  lastName: 'L'
})
const theirs = (id: string): FoundUser => ({ ...ours(id), firstName: 'Grace' })

describe('createUserOnce', () => {
  it('sends one CreateUser when it is answered', async () => {
    const s = script([user])
    expect(await createUserOnce(policy, request, s, deps())).toEqual({
      userId: 'u-1',
      userArn: 'arn:u-1',
      attempts: 1,
      recoveredAfterAmbiguity: false
    })
    expect(s.calls).toEqual({ create: 1, find: 0 })
  })

  it('retries throttling and server errors with growing, jittered waits, and says so', async () => {
    const s = script([aws('ThrottlingException', 429), aws('InternalServiceException', 500, 'server'), user])
    const d = deps()
    expect((await createUserOnce(policy, request, s, d)).attempts).toBe(3)
    expect(d.slept).toEqual([75, 150]) // equal jitter: half the ceiling plus half of it times 0.5
    expect(d.retries).toEqual(['Throttled (2 of 4)', 'AWS had a server error (3 of 4)'])
  })

  it('does not retry the users quota or a client error', async () => {
    for (const error of [aws('LimitExceededException', 429), aws('InvalidParameterException', 400)]) {
      const s = script([error, user])
      await expect(createUserOnce(policy, request, s, deps())).rejects.toBe(error)
      expect(s.calls.create).toBe(1)
    }
  })

  it('gives up after the last attempt with the last error', async () => {
    const last = aws('ThrottlingException', 429)
    const s = script([
      aws('ThrottlingException', 429),
      aws('ThrottlingException', 429),
      aws('ThrottlingException', 429),
      last
    ])
    await expect(createUserOnce(policy, request, s, deps())).rejects.toBe(last)
    expect(s.calls.create).toBe(4)
  })

  it('after a lost answer, finds the user our attempt created instead of sending again', async () => {
    const s = script([reset()], ours('u-9'))
    expect(await createUserOnce(policy, request, s, deps())).toMatchObject({
      userId: 'u-9',
      recoveredAfterAmbiguity: true
    })
    expect(s.calls).toEqual({ create: 1, find: 1 })
  })

  it('after a lost answer with no user found, sends again', async () => {
    const s = script([reset(), user])
    expect(await createUserOnce(policy, request, s, deps())).toMatchObject({ userId: 'u-1', attempts: 2 })
    expect(s.calls).toEqual({ create: 2, find: 1 })
  })

  it('reads a duplicate after our own lost answer as our user, found by username', async () => {
    const s = script([reset(), aws('DuplicateResourceException', 409)])
    // The lookup after the reset does not see the user yet; after the duplicate, it does.
    const sightings = [undefined, ours('u-7')]
    s.find = async () => sightings.shift()
    expect(await createUserOnce(policy, request, s, deps())).toMatchObject({
      userId: 'u-7',
      attempts: 2,
      recoveredAfterAmbiguity: true
    })
  })

  it('reports a duplicate on a first attempt as a duplicate, without a lookup', async () => {
    const duplicate = aws('DuplicateResourceException', 409)
    const s = script([duplicate])
    await expect(createUserOnce(policy, request, s, deps())).rejects.toBe(duplicate)
    expect(s.calls.find).toBe(0)
  })
})

describe('createUserOnce when the outcome is in doubt', () => {
  it('reads a duplicate after a 500 (which may have committed) as ours when the user is what we asked for', async () => {
    const s = script(
      [aws('InternalServiceException', 500, 'server'), aws('DuplicateResourceException', 409)],
      ours('u-5')
    )
    expect(await createUserOnce(policy, request, s, deps())).toMatchObject({
      userId: 'u-5',
      recoveredAfterAmbiguity: true
    })
  })

  it("reports a duplicate after a 500 as a duplicate when the user found is someone else's", async () => {
    const duplicate = aws('DuplicateResourceException', 409)
    const s = script([aws('InternalServiceException', 500, 'server'), duplicate], theirs('u-6'))
    await expect(createUserOnce(policy, request, s, deps())).rejects.toBe(duplicate)
  })

  it('after a lost answer, a user found that is not ours is a duplicate, not a success', async () => {
    const s = script([reset()], theirs('u-8'))
    await expect(createUserOnce(policy, request, s, deps())).rejects.toMatchObject({
      name: 'DuplicateResourceException'
    })
  })

  it('keeps looking when the lookup after a lost answer fails, and finds our user', async () => {
    const s = script([reset()])
    const answers: Array<Error | FoundUser> = [reset(), aws('ThrottlingException', 429), ours('u-3')]
    s.find = async () => {
      const next = answers.shift()
      if (next instanceof Error) throw next
      return next
    }
    const d = deps()
    expect(await createUserOnce(policy, request, s, d)).toMatchObject({ userId: 'u-3' })
    expect(d.slept).toHaveLength(2)
  })

  it('says the outcome is unknown, never failed, when no lookup can answer', async () => {
    const s = script([reset()])
    s.find = async () => {
      throw reset()
    }
    const error = await createUserOnce(policy, request, s, deps()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OutcomeUnknownError)
    expect(s.calls.create).toBe(1) // never sent again while in doubt
  })

  it('checks after the last attempt when an earlier one may have committed', async () => {
    const s = script(
      [
        aws('InternalServiceException', 500, 'server'),
        aws('ThrottlingException', 429),
        aws('ThrottlingException', 429),
        aws('ThrottlingException', 429)
      ],
      ours('u-4')
    )
    expect(await createUserOnce(policy, request, s, deps())).toMatchObject({
      userId: 'u-4',
      recoveredAfterAmbiguity: true
    })
  })
})

describe('withRetries', () => {
  it('retries reads through throttling, lost answers and 5xx, then succeeds', async () => {
    const answers: Array<Error | string> = [
      aws('Throttling', 400),
      reset(),
      aws('ServiceUnavailable', 503, 'server'),
      'ok'
    ]
    const d = deps()
    expect(
      await withRetries(policy, d, async () => {
        const next = answers.shift()
        if (next instanceof Error) throw next
        return next
      })
    ).toBe('ok')
    expect(d.retries).toHaveLength(3)
  })

  it('caps the backoff at its ceiling', () => {
    expect(backoffMs(policy, 10, () => 1)).toBe(1000)
    expect(backoffMs(policy, 1, () => 0)).toBe(50)
  })
})

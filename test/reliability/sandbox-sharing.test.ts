/**
 * Issue 10 item 4: the built-in Sandbox's state has one writer. A second process on the same data
 * folder uses the running Sandbox instead of starting its own, so no user is lost from the state; when
 * that Sandbox stops, the next call starts a new one from the saved state.
 */
import { CreateUserCommand, ConnectClient } from '@aws-sdk/client-connect'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SandboxHost } from '../../src/main/services/sandbox-host'
import { alphaUser, demo, keysOf } from '../integration/sandbox-helpers'

const createIn = (url: string, username: string): Promise<unknown> =>
  new ConnectClient({
    region: demo.alpha.region,
    endpoint: url,
    credentials: keysOf(demo.alpha),
    maxAttempts: 1
  }).send(new CreateUserCommand(alphaUser(username)))

describe('two processes on one data folder', () => {
  it('share one Sandbox, keep every user, and start a new one from the state when it stops', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cp-share-'))
    const app = new SandboxHost(folder)
    const cli = new SandboxHost(folder)
    const first = await app.start()
    const second = await cli.start()
    expect(first.shared).toBe(false)
    expect(second).toMatchObject({ shared: true, url: first.url })
    await createIn(first.url, 'from.app')
    await createIn(second.url, 'from.cli')
    await cli.stop() // leaves the app's server running
    await createIn(first.url, 'after.cli.left')
    await app.stop() // saves the state and releases it
    const state = readFileSync(join(folder, 'sandbox-state.json'), 'utf8')
    for (const name of ['from.app', 'from.cli', 'after.cli.left']) expect(state).toContain(`"${name}"`)
    const again = await cli.start() // the app's Sandbox is gone: the CLI starts its own from the state
    try {
      expect(again.shared).toBe(false)
      await expect(createIn(again.url, 'from.cli')).rejects.toMatchObject({
        name: 'DuplicateResourceException'
      })
    } finally {
      await cli.stop()
    }
  })
})

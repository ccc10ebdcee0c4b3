import { afterEach, describe, expect, it, vi } from 'vitest'
import { sections } from '../../src/renderer/src/lib/sections'
import { ShellState } from '../../src/renderer/src/lib/shell-state.svelte'
import type { WindowApi } from '../../src/shared/api'
import type { AppInfo } from '../../src/shared/ipc-contract'
import type { Result } from '../../src/shared/result'

const info: AppInfo = {
  name: 'Connect Provisioner',
  version: '1.2.3',
  platform: 'linux',
  userDataPath: '/home/admin/.config/Connect Provisioner',
  notices: [],
  versions: { electron: '45.5.0', chrome: '152', node: '24' }
}

/** A window.api whose app:info answers each of `answers` in turn. */
function installApi(...answers: Array<Result<AppInfo>>): ReturnType<typeof vi.fn> {
  const invoke = vi.fn((channel: string) =>
    channel === 'app:info'
      ? Promise.resolve(answers.shift())
      : Promise.reject(new Error(`unexpected channel ${channel}`))
  )
  window.api = { invoke: invoke as WindowApi['invoke'], on: vi.fn().mockReturnValue(() => {}) }
  return invoke
}

afterEach(() => {
  Reflect.deleteProperty(window, 'api')
})

describe('ShellState', () => {
  it('opens on Accounts and follows open() with the current section', () => {
    const shell = new ShellState()
    expect(shell.section).toBe('accounts')
    expect(shell.current).toBe(sections.accounts)
    shell.open('templates')
    expect(shell.section).toBe('templates')
    expect(shell.current).toBe(sections.templates)
    shell.open('settings')
    expect(shell.current.label).toBe('Settings')
  })

  it('loads the app info from main', async () => {
    const invoke = installApi({ ok: true, value: info })
    const shell = new ShellState()
    await shell.load()
    expect(invoke).toHaveBeenCalledWith('app:info', undefined)
    expect(shell.info).toEqual(info)
    expect(shell.loadError).toBeUndefined()
  })

  it('keeps the error message when main cannot answer, and clears it on the next success', async () => {
    installApi(
      { ok: false, error: { code: 'INTERNAL', message: 'handler crashed' } },
      { ok: true, value: info },
      { ok: false, error: { code: 'INTERNAL', message: 'again' } }
    )
    const shell = new ShellState()
    await shell.load()
    expect(shell.loadError).toBe('handler crashed')
    expect(shell.info).toBeUndefined()
    await shell.load()
    expect(shell.loadError).toBeUndefined()
    expect(shell.info).toEqual(info)
    // A later failure keeps the info already shown.
    await shell.load()
    expect(shell.loadError).toBe('again')
    expect(shell.info).toEqual(info)
  })

  it('says so when the page runs without the preload (no window.api)', async () => {
    await expect(new ShellState().load()).rejects.toThrow(/window\.api is missing/)
  })
})

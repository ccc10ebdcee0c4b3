import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import App from '../../src/renderer/src/App.svelte'
import type { WindowApi } from '../../src/shared/api'
import type { AppInfo } from '../../src/shared/ipc-contract'

const info: AppInfo = {
  name: 'Connect Provisioner',
  version: '9.9.9',
  platform: 'linux',
  userDataPath: '/home/admin/.config/Connect Provisioner',
  notices: ['settings.json could not be read. It was moved to settings.corrupt-1.json.'],
  versions: { electron: '45.5.0', chrome: '152', node: '24' }
}

/** A window.api whose app:info answers `result`; the accounts channels answer an empty world. */
function installApi(result: Awaited<ReturnType<WindowApi['invoke']>>): void {
  const answers: Record<string, unknown> = {
    'settings:get': { ok: true, value: { network: {}, accountLabels: {}, recentContexts: [] } },
    'templates:list': { ok: true, value: { templates: [], notices: [] } },
    'lookups:list': { ok: true, value: [] },
    'activity:list': { ok: true, value: [] },
    'bulk:list': { ok: true, value: { batches: [], notices: [] } },
    'accounts:list-profiles': {
      ok: true,
      value: {
        profiles: [],
        files: { config: '~/.aws/config', credentials: '~/.aws/credentials' },
        problems: []
      }
    }
  }
  window.api = {
    invoke: vi.fn((channel: string) =>
      Promise.resolve(channel === 'app:info' ? result : answers[channel])
    ) as WindowApi['invoke'],
    on: vi.fn().mockReturnValue(() => {})
  }
}

describe('App shell', () => {
  it('shows the version and notices from main, and an empty state per section', async () => {
    installApi({ ok: true, value: info })
    render(App)
    expect(await screen.findByTestId('app-version')).toHaveTextContent('Connect Provisioner 9.9.9')
    expect(screen.getByRole('alert')).toHaveTextContent('settings.corrupt-1.json')
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Accounts')
    expect(await screen.findByTestId('no-aws-profiles')).toHaveTextContent('No AWS profiles found')
    await fireEvent.click(screen.getByTestId('nav-templates'))
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Templates')
    expect(screen.getByTestId('empty-templates')).toHaveTextContent('No templates yet')
  })

  it('moves through sections with the arrow keys and Ctrl+digit, keeping one tab stop', async () => {
    installApi({ ok: true, value: info })
    render(App)
    const accounts = screen.getByTestId('nav-accounts')
    accounts.focus()
    await fireEvent.keyDown(accounts, { key: 'ArrowDown' })
    expect(screen.getByTestId('nav-templates')).toHaveFocus()
    expect(screen.getByTestId('nav-templates')).toHaveAttribute('aria-current', 'page')
    await fireEvent.keyDown(screen.getByTestId('nav-templates'), { key: 'End' })
    expect(screen.getByTestId('nav-settings')).toHaveFocus()
    await fireEvent.keyDown(screen.getByTestId('nav-settings'), { key: 'ArrowDown' })
    expect(screen.getByTestId('nav-accounts')).toHaveFocus()
    await fireEvent.keyDown(window, { key: '4', ctrlKey: true })
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Bulk')
    const tabStops = screen.getAllByRole('button').filter((b) => b.closest('nav') && b.tabIndex === 0)
    expect(tabStops).toHaveLength(1)
  })

  it('says so when main cannot answer', async () => {
    installApi({ ok: false, error: { code: 'INTERNAL', message: 'handler crashed' } })
    render(App)
    expect(await screen.findByText('Main process unreachable: handler crashed')).toHaveAttribute(
      'role',
      'alert'
    )
  })
})

import { fireEvent, render, screen, within } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import AccountBar from '../../src/renderer/src/components/AccountBar.svelte'
import { AccountsState } from '../../src/renderer/src/lib/accounts-state.svelte'
import { ShellState } from '../../src/renderer/src/lib/shell-state.svelte'
import { TemplatesState } from '../../src/renderer/src/lib/templates-state.svelte'
import ActivityView from '../../src/renderer/src/views/ActivityView.svelte'
import CreateUserView from '../../src/renderer/src/views/CreateUserView.svelte'
import { auditOutcomes, type AuditEntry } from '../../src/shared/activity'
import type { WindowApi } from '../../src/shared/api'
import { templateSchema } from '../../src/shared/templates'
import WithState from './WithState.svelte'

/** A window.api answering `answers` by channel; returns the mock to inspect the calls. */
function installApi(answers: Record<string, unknown>): ReturnType<typeof vi.fn> {
  const invoke = vi.fn((channel: string) => Promise.resolve(answers[channel]))
  window.api = { invoke: invoke as WindowApi['invoke'], on: vi.fn().mockReturnValue(() => {}) }
  return invoke
}

function states(): { accounts: AccountsState; templates: TemplatesState; shell: ShellState } {
  return { accounts: new AccountsState(), templates: new TemplatesState(), shell: new ShellState() }
}

const entry: AuditEntry = {
  time: '2026-11-28T12:00:00.000Z',
  osUser: 'admin',
  profile: 'prod',
  accountId: '111122223333',
  region: 'eu-west-2',
  instanceId: 'inst-1',
  instanceAlias: 'support',
  username: 'jane.doe',
  outcome: 'created'
}

describe('lists the renderer takes from src/shared', () => {
  it('offers every audit outcome in the Activity filter', async () => {
    installApi({ 'activity:list': { ok: true, value: [entry] } })
    render(ActivityView)
    const select = await screen.findByTestId('activity-outcome')
    const values = within(select)
      .getAllByRole('option')
      .map((o) => (o as HTMLOptionElement).value)
    expect(values).toEqual(['', ...auditOutcomes])
  })

  it('colours the account bar with the CSS variable of the label colour', () => {
    installApi({})
    const { accounts, templates, shell } = states()
    accounts.identity = { accountId: '111122223333', arn: 'arn', userId: 'u', region: 'eu-west-2' }
    accounts.settings = {
      network: {},
      accountLabels: { '111122223333': { label: 'PROD', color: 'purple' } },
      recentContexts: []
    }
    render(WithState, { view: AccountBar, accounts, templates, shell })
    expect(screen.getByTestId('account-bar').style.getPropertyValue('--label')).toBe('var(--label-purple)')
  })
})

/** States with an account, a Region, a SAML instance and one template: the Create user form shows. */
function createUserStates(): ReturnType<typeof states> {
  const all = states()
  all.accounts.profile = 'prod'
  all.accounts.region = 'eu-west-2'
  all.accounts.instance = {
    id: 'inst-1',
    arn: 'arn',
    alias: 'support',
    identityType: 'SAML',
    status: 'ACTIVE'
  }
  all.templates.templates = [
    templateSchema.parse({
      name: 'Tier 1',
      routingProfile: 'Basic',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
    })
  ]
  return all
}

/** Chooses the template, types `tags` and presses Check and preview. */
async function previewWithTags(tags: string): Promise<void> {
  render(WithState, { view: CreateUserView, ...createUserStates() })
  await fireEvent.change(screen.getByTestId('create-template'), { target: { value: 'Tier 1' } })
  await fireEvent.input(screen.getByTestId('create-tags'), { target: { value: tags } })
  await fireEvent.click(screen.getByTestId('create-preview'))
}

describe('Create user tags', () => {
  it('refuses a tag without "=" before anything is sent, and marks the Tags field', async () => {
    const invoke = installApi({})
    await previewWithTags('team=support\nsite')
    expect(await screen.findByTestId('error-note')).toHaveTextContent(
      'Tag "site" has no "=": write it as key=value.'
    )
    expect(screen.getByTestId('create-tags').closest('label')).toHaveClass('bad')
    expect(invoke).not.toHaveBeenCalledWith('users:preview', expect.anything())
  })

  it('sends the tags of every line and ; as a record', async () => {
    const invoke = installApi({
      'users:preview': { ok: false, error: { code: 'INTERNAL', message: 'stop' } }
    })
    await previewWithTags('team = support\nsite=london;floor=3')
    expect(await screen.findByTestId('error-note')).toHaveTextContent('stop')
    expect(invoke).toHaveBeenCalledWith(
      'users:preview',
      expect.objectContaining({
        person: expect.objectContaining({ tags: { team: 'support', site: 'london', floor: '3' } })
      })
    )
  })
})

/** ErrorNote: a title by class, what to do, a sign-in command to copy, and Retry. */
import { fireEvent, render, screen } from '@testing-library/svelte'
import { describe, expect, it, vi } from 'vitest'
import ErrorNote from '../../src/renderer/src/components/ErrorNote.svelte'
import type { WindowApi } from '../../src/shared/api'

describe('ErrorNote', () => {
  it('offers the sign-in command to copy (through main) and a Retry', async () => {
    const invoke = vi.fn(() => Promise.resolve({ ok: true, value: null }))
    window.api = { invoke: invoke as unknown as WindowApi['invoke'], on: vi.fn() }
    const onretry = vi.fn()
    render(ErrorNote, {
      error: {
        code: 'CREDENTIALS',
        message: 'The SSO session of profile "dev" has expired. Run: aws sso login --profile dev',
        details: { command: 'aws sso login --profile dev' }
      },
      onretry
    })
    expect(screen.getByTestId('error-title')).toHaveTextContent('Sign-in needed')
    expect(screen.getByTestId('error-command')).toHaveTextContent('aws sso login --profile dev')
    await fireEvent.click(screen.getByTestId('error-copy-command'))
    expect(invoke).toHaveBeenCalledWith('clipboard:write', {
      text: 'aws sso login --profile dev',
      sensitive: false
    })
    await fireEvent.click(screen.getByTestId('error-retry'))
    expect(onretry).toHaveBeenCalledOnce()
  })

  it('keeps "Something went wrong" for bugs, and says nobody did anything wrong', () => {
    render(ErrorNote, { error: { code: 'INTERNAL', message: 'Unexpected failure in users:create: boom' } })
    expect(screen.getByTestId('error-title')).toHaveTextContent('Something went wrong (a bug in the app)')
    expect(screen.getByTestId('error-note')).toHaveTextContent('Nothing you did caused this')
    expect(screen.queryByTestId('error-retry')).toBeNull()
  })
})

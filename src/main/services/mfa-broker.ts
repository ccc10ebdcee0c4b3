import { randomUUID } from 'node:crypto'
import { AppError } from '../../shared/result'

/** Asks a person for an MFA code for `profile`'s device; rejects on cancel or timeout. */
export type MfaPrompter = (request: { profile: string; mfaSerial: string }) => Promise<string>

/** What the renderer is told when a code is needed. Carries no secret. */
export interface MfaRequest {
  requestId: string
  profile: string
  mfaSerial: string
}

/**
 * Carries MFA code requests from credential providers to the window and the answers back. The code is
 * handed straight to the SDK's provider and never stored, logged or sent anywhere else.
 */
export class MfaBroker {
  private readonly pending = new Map<
    string,
    { resolve: (code: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >()

  constructor(
    private readonly emit: (request: MfaRequest) => void,
    private readonly timeoutMs = 120_000
  ) {}

  /** The prompter given to credential providers. */
  readonly prompt: MfaPrompter = ({ profile, mfaSerial }) =>
    new Promise<string>((resolve, reject) => {
      const requestId = randomUUID()
      const timer = setTimeout(() => {
        this.pending.delete(requestId)
        reject(
          new AppError(
            'CREDENTIALS',
            `No MFA code was entered for profile "${profile}" within ${Math.round(this.timeoutMs / 1000)} seconds.`
          )
        )
      }, this.timeoutMs)
      this.pending.set(requestId, { resolve, reject, timer })
      this.emit({ requestId, profile, mfaSerial })
    })

  /** Delivers the admin's answer: a code, or null for Cancel. */
  answer(requestId: string, code: string | null): void {
    const waiting = this.pending.get(requestId)
    if (!waiting)
      throw new AppError(
        'INVALID_REQUEST',
        'This MFA request is no longer waiting (it timed out or was answered).'
      )
    this.pending.delete(requestId)
    clearTimeout(waiting.timer)
    if (code === null)
      waiting.reject(new AppError('CREDENTIALS', 'MFA was cancelled, so the profile’s role was not assumed.'))
    else waiting.resolve(code)
  }
}

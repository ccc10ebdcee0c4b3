/**
 * Security contract: every request from the renderer is untrusted. `dispatch` accepts only contract
 * channels, validates the payload with the channel's schema before any handler sees it, and always
 * answers with a result envelope, never a thrown error. Electron-free, so tests and the e2e bridge
 * drive the very same path the app uses.
 */
import type { z } from 'zod'
import { invokeContract, type InvokeChannel, type ResponseOf } from '../../shared/ipc-contract'
import { AppError, type Result } from '../../shared/result'

/** One function per contract channel, taking the validated request. */
export type Handlers = {
  [C in InvokeChannel]: (
    request: z.output<(typeof invokeContract)[C]['request']>
  ) => Promise<ResponseOf<C>> | ResponseOf<C>
}

function isChannel(channel: string): channel is InvokeChannel {
  return Object.hasOwn(invokeContract, channel)
}

/** Validates `payload` for `channel`, runs its handler and wraps the outcome in an envelope. */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  payload: unknown
): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No IPC channel named "${channel}".` } }
  }
  const parsed = invokeContract[channel].request.safeParse(payload)
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_REQUEST',
        message: `The request for ${channel} is not valid: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        details: {
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
        }
      }
    }
  }
  try {
    const handler = handlers[channel] as (request: unknown) => unknown
    return { ok: true, value: await handler(parsed.data) }
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.toData() }
    const message = error instanceof Error ? error.message : String(error)
    return { ok: false, error: { code: 'INTERNAL', message: `Unexpected failure in ${channel}: ${message}` } }
  }
}

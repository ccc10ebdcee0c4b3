/**
 * The one object the preload exposes as `window.api`. It is deliberately tiny: a checked `invoke`
 * and a checked `on`. Nothing else of Electron or Node reaches the page.
 */
import type { EventChannel, EventContract, InvokeChannel, RequestOf, ResponseOf } from './ipc-contract'
import type { Result } from './result'

export interface WindowApi {
  /** Calls a contract channel in main. Never rejects for a handler failure: it resolves `{ ok: false }`. */
  invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>
  /** Subscribes to an event from main; returns the function that unsubscribes. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventContract[E]) => void): () => void
}

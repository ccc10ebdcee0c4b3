/** The renderer's typed client for main: the `window.api` the preload exposes, checked once. */
import type { WindowApi } from '../../../shared/api'

function connect(): WindowApi {
  if (typeof window === 'undefined' || !window.api) {
    throw new Error('window.api is missing: the renderer must run inside the Connect Provisioner window.')
  }
  return window.api
}

/** Calls main (`invoke`) and subscribes to its events (`on`). */
export const api: WindowApi = {
  invoke: (channel, request) => connect().invoke(channel, request),
  on: (channel, listener) => connect().on(channel, listener)
}

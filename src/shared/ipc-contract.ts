/**
 * The IPC contract: every channel main handles, with the schema its request must match and the type
 * of its response, plus every event main pushes to the renderer. Main, preload and renderer all take
 * their types from here, so a channel cannot drift between them.
 */
import { z } from 'zod'

/** What the status bar and the About box show. Nothing here is secret. */
export interface AppInfo {
  name: string
  version: string
  platform: string
  userDataPath: string
  /** Things the admin must know, e.g. a settings file that was corrupt and moved aside. */
  notices: string[]
  /** `electron` and `chrome` are null outside Electron (the CLI, tests). */
  versions: { electron: string | null; chrome: string | null; node: string }
}

/** A response type carried at the type level only: main is trusted, requests are not. */
function response<T>(): T {
  return undefined as T
}

/** Channels the renderer may invoke, named `domain:verb-noun`. */
export const invokeContract = {
  'app:info': { request: z.undefined(), response: response<AppInfo>() }
} as const

/** Events main sends to the renderer. */
export interface EventContract {
  /** The window gained focus: views showing files that may have changed outside the app re-read them. */
  'app:focused': { at: string }
}

export type InvokeChannel = keyof typeof invokeContract
export type EventChannel = keyof EventContract
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>
export type ResponseOf<C extends InvokeChannel> = (typeof invokeContract)[C]['response']

/** Every channel name, for the preload's allow-list. */
export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[]
/** Every event name, for the preload's allow-list. */
export const eventChannels: readonly EventChannel[] = ['app:focused']

/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { WindowApi } from '../../shared/api'

declare global {
  interface Window {
    /** Set by the preload (or, in e2e tests only, by the test bridge). */
    api: WindowApi
  }
}

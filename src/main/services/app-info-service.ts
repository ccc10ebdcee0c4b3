import type { AppInfo } from '../../shared/ipc-contract'

/** Facts about the running app that the main process knows and the renderer may show. */
export interface AppFacts {
  name: string
  version: string
  userDataPath: string
  /** Sentences about anything the admin should know at start, e.g. a store moved aside. */
  notices: string[]
}

/** Answers `app:info`: versions, platform and where the app keeps its data. */
export class AppInfoService {
  constructor(private readonly facts: AppFacts) {}

  /** The app's identity and runtime versions; contains nothing secret. */
  info(): AppInfo {
    return {
      name: this.facts.name,
      version: this.facts.version,
      platform: process.platform,
      userDataPath: this.facts.userDataPath,
      notices: [...this.facts.notices],
      versions: {
        electron: process.versions['electron'] ?? null,
        chrome: process.versions['chrome'] ?? null,
        node: process.versions.node
      }
    }
  }
}

import type { AppInfo } from '../../../shared/ipc-contract'
import { api } from './ipc'
import { sections, type Section, type SectionId } from './sections'

/** The shell's state: which section is open, and what main told us about the app. */
export class ShellState {
  section = $state<SectionId>('accounts')
  info = $state<AppInfo | undefined>()
  /** Set when main could not be asked for app info; shown instead of the version. */
  loadError = $state<string | undefined>()

  current: Section = $derived(sections[this.section])

  /** Asks main for the app's version and notices. */
  async load(): Promise<void> {
    const result = await api.invoke('app:info', undefined)
    if (result.ok) {
      this.info = result.value
      this.loadError = undefined
    } else {
      this.loadError = result.error.message
    }
  }

  /** Opens the section `id`. */
  open(id: SectionId): void {
    this.section = id
  }
}

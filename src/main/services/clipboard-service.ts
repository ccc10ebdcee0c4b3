/** The system clipboard, as services see it. */
export interface ClipboardPort {
  write(text: string): void
  read(): string | Promise<string>
}

/**
 * Copies for the renderer (which has no clipboard permission). A sensitive copy — a password — is
 * cleared after `clearAfterMs` unless the admin has copied something else meanwhile.
 */
export class ClipboardService {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly clipboard: ClipboardPort,
    private readonly clearAfterMs = 30_000
  ) {}

  copy(text: string, sensitive: boolean): void {
    this.clipboard.write(text)
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (!sensitive) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      void Promise.resolve(this.clipboard.read()).then((current) => {
        if (current === text) this.clipboard.write('')
      })
    }, this.clearAfterMs)
    this.timer.unref?.()
  }
}

/** The system clipboard through Electron. */
import { clipboard } from 'electron'
import type { ClipboardPort } from '../services/clipboard-service'

export const electronClipboard: ClipboardPort = {
  write: (text) => clipboard.writeText(text),
  read: () => clipboard.readText()
}

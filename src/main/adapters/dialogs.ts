/** File dialogs for import and export, as services see them (a port, so tests can answer them). */
import { dialog, type BrowserWindow } from 'electron'
import type { FileDialogs } from '../services/template-files'

export function electronFileDialogs(window: () => BrowserWindow | undefined): FileDialogs {
  const filters = [{ name: 'Connect Provisioner templates', extensions: ['json'] }]
  const csv = [{ name: 'CSV', extensions: ['csv'] }]
  return {
    saveFile: async (defaultName, kind) => {
      const parent = window()
      const options = { defaultPath: defaultName, filters: kind === 'csv' ? csv : filters }
      const result = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options)
      return result.canceled ? undefined : result.filePath
    },
    openFile: async () => {
      const parent = window()
      const options = { filters, properties: ['openFile' as const] }
      const result = parent
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options)
      return result.canceled ? undefined : result.filePaths[0]
    }
  }
}

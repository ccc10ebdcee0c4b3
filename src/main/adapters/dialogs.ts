/** File dialogs for import, export, bulk CSVs and picking a CA file, as services see them (a port, so tests can answer them). */
import { dialog, type BrowserWindow } from 'electron'
import type { FileDialogs } from '../services/files'

export function electronFileDialogs(window: () => BrowserWindow | undefined): FileDialogs {
  const filters = [{ name: 'Connect Provisioner templates', extensions: ['json'] }]
  const csv = [{ name: 'CSV', extensions: ['csv'] }]
  const json = [{ name: 'JSON', extensions: ['json'] }]
  const pem = [
    { name: 'PEM certificates', extensions: ['pem', 'crt', 'cer'] },
    { name: 'All files', extensions: ['*'] }
  ]
  return {
    saveFile: async (defaultName, kind) => {
      const parent = window()
      const options = {
        defaultPath: defaultName,
        filters: kind === 'csv' ? csv : kind === 'json' ? json : filters
      }
      const result = parent
        ? await dialog.showSaveDialog(parent, options)
        : await dialog.showSaveDialog(options)
      return result.canceled ? undefined : result.filePath
    },
    openFile: async (kind) => {
      const parent = window()
      const options = {
        filters: kind === 'certificates' ? pem : kind === 'csv' ? csv : filters,
        properties: ['openFile' as const]
      }
      const result = parent
        ? await dialog.showOpenDialog(parent, options)
        : await dialog.showOpenDialog(options)
      return result.canceled ? undefined : result.filePaths[0]
    }
  }
}

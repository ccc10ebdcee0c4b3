import { beforeAll, describe, expect, it } from 'vitest'
import { contextBridge, ipcRenderer } from '../fakes/electron'
import type { WindowApi } from '../../src/shared/api'

let api: WindowApi

beforeAll(async () => {
  await import('../../src/preload/index')
  api = contextBridge.exposed['api'] as WindowApi
})

describe('preload', () => {
  it('exposes exactly one object, window.api, with invoke and on', () => {
    expect(Object.keys(contextBridge.exposed)).toEqual(['api'])
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
  })

  it('forwards contract channels and refuses anything else without touching ipcRenderer', async () => {
    ipcRenderer.invoked.length = 0
    await api.invoke('app:info', undefined)
    const refused = await api.invoke('fs:read' as never, undefined as never)
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
    expect(ipcRenderer.invoked).toEqual([{ channel: 'app:info', payload: undefined }])
  })

  it('delivers events without the IpcRendererEvent and unsubscribes', () => {
    const received: unknown[][] = []
    const off = api.on('app:focused', (...args: unknown[]) => received.push(args))
    ipcRenderer.emit('app:focused', { sender: 'secret-handle' }, { at: 'now' })
    off()
    ipcRenderer.emit('app:focused', { sender: 'secret-handle' }, { at: 'later' })
    expect(received).toEqual([[{ at: 'now' }]])
    expect(() => api.on('fs:changed' as never, () => {})).toThrow(/No event named/)
  })
})

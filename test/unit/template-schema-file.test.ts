import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { appSettingsSchema } from '../../src/shared/settings'
import { templateFileSchema, templatesFormat } from '../../src/shared/templates'

const docs = join(import.meta.dirname, '../../docs')

/**
 * The JSON Schemas in docs/ are generated from the zod schemas the app validates with; `npm run
 * docs:schema` (UPDATE_SCHEMA=1) rewrites them, formatted as Prettier checks them, and a stale committed
 * file fails here.
 */
describe.each([
  {
    file: 'template.schema.json',
    schema: templateFileSchema,
    title: 'Connect Provisioner templates file',
    description: 'Saved phone and routing settings, referenced by name. See docs/template-format.md.'
  },
  {
    file: 'settings.schema.json',
    schema: appSettingsSchema,
    title: 'Connect Provisioner settings file',
    description:
      "The app's settings.json in its data folder: window bounds, network options, account labels and recent contexts. Written by the app; the proxy password is only ever stored sealed by the OS keychain."
  }
])('docs/$file', ({ file, schema, title, description }) => {
  it('matches the schema the app validates with', async () => {
    const path = join(docs, file)
    const generated = { ...z.toJSONSchema(schema, { io: 'input' }), title, description }
    const text = await format(JSON.stringify(generated), { ...(await resolveConfig(path)), filepath: path })
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(path, text)
    expect(existsSync(path), `docs/${file} is missing: run npm run docs:schema`).toBe(true)
    expect(readFileSync(path, 'utf8'), `docs/${file} is stale: run npm run docs:schema`).toBe(text)
  })
})

it('docs/template-format.md shows the format string the app writes', () => {
  expect(readFileSync(join(docs, 'template-format.md'), 'utf8')).toContain(`"format": "${templatesFormat}"`)
})

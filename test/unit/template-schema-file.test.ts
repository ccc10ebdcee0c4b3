import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { z } from 'zod'
import { templateFileSchema } from '../../src/shared/templates'

const file = join(import.meta.dirname, '../../docs/template.schema.json')

/** docs/template.schema.json is generated from the zod schema; `npm run docs:schema` rewrites it. */
it('docs/template.schema.json matches the schema the app validates with', () => {
  const generated = {
    ...z.toJSONSchema(templateFileSchema, { io: 'input' }),
    title: 'Connect Provisioner templates file',
    description: 'Saved phone and routing settings, referenced by name. See docs/template-format.md.'
  }
  const text = `${JSON.stringify(generated, null, 2)}\n`
  if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(file, text)
  expect(existsSync(file), 'docs/template.schema.json is missing: run npm run docs:schema').toBe(true)
  expect(readFileSync(file, 'utf8'), 'docs/template.schema.json is stale: run npm run docs:schema').toBe(text)
})

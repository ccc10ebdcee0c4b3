/**
 * Every shape templates.json has had, and the way each is read in the current format (version 1). A
 * migration never drops a field it does not understand: a document that is not exactly one of these
 * shapes is refused (it is then moved aside and reported, never rewritten).
 *
 * - **v0** (before versioning) stored the templates with flat phone fields, either as a bare list or as
 *   `{ "templates": [...] }` (electron-store keeps an object): `{ name, description?, routingProfile,
 *   securityProfiles, hierarchy?, phoneType?, autoAccept?, acwTimeout?, deskPhoneNumber?, tags? }`.
 * - **v1**: `{ "format": "connect-provisioner/templates", "version": 1, "templates": [...] }`.
 * - A missing, blank or empty (`{}`) file is a new, empty one.
 */
import { templateFormatVersion, templatesFormat, type TemplateFile } from '../../shared/templates'

type Raw = Record<string, unknown>

/** Every field a v0 template could have. */
const v0Fields = new Set([
  'name',
  'description',
  'routingProfile',
  'securityProfiles',
  'hierarchy',
  'phoneType',
  'autoAccept',
  'acwTimeout',
  'deskPhoneNumber',
  'tags'
])

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : `a ${typeof value}`

const fieldList = (keys: string[]): string =>
  keys
    .slice(0, 5)
    .map((k) => JSON.stringify(k.slice(0, 40)))
    .join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '')

/** One v0 template in the current form; refuses any field v0 never had (its meaning would be lost). */
function fromV0(template: unknown, index: number): Raw {
  if (!isObject(template))
    throw new Error(`template ${index + 1} is ${describe(template)}, not a template of the v0 format`)
  const unknown = Object.keys(template).filter((k) => !v0Fields.has(k))
  if (unknown.length)
    throw new Error(
      `template ${index + 1} has fields the v0 format never had (${fieldList(unknown)}); it was not converted`
    )
  const { phoneType, autoAccept, acwTimeout, deskPhoneNumber, hierarchy, ...rest } = template
  return {
    ...rest,
    ...(hierarchy !== undefined && hierarchy !== null && hierarchy !== ''
      ? { hierarchyGroup: hierarchy }
      : {}),
    phone: {
      mode: 'classic',
      phoneType: phoneType ?? 'SOFT_PHONE',
      autoAccept: autoAccept ?? false,
      afterContactWorkSeconds: acwTimeout ?? 0,
      ...(deskPhoneNumber !== undefined && deskPhoneNumber !== null && deskPhoneNumber !== ''
        ? { deskPhoneNumber }
        : {})
    }
  }
}

function fromV0List(list: unknown[]): { doc: Raw; migrated: boolean } {
  return {
    doc: { format: templatesFormat, version: templateFormatVersion, templates: list.map(fromV0) },
    migrated: true
  }
}

/**
 * Returns the document in the current format (not yet validated against the schema), and whether it
 * had to change. Throws, saying why, for a document that is not one of the known shapes.
 */
export function migrateTemplateDocument(doc: unknown): { doc: Raw; migrated: boolean } {
  if (Array.isArray(doc)) return fromV0List(doc)
  if (!isObject(doc)) throw new Error(`it holds ${describe(doc)}, not a templates file`)
  const keys = Object.keys(doc)
  if (keys.length === 0) {
    return {
      doc: { format: templatesFormat, version: templateFormatVersion, templates: [] } satisfies TemplateFile,
      migrated: false
    }
  }
  if (!('version' in doc)) {
    if (!Array.isArray(doc['templates']))
      throw new Error(
        `it has no "version" and no list of "templates" (${fieldList(keys)}), so it is not a templates file`
      )
    const extra = keys.filter((k) => k !== 'templates')
    if (extra.length)
      throw new Error(
        `it has no "version" and fields a v0 file never had (${fieldList(extra)}); it was not converted`
      )
    return fromV0List(doc['templates'])
  }
  const version = doc['version']
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new Error(
      `its "version" is ${JSON.stringify(version)?.slice(0, 40)}, which no Connect Provisioner wrote`
    )
  if (version > templateFormatVersion) {
    throw new Error(
      `it was written by a newer Connect Provisioner (format version ${version}; this app reads up to ${templateFormatVersion}). Update the app.`
    )
  }
  return { doc, migrated: false }
}

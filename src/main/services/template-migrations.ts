/**
 * Upgrades older templates files to the current format. v0 (before versioning) stored a bare array of
 * templates with flat phone fields: { name, routingProfile, securityProfiles, phoneType, autoAccept,
 * acwTimeout, deskPhoneNumber, hierarchy, tags }.
 */
import { templateFormatVersion, templatesFormat, type TemplateFile } from '../../shared/templates'

type Raw = Record<string, unknown>

function fromV0(template: Raw): Raw {
  const { phoneType, autoAccept, acwTimeout, deskPhoneNumber, hierarchy, ...rest } = template
  return {
    ...rest,
    ...(hierarchy ? { hierarchyGroup: hierarchy } : {}),
    phone: {
      mode: 'classic',
      phoneType: phoneType ?? 'SOFT_PHONE',
      autoAccept: autoAccept ?? false,
      afterContactWorkSeconds: acwTimeout ?? 0,
      ...(deskPhoneNumber ? { deskPhoneNumber } : {})
    }
  }
}

/** Returns the document in the current format (unvalidated), and whether it had to change. */
export function migrateTemplateDocument(doc: Raw): { doc: Raw; migrated: boolean } {
  if (Object.keys(doc).length === 0) {
    return {
      doc: {
        format: templatesFormat,
        version: templateFormatVersion,
        templates: []
      } satisfies TemplateFile,
      migrated: false
    }
  }
  const version = typeof doc['version'] === 'number' ? doc['version'] : 0
  if (version > templateFormatVersion) {
    throw new Error(
      `it was written by a newer Connect Provisioner (format version ${version}; this app reads up to ${templateFormatVersion}). Update the app.`
    )
  }
  if (version === 0) {
    const list = Array.isArray(doc['templates']) ? (doc['templates'] as Raw[]) : []
    return {
      doc: {
        format: templatesFormat,
        version: templateFormatVersion,
        templates: list.map(fromV0)
      },
      migrated: true
    }
  }
  return { doc, migrated: false }
}

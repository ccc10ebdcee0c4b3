/** `templates …`: the same templates file as the app (in its data folder), on the command line. */
import { Command, Option } from 'commander'
import { readText, writeFileAtomic } from '../services/files'
import { cliServices, type CliIo } from './cli-host'
import { instanceContextOf } from './targets'
import { exitCodes, table } from './options'

export function templateCommands(io: CliIo): Command {
  const out = io.out
  const templates = new Command('templates').description(
    'Manage saved templates (offline; the same file as the app).'
  )

  templates
    .command('list')
    .description('List the templates.')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = (await cliServices(io)).templates.list()
      if (flags.json) return out(JSON.stringify(list, null, 2))
      if (!list.length)
        return out('No templates yet. Create one in the app, or: connect-provisioner templates import FILE')
      const phone = (t: (typeof list)[number]): string =>
        t.phone.mode === 'classic' ? t.phone.phoneType : 'per-channel'
      table([
        ['NAME', 'ROUTING PROFILE', 'SECURITY PROFILES', 'PHONE', 'HIERARCHY'],
        ...list.map((t) => [
          t.name,
          t.routingProfile,
          t.securityProfiles.join(', '),
          phone(t),
          t.hierarchyGroup ?? '-'
        ])
      ]).forEach((l) => out(l))
    })

  templates
    .command('show')
    .description('Show one template and the CreateUser settings it produces.')
    .argument('<name>', 'template name (case-insensitive)')
    .action(async (name: string) => {
      const template = (await cliServices(io)).templates.get(name)
      const { createUserSettings } = await import('../../shared/template-resolve')
      out(JSON.stringify({ template, createUserSettings: createUserSettings(template) }, null, 2))
    })

  templates
    .command('import')
    .description('Import a templates file (see docs/template-format.md).')
    .argument('<file>', 'templates file')
    .addOption(
      new Option('--on-conflict <policy>', 'when a name is taken')
        .choices(['rename', 'replace', 'skip'])
        .default('skip')
    )
    .action(async (file: string, flags: { onConflict: 'rename' | 'replace' | 'skip' }) => {
      const { templateLimits } = await import('../../shared/templates')
      const text = readText(file, { maxBytes: templateLimits.fileBytes, what: 'a templates file' })
      const report = (await cliServices(io)).templates.import(text, flags.onConflict)
      out(
        `Imported ${report.added.length} new, replaced ${report.replaced.length}, renamed ${report.renamed.length}, skipped ${report.skipped.length}.`
      )
      for (const r of report.renamed) out(`  renamed "${r.from}" → "${r.to}"`)
      for (const s of report.skipped)
        out(`  skipped "${s}" (name taken; use --on-conflict rename or replace)`)
    })

  templates
    .command('export')
    .description('Export one template (or all) as a templates file (written owner-only, 0600).')
    .argument('[name]', 'template name; all templates when omitted')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (name: string | undefined, flags: { out?: string }) => {
      const file = (await cliServices(io)).templates.export(name ? [name] : undefined)
      const text = `${JSON.stringify(file, null, 2)}\n`
      if (!flags.out) return out(text.trimEnd())
      writeFileAtomic(flags.out, text)
      out(`Wrote ${file.templates.length} template(s) to ${flags.out}.`)
    })

  templates
    .command('delete')
    .description('Delete a template.')
    .argument('<name>', 'template name (case-insensitive)')
    .action(async (name: string) => {
      const services = await cliServices(io)
      const template = services.templates.get(name)
      services.templates.delete(name)
      out(`Deleted "${template.name}".`)
    })

  templates
    .command('resolve')
    .description('Resolve a template’s names to the IDs of an instance, or say what does not resolve.')
    .argument('<name>', 'template name (case-insensitive)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--region <region>', 'Region (default: the profile’s)')
    .requiredOption('--instance <id-or-alias>', 'instance ID or alias')
    .option('--refresh', 'fetch the instance’s names again instead of using the cache')
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        flags: { profile?: string; region?: string; instance: string; refresh?: boolean; json?: boolean },
        command: Command
      ) => {
        const services = await cliServices(io)
        const template = services.templates.get(name)
        const context = await instanceContextOf(services, flags, command, io.env)
        const lookups = flags.refresh
          ? await services.lookups.refresh(context)
          : await services.lookups.forInstance(context)
        const result = services.templates.resolve(template.name, lookups)
        if (flags.json)
          out(
            JSON.stringify(
              {
                template: template.name,
                instance: lookups.alias,
                accountId: lookups.accountId,
                region: context.region,
                lookupsFetchedAt: lookups.fetchedAt,
                ...result
              },
              null,
              2
            )
          )
        else if (result.ok) {
          out(`"${template.name}" resolves in ${lookups.alias} (${lookups.accountId}, ${context.region}):`)
          const { createUserSettings } = await import('../../shared/template-resolve')
          out(JSON.stringify(createUserSettings(template, result.ids), null, 2))
        } else {
          out(
            `"${template.name}" does not resolve in ${lookups.alias} (${lookups.accountId}, ${context.region}):`
          )
          for (const problem of result.problems) out(`  ${problem.message}`)
        }
        if (!result.ok) process.exitCode = exitCodes.failed
      }
    )

  return templates
}

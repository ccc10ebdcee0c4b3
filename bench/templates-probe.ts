/** Runs in a fresh Node process over a prepared data folder: times each template operation once, cold. */
import { join } from 'node:path'
import { openFileDocumentStore } from '../src/main/cli/file-store'
import type { AccountDirectory } from '../src/main/services/account-directory'
import type { ConnectGateway } from '../src/main/services/aws/connect-gateway'
import { LookupService } from '../src/main/services/lookup-service'
import { TemplateService } from '../src/main/services/template-service'
import { searchTemplates } from '../src/shared/templates'

const folder = process.argv[2] ?? '.'
const timed = <T>(run: () => T): [T, number] => {
  const started = performance.now()
  const value = run()
  return [value, performance.now() - started]
}

const [service, openMs] = timed(
  () => new TemplateService(() => openFileDocumentStore(folder, 'templates'), join(folder, 'templates.json'))
)
const [list, listMs] = timed(() => service.list())
const [found, searchMs] = timed(() => searchTemplates(list, 'tier 2 london'))
const first = list[0]
if (!first) throw new Error('no templates prepared')
const [, saveMs] = timed(() => service.save({ ...first, description: `edited ${Date.now()}` }, first.name))
const [lookups, lookupsMs] = timed(() =>
  new LookupService(
    () => openFileDocumentStore(folder, 'lookups'),
    join(folder, 'lookups.json'),
    undefined as unknown as ConnectGateway,
    undefined as unknown as AccountDirectory
  ).all()
)
process.stdout.write(
  JSON.stringify({
    openMs,
    listMs,
    searchMs,
    saveMs,
    lookupsMs,
    templates: list.length,
    found: found.length,
    routingProfiles: lookups[0]?.routingProfiles.length ?? 0
  })
)

/**
 * The plan of a CSV against one instance, with what it needs looked up once for the whole file: who the
 * profile is and the instance's identity type (cached), the instance's names → IDs (cached lookups), and
 * its existing users (one paginated ListUsers). Nothing is sent but those reads.
 */
import type { InstanceContext } from '../../../shared/accounts'
import { parseBulkCsv } from '../../../shared/bulk/csv'
import { planBatch } from '../../../shared/bulk/plan'
import type { BatchTarget, BulkPlan, ParsedCsv } from '../../../shared/bulk/types'
import type { InstanceLookups } from '../../../shared/template-resolve'
import { templateKey, type Template } from '../../../shared/templates'
import type { AccountDirectory } from '../account-directory'
import type { ConnectGateway } from '../aws/connect-gateway'
import type { LookupService } from '../lookup-service'
import type { TemplateService } from '../template-service'

/** What planning reads. */
export interface PlanPorts {
  gateway: Pick<ConnectGateway, 'listUsers'>
  directory: Pick<AccountDirectory, 'identity' | 'instance'>
  lookups: Pick<LookupService, 'cached' | 'refresh'>
  templates: Pick<TemplateService, 'list'>
}

/** A file to plan, and where. */
export interface PlanRequest {
  context: InstanceContext
  /** The file's text (UTF-8, BOM or not). */
  text: string
  /** Its name, as the history shows it. */
  fileName: string
  /** The roster's template for rows that name none. */
  template?: string
  /** Give CONNECT_MANAGED rows without a password a generated one. */
  generatePasswords?: boolean
}

/**
 * Plans `request.text` against its instance: every row checked and resolved, existing users found with
 * one listing. Cached lookups are used first; if some row names something they do not have, they are
 * fetched again once (it may have been added since they were cached) before the plan is final.
 */
export async function planFile(ports: PlanPorts, request: PlanRequest): Promise<BulkPlan> {
  const { context } = request
  const parsed: ParsedCsv = parseBulkCsv(request.text)
  const [identity, instance] = await Promise.all([
    ports.directory.identity(context),
    ports.directory.instance(context)
  ])
  const target: BatchTarget = {
    profile: context.profile,
    region: context.region,
    instanceId: context.instanceId,
    accountId: identity.accountId,
    instanceAlias: instance.alias,
    identityType: instance.identityType
  }
  const byName = new Map<string, Template>(ports.templates.list().map((t) => [templateKey(t.name), t]))
  const plan = (lookups: InstanceLookups, existing: ReadonlyMap<string, string>): BulkPlan =>
    planBatch({
      parsed,
      fileName: request.fileName,
      target,
      templates: (name) => byName.get(templateKey(name)),
      ...(request.template ? { defaultTemplate: request.template } : {}),
      lookups,
      existing,
      ...(request.generatePasswords ? { generatePasswords: true } : {})
    })
  const empty: ReadonlyMap<string, string> = new Map()
  const cached = ports.lookups.cached(context, identity.accountId)
  if (parsed.rows.length === 0) {
    // Nothing to look up for a file refused as a whole: no call is made.
    return plan(cached ?? emptyLookups(target), empty)
  }
  const [lookups, existing] = await Promise.all([
    cached ? Promise.resolve(cached) : ports.lookups.refresh(context),
    ports.gateway.listUsers(context)
  ])
  const first = plan(lookups, existing)
  // Only a name missing from the cached names is worth fetching them again for (a typo is not).
  if (!cached || first.unresolved === 0) return first
  return plan(await ports.lookups.refresh(context), existing)
}

function emptyLookups(target: BatchTarget): InstanceLookups {
  return {
    accountId: target.accountId,
    region: target.region,
    instanceId: target.instanceId,
    alias: target.instanceAlias,
    fetchedAt: new Date(0).toISOString(),
    routingProfiles: [],
    securityProfiles: [],
    hierarchyGroups: [],
    hierarchyLevels: []
  }
}

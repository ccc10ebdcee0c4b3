import type { InstanceContext } from '../../shared/accounts'
import type { CreateUserPreview, CreateUserResult } from '../../shared/ipc-contract'
import {
  awsCliCommand,
  buildCreateUserRequest,
  maskRequest,
  personSchema,
  validateCreateUser,
  withDerivedFields,
  type CreateUserRequest,
  type CreateUserRetry,
  type PersonInput
} from '../../shared/create-user'
import { AppError } from '../../shared/result'
import { resolveTemplate } from '../../shared/template-resolve'
import { templateSchema, type Template, type TemplateInput } from '../../shared/templates'
import type { AuditLog } from './audit-log'
import type { AccountDirectory } from './account-directory'
import type { ConnectGateway } from './aws/connect-gateway'
import type { LookupService } from './lookup-service'
import { sandboxPrefix } from './sandbox-host'
import { parseSsoProfileName } from '../../shared/sso'
import type { TemplateService } from './template-service'

/**
 * The profile the AWS CLI knows for `profile`: a Sandbox account (`sandbox:alpha`) is the profile that
 * `connect-provisioner sandbox --print-aws-config` writes (`sandbox-alpha`); an AWS profile is itself.
 * An Identity Center role chosen in the app (`sso:…`) is in no AWS config file: there is none.
 */
export function awsCliProfile(profile: string): string | undefined {
  if (parseSsoProfileName(profile)) return undefined
  return profile.startsWith(sandboxPrefix) ? `sandbox-${profile.slice(sandboxPrefix.length)}` : profile
}

/** One person to create from a template (saved, by name, or given whole) in one instance. */
export interface CreateUserInput {
  context: InstanceContext
  template: string | TemplateInput
  person: PersonInput
}

/**
 * Create one user: template + person → the exact CreateUserRequest, every rule of the instance's
 * identity type checked and a duplicate username refused before anything is sent, the send through the
 * gateway (which never creates twice), and every step in the audit log without the password.
 */
export class CreateUserService {
  constructor(
    private readonly gateway: ConnectGateway,
    private readonly directory: AccountDirectory,
    private readonly templates: TemplateService,
    private readonly lookups: LookupService,
    private readonly audit: AuditLog,
    private readonly exclusively: <T>(key: string, work: () => Promise<T>) => Promise<T>,
    /** Told of each CreateUser retry (throttling, 5xx, a lost answer) before its wait. */
    private readonly onRetry: (retry: CreateUserRetry) => void = () => {}
  ) {}

  /** The preview, with no CreateUser sent; it looks the username up (SearchUsers) to flag a duplicate. */
  async preview(input: CreateUserInput): Promise<CreateUserPreview> {
    return (await this.prepare(input, { lookUpUsername: true })).preview
  }

  /**
   * Creates the user, or refuses with the problems (nothing sent) or fails with AWS's reason. With warm
   * caches this is one Connect call: a taken username is answered by CreateUser's own
   * DuplicateResourceException, which is authoritative, so no SearchUsers is sent first.
   */
  async create(input: CreateUserInput): Promise<CreateUserResult> {
    let prepared: Awaited<ReturnType<CreateUserService['prepare']>>
    try {
      prepared = await this.prepare(input, { lookUpUsername: false })
    } catch (error) {
      // Every attempt is recorded, also one that failed before anything could be sent.
      const app = error instanceof AppError ? error : new AppError('INTERNAL', (error as Error).message)
      this.audit.append({
        profile: input.context.profile,
        accountId: '',
        region: input.context.region,
        instanceId: input.context.instanceId,
        instanceAlias: '',
        username: input.person.username ?? '',
        outcome: 'failed',
        errorCode: app.code,
        message: `Nothing was sent: ${app.message}`
      })
      throw app
    }
    const { preview, request } = prepared
    const where = {
      profile: input.context.profile,
      accountId: preview.accountId,
      region: preview.region,
      instanceId: input.context.instanceId,
      instanceAlias: preview.instanceAlias,
      username: preview.username
    }
    const masked = request ? maskRequest(request) : undefined
    if (!request || preview.problems.length || preview.duplicate) {
      const message = preview.duplicate
        ? `A user named "${preview.duplicate.username}" already exists in ${preview.instanceAlias}; nothing was sent.`
        : `Nothing was sent: ${preview.problems.map((p) => p.message).join(' ')}`
      this.audit.append({
        ...where,
        outcome: 'refused',
        message,
        errorCode: preview.duplicate ? 'DUPLICATE' : 'VALIDATION',
        ...(masked ? { request: masked } : {})
      })
      throw new AppError(preview.duplicate ? 'CONFLICT' : 'INVALID_REQUEST', message, {
        problems: preview.problems,
        duplicate: preview.duplicate
      })
    }
    this.audit.append({ ...where, outcome: 'started', request: maskRequest(request) })
    try {
      // One creator per username on this workstation: a second process waits, then meets the duplicate.
      const created = await this.exclusively(
        `create|${preview.accountId}|${input.context.instanceId}|${request.Username.toLowerCase()}`,
        () =>
          this.gateway.createUser(input.context, request, (retry) =>
            this.onRetry({ instanceId: input.context.instanceId, username: request.Username, ...retry })
          )
      )
      this.audit.append({
        ...where,
        outcome: 'created',
        userId: created.userId,
        userArn: created.userArn,
        request: maskRequest(request)
      })
      return {
        ...created,
        username: preview.username,
        accountId: preview.accountId,
        region: preview.region,
        instanceAlias: preview.instanceAlias
      }
    } catch (error) {
      let app: AppError =
        error instanceof AppError ? error : new AppError('INTERNAL', (error as Error).message)
      const awsCode = app.is('AWS') ? app.details?.awsCode : undefined
      if (app.is('AWS') && awsCode === 'DuplicateResourceException') {
        app = new AppError(
          'CONFLICT',
          `A user named "${preview.username}" already exists in ${preview.instanceAlias}; nothing was created.`,
          {
            ...app.details,
            field: 'Username',
            problems: [{ field: 'Username', message: 'This username is taken in the instance.' }]
          }
        )
      }
      this.audit.append({
        ...where,
        outcome: app.is('OUTCOME_UNKNOWN') ? 'unknown' : 'failed',
        errorCode: awsCode ?? app.code,
        message: app.message,
        request: maskRequest(request)
      })
      throw app
    }
  }

  private inline(input: TemplateInput): Template {
    const parsed = templateSchema.safeParse(input)
    if (!parsed.success) {
      throw new AppError(
        'INVALID_REQUEST',
        `The settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
      )
    }
    return parsed.data
  }

  private async prepare(
    input: CreateUserInput,
    options: { lookUpUsername: boolean }
  ): Promise<{ preview: CreateUserPreview; request?: CreateUserRequest }> {
    const { context } = input
    const [identity, instance] = await Promise.all([
      this.directory.identity(context),
      this.directory.instance(context)
    ])
    const template =
      typeof input.template === 'string' ? this.templates.get(input.template) : this.inline(input.template)
    const parsedPerson = personSchema.safeParse(input.person)
    if (!parsedPerson.success) {
      const issues = parsedPerson.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
      throw new AppError(
        'INVALID_REQUEST',
        `The person's details are not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        { issues }
      )
    }
    const person = withDerivedFields(parsedPerson.data, template)
    const effective = person.hierarchyGroup.trim()
      ? { ...template, hierarchyGroup: person.hierarchyGroup.trim() }
      : template
    const cached = this.lookups.cached(context, identity.accountId)
    let lookups = cached ?? (await this.lookups.refresh(context))
    let resolved = resolveTemplate(effective, lookups)
    // A name the cached lookups do not know may have been added since: look once more before refusing.
    if (!resolved.ok && cached) {
      lookups = await this.lookups.refresh(context)
      resolved = resolveTemplate(effective, lookups)
    }
    const base: CreateUserPreview = {
      accountId: identity.accountId,
      region: context.region,
      instanceAlias: instance.alias,
      identityType: instance.identityType,
      username: person.username,
      email: person.email,
      problems: []
    }
    if (!resolved.ok) {
      return {
        preview: {
          ...base,
          problems: resolved.problems.map((p) => ({ field: `template.${p.field}`, message: p.message }))
        }
      }
    }
    const request = buildCreateUserRequest(effective, resolved.ids, person, context.instanceId)
    const problems = validateCreateUser(request, instance.identityType)
    const cliProfile = awsCliProfile(context.profile)
    const existing =
      options.lookUpUsername && person.username && !problems.some((p) => p.field === 'Username')
        ? await this.gateway.findUser(context, person.username)
        : undefined
    const routingProfile = existing?.routingProfileId
      ? lookups.routingProfiles.find((r) => r.id === existing.routingProfileId)?.name
      : undefined
    return {
      request,
      preview: {
        ...base,
        request: maskRequest(request),
        ...(cliProfile ? { cliCommand: awsCliCommand(request, cliProfile, context.region) } : {}),
        problems,
        ...(existing
          ? {
              duplicate: {
                username: person.username,
                userId: existing.id,
                ...(routingProfile ? { routingProfile } : {})
              }
            }
          : {})
      }
    }
  }
}

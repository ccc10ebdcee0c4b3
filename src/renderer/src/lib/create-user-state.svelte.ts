import type { InstanceContext } from '../../../shared/accounts'
import { generatePassword, type CreateUserRetry, type PersonInput } from '../../../shared/create-user'
import type { CreateUserPreview, CreateUserResult } from '../../../shared/ipc-contract'
import type { AppErrorData } from '../../../shared/result'
import { parseTags } from '../../../shared/tags'
import { api } from './ipc'

/** The fields of the Create user form, as typed (tags as text). */
export interface PersonForm {
  firstName: string
  lastName: string
  username: string
  email: string
  secondaryEmail: string
  mobile: string
  password: string
  directoryUserId: string
  hierarchyGroup: string
  phoneNumber: string
  tags: string
}

/** An empty form; the overrides of `keep` stay when starting another user. */
export function blankPerson(keep?: PersonForm): PersonForm {
  return {
    firstName: '',
    lastName: '',
    username: '',
    email: '',
    secondaryEmail: '',
    mobile: '',
    password: '',
    directoryUserId: '',
    hierarchyGroup: keep?.hierarchyGroup ?? '',
    phoneNumber: keep?.phoneNumber ?? '',
    tags: keep?.tags ?? ''
  }
}

/**
 * The Create user view's state, kept while the admin visits other views: the draft person, the preview
 * of exactly that draft, the send in progress (with AWS's retries as they happen) and the result. A
 * generated password is offered once more on the result, then forgotten.
 */
export class CreateUserState {
  templateName = $state('')
  person = $state<PersonForm>(blankPerson())
  /** True when the password in the form was generated here (and so is worth one last copy). */
  generated = $state(false)
  preview = $state<CreateUserPreview | undefined>()
  /** What the preview was made from; when the form or the account differs, it is stale. */
  private previewKey = $state<string | undefined>()
  result = $state<CreateUserResult | undefined>()
  /** The generated password of the user just created, until copied or the result is left. */
  lastPassword = $state<string | undefined>()
  error = $state<AppErrorData | undefined>()
  busy = $state<'checking' | 'sending' | undefined>()
  /** The latest retry AWS forced during the send in progress. */
  retry = $state<CreateUserRetry | undefined>()
  private sendingTo: { instanceId: string; username: string } | undefined

  /** Listens for main's retry notes; returns the function that stops. */
  start(): () => void {
    return api.on('users:create-retrying', (retry) => {
      const to = this.sendingTo
      if (to && retry.instanceId === to.instanceId) this.retry = retry
    })
  }

  /** True when the preview shown no longer matches the form (or the account changed). */
  stale(context: InstanceContext | undefined): boolean {
    return this.preview !== undefined && this.previewKey !== this.keyOf(context)
  }

  /** The person as main takes it; undefined (with `error` set on the Tags field) when a tag is malformed. */
  private input(): PersonInput | undefined {
    const tags = parseTags(this.person.tags)
    if (!tags.ok) {
      this.error = tags.error
      this.preview = undefined
      return undefined
    }
    const { tags: _tags, ...rest } = $state.snapshot(this.person)
    return { ...rest, tags: tags.value }
  }

  private keyOf(context: InstanceContext | undefined): string {
    return JSON.stringify([context, this.templateName, this.person])
  }

  /** Validates, resolves and looks the username up; sends nothing. */
  async check(context: InstanceContext): Promise<void> {
    if (!this.templateName) return
    const fields = this.input()
    if (!fields) return
    const key = this.keyOf(context)
    this.busy = 'checking'
    this.result = undefined
    const answer = await api.invoke('users:preview', {
      ...context,
      template: this.templateName,
      person: fields
    })
    this.busy = undefined
    this.preview = answer.ok ? answer.value : undefined
    this.previewKey = answer.ok ? key : undefined
    this.error = answer.ok ? undefined : answer.error
  }

  /** Creates the user; on a refusal the preview shows why and Create stays off until it is fixed. */
  async create(context: InstanceContext): Promise<void> {
    if (!this.templateName || !this.preview) return
    const fields = this.input()
    if (!fields) return
    this.busy = 'sending'
    this.retry = undefined
    this.sendingTo = { instanceId: context.instanceId, username: this.preview.username }
    const answer = await api.invoke('users:create', {
      ...context,
      template: this.templateName,
      person: fields
    })
    this.busy = undefined
    this.retry = undefined
    this.sendingTo = undefined
    if (answer.ok) {
      this.result = answer.value
      this.lastPassword = this.generated && this.person.password ? this.person.password : undefined
      this.error = undefined
      this.preview = undefined
      this.previewKey = undefined
      this.person.password = ''
      this.generated = false
      return
    }
    this.error = answer.error
    const failure = answer.error
    const details =
      failure.code === 'INVALID_REQUEST' || failure.code === 'CONFLICT' ? failure.details : undefined
    if (this.preview && details?.problems) {
      this.preview = {
        ...this.preview,
        problems: details.problems,
        ...(failure.code === 'CONFLICT' && failure.details?.duplicate
          ? { duplicate: failure.details.duplicate }
          : {})
      }
    }
  }

  generate(): void {
    this.person.password = generatePassword()
    this.generated = true
  }

  /** Forgets the password of the user just created (after its last copy, or on leaving the result). */
  forgetPassword(): void {
    this.lastPassword = undefined
  }

  /** Back to an empty form for the next user; the overrides stay. */
  startAnother(): void {
    this.result = undefined
    this.lastPassword = undefined
    this.error = undefined
    this.person = blankPerson(this.person)
  }
}

/**
 * The IAM Identity Center state: the sessions the app knows and whether each is signed in, the sign-in
 * in progress (what the dialog shows: the page opened, the device code, when it gives up, or why it
 * failed), and the accounts and roles a session grants, for the picker. Main keeps every token; this
 * class only ever sees names, statuses and `sso:` profile names.
 */
import { getContext, setContext } from 'svelte'
import type { ProfileSummary } from '../../../shared/accounts'
import type { AppErrorData } from '../../../shared/result'
import type { AppSsoSession } from '../../../shared/settings'
import {
  parseSsoProfileName,
  type SsoAccountWithRoles,
  type SsoEvent,
  type SsoFailure,
  type SsoRole,
  type SsoSessionList,
  type SsoSessionProblem,
  type SsoSessionRef,
  type SsoSessionStatus,
  type SsoSignInStarted
} from '../../../shared/sso'
import type { AccountsState } from './accounts-state.svelte'
import { api } from './ipc'

/** A sign-in as the dialog shows it. */
export interface SignInView {
  ref: SsoSessionRef
  /** The session's name as the admin knows it. */
  title: string
  /** Waiting for main to open the page; then waiting for the browser; then failed (signed in closes it). */
  phase: 'starting' | 'waiting' | 'failed'
  started?: SsoSignInStarted
  /** Set when Cancel was pressed before main said which sign-in it is: it is cancelled as soon as it does. */
  cancelRequested: boolean
  error?: AppErrorData
  reason?: SsoFailure
  useDeviceCode: boolean
}

/** The picker of one session's accounts and roles. */
export interface PickerView {
  session: string
  accounts?: SsoAccountWithRoles[]
  error?: AppErrorData
  loading: boolean
}

/** What the window says for each way a sign-in can fail: a title and the next step. */
export const failureText: Record<SsoFailure, { title: string; next: string }> = {
  denied: {
    title: 'Access denied in the browser',
    next: 'Sign in again and choose Allow on the page, or ask your administrator for access.'
  },
  expired: {
    title: 'The sign-in code expired',
    next: 'Start the sign-in again and approve it in the browser within 10 minutes.'
  },
  cancelled: { title: 'Sign-in cancelled', next: 'Sign in again when you are ready.' },
  timeout: {
    title: 'No answer from the browser',
    next: 'Start the sign-in again; if the page never opened, use the device code.'
  },
  'session-ended': { title: 'The session has ended', next: 'Sign in again.' },
  'no-access': {
    title: 'No account or role granted',
    next: 'Ask your administrator to assign you a permission set in the accounts you manage Connect in.'
  },
  config: {
    title: 'Check the start URL and Region',
    next: 'The Region must be the one your Identity Center lives in (its settings page shows it).'
  },
  network: {
    title: 'IAM Identity Center could not be reached',
    next: 'Check the network, and the proxy in Settings: it must let IAM Identity Center through.'
  },
  failed: {
    title: 'The sign-in failed',
    next: 'Try again; if it keeps failing, copy the message for support.'
  }
}

/** The reason of a failure main reported without a sign-in event (e.g. before the page opened). */
function reasonOf(error: AppErrorData): SsoFailure {
  if (error.code.startsWith('NETWORK_')) return 'network'
  if (
    error.code === 'AWS' &&
    /Invalid(Request|Scope|Client)|Unauthorized|Unsupported/.test(error.details?.awsCode ?? '')
  )
    return 'config'
  if (error.code === 'CREDENTIALS') return 'session-ended'
  return 'failed'
}

/** A session's name as shown: the Sandbox's gets a readable one. */
export function sessionTitle(session: Pick<SsoSessionStatus, 'session' | 'source'>): string {
  return session.source === 'sandbox' ? 'Sandbox Identity Center' : session.session
}

/** The account and role of an `sso:` profile, to name it where no summary is at hand. */
export function ssoProfileTitle(profile: string, accountName?: string): string | undefined {
  const target = parseSsoProfileName(profile)
  return target ? `${accountName ?? target.accountId} · ${target.roleName}` : undefined
}

export class SsoState {
  sessions = $state<SsoSessionStatus[]>([])
  problems = $state<SsoSessionProblem[]>([])
  /** Set when the sessions could not be listed (an unreadable ~/.aws/config). */
  loadError = $state<AppErrorData | undefined>()
  loaded = $state(false)
  signIn = $state<SignInView | undefined>()
  picker = $state<PickerView | undefined>()
  /** The session being signed out (its button shows progress). */
  signingOut = $state<string | undefined>()
  /** The `sso:` profile being chosen in the picker. */
  choosing = $state<string | undefined>()
  /** Each sign-in attempt's number: the answer of a replaced attempt (cancelled for a retry) is ignored. */
  private attempt = 0
  /** Resolves the beginSignIn in progress: true once signed in, false when the dialog is closed. */
  private finish: ((signedIn: boolean) => void) | undefined

  /** Subscribes to main's IAM Identity Center events and lists the sessions; returns the unsubscribe. */
  start(): () => void {
    const stop = api.on('sso:event', (event) => this.onEvent(event))
    // Invoke never rejects in the app; a bridge that does leaves the list as it is.
    void this.load().catch(() => undefined)
    return stop
  }

  /** Lists the sessions again (at start, on focus, after a change). */
  async load(): Promise<void> {
    const result = await api.invoke('sso:list-sessions', undefined)
    if (result.ok) this.apply(result.value)
    else this.loadError = result.error
    this.loaded = true
  }

  private apply(list: SsoSessionList): void {
    this.sessions = list.sessions
    this.problems = list.problems
    this.loadError = undefined
  }

  /** The status of a session by name. */
  statusOf(session: string): SsoSessionStatus | undefined {
    return this.sessions.find((s) => s.session === session)
  }

  private upsert(status: SsoSessionStatus): void {
    const index = this.sessions.findIndex((s) => s.session === status.session)
    if (index >= 0) this.sessions[index] = status
    else this.sessions = [...this.sessions, status]
  }

  /** Main's events: the dialog follows its sign-in; statuses follow every change (the CLI's included). */
  onEvent(event: SsoEvent): void {
    const current = this.signIn
    switch (event.type) {
      case 'sign-in-started':
        if (current && current.phase === 'starting') {
          current.started = event.started
          current.phase = 'waiting'
          if (current.cancelRequested)
            void api.invoke('sso:cancel-sign-in', { signInId: event.started.signInId })
        }
        break
      case 'signed-in':
      case 'session-changed':
        this.upsert(event.status)
        break
      case 'sign-in-failed':
        if (current && current.started?.signInId === event.signInId) current.reason = event.reason
        break
    }
  }

  /**
   * The session behind a profile: an `sso:` profile's own, or an SSO profile of ~/.aws/config (by its
   * profile, which also covers a legacy `sso_start_url`). Undefined for any other profile.
   */
  refFor(name: string | undefined, summary?: ProfileSummary): SsoSessionRef | undefined {
    if (!name) return undefined
    const target = parseSsoProfileName(name)
    if (target) return { session: target.session }
    if (summary?.kinds.includes('sso')) return { profile: name }
    return undefined
  }

  /** True when the session of `ref` is known and not signed in (a profile's session may be unknown here). */
  signedOut(ref: SsoSessionRef | undefined, summary?: ProfileSummary): boolean {
    const name = ref && 'session' in ref ? ref.session : summary?.ssoSession
    const status = name ? this.statusOf(name) : undefined
    return status !== undefined && !status.signedIn
  }

  /**
   * Signs in through the browser; the dialog shows the progress. Resolves true once signed in (after a
   * Try again or a switch to the device code too), false when the admin cancels or closes the dialog. A
   * failure keeps the dialog open, saying why, until then.
   */
  beginSignIn(ref: SsoSessionRef, options: { useDeviceCode?: boolean } = {}): Promise<boolean> {
    this.settle(false)
    const outcome = new Promise<boolean>((resolve) => (this.finish = resolve))
    void this.attemptSignIn(ref, options.useDeviceCode ?? false)
    return outcome
  }

  /** Resolves the pending beginSignIn, once. */
  private settle(signedIn: boolean): void {
    const finish = this.finish
    this.finish = undefined
    finish?.(signedIn)
  }

  private async attemptSignIn(ref: SsoSessionRef, useDeviceCode: boolean): Promise<void> {
    const attempt = ++this.attempt
    const name = 'session' in ref ? ref.session : ref.profile
    const known = 'session' in ref ? this.statusOf(ref.session) : undefined
    this.signIn = {
      ref,
      title: known ? sessionTitle(known) : name,
      phase: 'starting',
      cancelRequested: false,
      useDeviceCode
    }
    const result = await api.invoke('sso:sign-in', { ref, ...(useDeviceCode ? { useDeviceCode: true } : {}) })
    // A replaced attempt (cancelled for Try again or the device code) says nothing.
    if (attempt !== this.attempt) return
    const view = this.signIn
    if (result.ok) {
      this.upsert(result.value)
      this.signIn = undefined
      this.settle(true)
      return
    }
    const reason = view?.reason ?? reasonOf(result.error)
    if (!view || view.cancelRequested || reason === 'cancelled') {
      this.signIn = undefined
      this.settle(false)
      return
    }
    view.phase = 'failed'
    view.error = result.error
    view.reason = reason
  }

  /** The dialog's Cancel (or Close after a failure): ends the sign-in (main stops listening and polling). */
  cancelSignIn(): void {
    const view = this.signIn
    if (!view) return
    if (view.phase === 'failed') {
      this.signIn = undefined
      this.settle(false)
      return
    }
    view.cancelRequested = true
    const signInId = view.started?.signInId
    if (signInId) void api.invoke('sso:cancel-sign-in', { signInId })
  }

  /** Starts again (after a failure, or with the device code instead of the browser's redirect). */
  async retrySignIn(options: { useDeviceCode?: boolean } = {}): Promise<void> {
    const view = this.signIn
    if (!view) return
    // The attempt being replaced: its answer (cancelled) is ignored.
    this.attempt++
    const signInId = view.phase === 'waiting' ? view.started?.signInId : undefined
    if (signInId) await api.invoke('sso:cancel-sign-in', { signInId })
    await this.attemptSignIn(view.ref, options.useDeviceCode ?? view.useDeviceCode)
  }

  /** Signs out at Identity Center and removes the cached token. */
  async signOut(session: string): Promise<AppErrorData | undefined> {
    this.signingOut = session
    const result = await api.invoke('sso:sign-out', { ref: { session } })
    this.signingOut = undefined
    if (!result.ok) return result.error
    this.upsert(result.value.status)
    if (this.picker?.session === session) this.picker = undefined
    return undefined
  }

  /** Saves a session typed into the app (start URL and Region); the error says which field is wrong. */
  async saveSession(session: AppSsoSession): Promise<AppErrorData | undefined> {
    const result = await api.invoke('sso:save-session', session)
    if (!result.ok) return result.error
    this.apply(result.value)
    return undefined
  }

  /** Forgets a session typed into the app (signed out first), with the roles remembered under it. */
  async removeSession(name: string): Promise<AppErrorData | undefined> {
    const result = await api.invoke('sso:remove-session', { name })
    if (!result.ok) return result.error
    this.apply(result.value)
    return undefined
  }

  /** Opens the picker of a session's accounts and roles (asking Identity Center again with `refresh`). */
  async openPicker(session: string, refresh = false): Promise<void> {
    this.picker = {
      session,
      loading: true,
      ...(this.picker?.session === session ? { accounts: this.picker.accounts } : {})
    }
    const result = await api.invoke('sso:accounts', refresh ? { session, refresh } : { session })
    const picker = this.picker
    if (picker?.session !== session) return
    picker.loading = false
    if (result.ok) {
      picker.accounts = result.value
      picker.error = undefined
    } else picker.error = result.error
  }

  closePicker(): void {
    this.picker = undefined
  }

  /**
   * Works in an account and role: remembers it (listed with the profiles, restored at start), then picks
   * it as the profile, so the usual Region → instance flow follows.
   */
  async choose(
    accounts: AccountsState,
    account: SsoAccountWithRoles,
    role: SsoRole,
    session: string
  ): Promise<AppErrorData | undefined> {
    this.choosing = role.profile
    const remembered = await api.invoke('sso:remember-target', {
      session,
      accountId: role.accountId,
      roleName: role.roleName,
      accountName: account.accountName.slice(0, 256)
    })
    this.choosing = undefined
    if (!remembered.ok) return remembered.error
    this.picker = undefined
    await accounts.refreshProfiles()
    await accounts.selectProfile(role.profile)
    return undefined
  }
}

const key = Symbol('sso')
export const provideSso = (state: SsoState): SsoState => setContext(key, state)
/** The window's SSO state; undefined where none was provided (a component rendered on its own). */
export const useSso = (): SsoState | undefined => getContext<SsoState | undefined>(key)

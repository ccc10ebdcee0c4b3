/** Typed access to the state classes App creates once and shares through Svelte context. */
import { getContext, setContext } from 'svelte'
import type { AccountsState } from './accounts-state.svelte'
import type { CreateUserState } from './create-user-state.svelte'
import type { ShellState } from './shell-state.svelte'
import type { TemplatesState } from './templates-state.svelte'

const accountsKey = Symbol('accounts')
const shellKey = Symbol('shell')
const templatesKey = Symbol('templates')
const createUserKey = Symbol('create-user')

export const provideAccounts = (state: AccountsState): AccountsState => setContext(accountsKey, state)
export const useAccounts = (): AccountsState => getContext(accountsKey)
export const provideShell = (state: ShellState): ShellState => setContext(shellKey, state)
export const useShell = (): ShellState => getContext(shellKey)
export const provideTemplates = (state: TemplatesState): TemplatesState => setContext(templatesKey, state)
export const useTemplates = (): TemplatesState => getContext(templatesKey)
export const provideCreateUser = (state: CreateUserState): CreateUserState => setContext(createUserKey, state)
export const useCreateUser = (): CreateUserState => getContext(createUserKey)

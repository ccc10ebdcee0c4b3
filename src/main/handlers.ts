/**
 * Maps every IPC contract channel to the service method that answers it. No Electron here: the app
 * registers these on ipcMain, and the e2e bridge calls the very same functions.
 */
import type { Services } from './composition'
import type { Handlers } from './ipc/dispatch'
import { describeRecovery } from './services/store-recovery'
import { AppError } from '../shared/result'
import { escapeInvisible } from '../shared/text'

/** Builds the handler map from the services. */
export function createHandlers(services: Services): Handlers {
  const {
    appInfo,
    accounts,
    gateway,
    directory,
    settings,
    mfa,
    templates,
    templateFiles,
    lookups,
    createUser,
    activity,
    clipboard,
    bulk,
    bulkDesk,
    sso
  } = services
  const templateNotices = (): string[] => (templates.recovery ? [describeRecovery(templates.recovery)] : [])
  return {
    'app:info': () => appInfo.info(),
    'accounts:list-profiles': () => accounts.list(),
    'accounts:whoami': (request) => directory.identity(request),
    'accounts:list-instances': ({ refresh, ...context }) =>
      directory.instances(context, refresh ? { refresh } : {}),
    'accounts:describe-instance': (request) => directory.instance(request),
    'accounts:answer-mfa': ({ requestId, code }) => {
      mfa.answer(requestId, code)
      return null
    },
    'accounts:set-label': ({ accountId, label }) => settings.setAccountLabel(accountId, label),
    'accounts:remember': (request) => settings.remember(request),
    'settings:get': () => settings.view(),
    'settings:set-network': (request) => settings.setNetwork(request),
    'settings:pick-ca-file': () => settings.pickCaFile(),
    'templates:list': () => ({ templates: templates.list(), notices: templateNotices() }),
    'templates:save': ({ template, previousName }) => templates.save(template, previousName),
    'templates:duplicate': ({ name }) => templates.duplicate(name),
    'templates:delete': ({ name }) => {
      templates.delete(name)
      return null
    },
    'templates:export-file': ({ names }) => templateFiles.exportFile(names),
    'templates:import-file': ({ onConflict }) => templateFiles.importFile(onConflict),
    'templates:resolve': async ({ name, ...context }) =>
      templates.resolve(name, await lookups.forInstance(context)),
    'templates:drift': ({ name }) => templates.drift(lookups.all(), name),
    'templates:from-user': ({ userId, ...context }) => lookups.templateFromUser(context, userId),
    'lookups:list': () => lookups.all(),
    'lookups:refresh': (context) => lookups.refresh(context),
    'users:search': ({ query, ...context }) => gateway.searchUsers(context, query),
    'users:preview': ({ template, person, ...context }) => createUser.preview({ context, template, person }),
    'users:create': ({ template, person, ...context }) => createUser.create({ context, template, person }),
    'activity:list': () => activity.list(),
    'activity:export-file': ({ query, outcome }) => activity.exportFile(query, outcome),
    'clipboard:write': ({ text, sensitive }) => {
      clipboard.copy(text, sensitive)
      return null
    },
    'bulk:plan-file': ({ template, generatePasswords, ...context }) =>
      bulkDesk.planFile(context, { template, generatePasswords }),
    'bulk:replan': ({ planId, ...options }) => bulkDesk.replan(planId, options),
    'bulk:run': ({ planId, rate, rememberRate }) =>
      bulkDesk.run(planId, { perSecond: rate, remember: rememberRate }),
    'bulk:control': ({ batchId, action }) => bulkDesk.control(batchId, action),
    'bulk:list': () => bulk.list(),
    'bulk:view': ({ batchId }) => bulkDesk.view(batchId),
    'bulk:resume': ({ batchId, rate }) => bulkDesk.resume(batchId, { perSecond: rate }),
    'bulk:undo': ({ batchId, count }) => bulkDesk.undo(batchId, count),
    'bulk:export-file': ({ batchId, format }) => bulkDesk.exportFile(batchId, format),
    'bulk:save-passwords': ({ batchId }) => bulkDesk.savePasswords(batchId),
    'bulk:save-blank': ({ form }) => bulkDesk.saveBlank(form),
    'sso:list-sessions': () => sso.sessions(),
    'sso:sign-in': ({ ref, useDeviceCode }) => sso.signIn(ref, useDeviceCode ? { useDeviceCode } : {}),
    'sso:cancel-sign-in': ({ signInId }) => {
      sso.cancelSignIn(signInId)
      return null
    },
    'sso:sign-out': ({ ref }) => sso.signOut(ref),
    'sso:accounts': ({ session, refresh }) => sso.accountsWithRoles(session, refresh ? { refresh } : {}),
    'sso:roles': ({ session, accountId, refresh }) =>
      sso.roles(session, accountId, refresh ? { refresh } : {}),
    'sso:save-session': async (session) => {
      const known = sso.sessions().sessions.find((s) => s.session === session.name)
      if (known && known.source !== 'app')
        throw new AppError(
          'CONFLICT',
          `There is already an IAM Identity Center session named "${session.name}" in ${known.source === 'sandbox' ? 'the Sandbox' : '~/.aws/config'}: choose another name.`,
          { field: 'name' }
        )
      // The token is cached under the session's name: one for another start URL or Region must not be reused.
      if (known && (known.startUrl !== session.startUrl || known.region !== session.region))
        await sso.signOut({ session: session.name }).catch(() => undefined)
      settings.saveSsoSession(session)
      return sso.sessions()
    },
    'sso:remove-session': async ({ name }) => {
      if (!settings.sso().sessions.some((s) => s.name === name))
        throw new AppError(
          'NOT_FOUND',
          `"${escapeInvisible(name)}" is not a session added in the app: sessions of ~/.aws/config are removed in that file.`
        )
      // Its token would outlive it in ~/.aws/sso/cache: end the session first (best effort), unless a
      // session of ~/.aws/config has its name (that one is in use, and stays signed in).
      if (sso.sessions().sessions.find((s) => s.session === name)?.source === 'app')
        await sso.signOut({ session: name }).catch(() => undefined)
      settings.removeSsoSession(name)
      return sso.sessions()
    },
    'sso:remember-target': (target) => settings.rememberSsoTarget(target),
    'sso:forget-target': (target) => settings.forgetSsoTarget(target)
  }
}

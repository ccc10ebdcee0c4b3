/** `sso:<session>/<account>/<role>` names: shared with the window, so they live in src/shared/sso.ts. */
export { parseSsoProfileName, ssoProfileName, ssoTargetPrefix, type SsoTargetName } from '../../../shared/sso'

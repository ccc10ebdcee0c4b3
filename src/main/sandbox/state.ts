/**
 * The Sandbox's world in memory: principals (access keys and assumed-role sessions), roles, MFA
 * devices, and Connect instances with their resources and users. Every instance belongs to one
 * account and one Region, and is only visible from there.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IdentityType } from '../../shared/connect-rules'
import type { SandboxSeed, SeedInstance, SeedUser } from './seed'
import { demoIdentityCenter, demoIdentityCenterAccounts, identityCenterSchema } from './sso-seed'

/** Who signed a request: an IAM user's access key or an assumed-role session. */
export interface Principal {
  accessKeyId: string
  secretAccessKey: string
  accountId: string
  arn: string
  userId: string
  /** Only for sessions from AssumeRole and Identity Center's GetRoleCredentials. */
  sessionToken?: string
  expiresAt?: number
  /** An Identity Center role of a read-only permission set: Connect calls that change data are refused. */
  readOnly?: boolean
}

interface NamedResource {
  id: string
  name: string
  description?: string
}

interface HierarchyGroup extends NamedResource {
  parentId?: string
  /** 1 for a top-level group. */
  level: number
}

const firstNames =
  'Aisha Ben Carla Dmitri Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Nikhil Olga Pedro Quinn Rosa Sven Tara Umar Vera Wei Ximena Yusuf Zoe Amara Bruno Chloe Diego Esme Femi Gita Hugo Ivy Jamal Kira Luca Mina Noah'.split(
    ' '
  )
const lastNames =
  'Adams Baker Chen Dubois Evans Fischer Garcia Haddad Ito Jensen Kowalski Lopez Murphy Nakamura Okafor Patel Quintero Rossi Schmidt Tanaka Ueda Vargas Walsh Xu Yilmaz Zimmermann Andersen Brennan Costa Dimitrov Eriksen Ferreira Gallagher Horvat Ivanova Jovanovic Kim Lindqvist Moreau Novak'.split(
    ' '
  )

/** One Connect instance and everything in it. */
export class InstanceState {
  readonly id: string
  readonly alias: string
  readonly accountId: string
  readonly region: string
  readonly identityManagementType: IdentityType
  usersQuota: number
  readonly createdTime: number
  readonly routingProfiles = new Map<string, NamedResource>()
  readonly securityProfiles = new Map<string, NamedResource>()
  readonly hierarchyLevels: string[]
  readonly hierarchyGroups = new Map<string, HierarchyGroup>()
  /** Users in creation order, by ID. */
  readonly users = new Map<string, SeedUser>()
  private readonly userIdsByName = new Map<string, string>()

  constructor(seed: SeedInstance) {
    this.id = seed.id
    this.alias = seed.alias
    this.accountId = seed.accountId
    this.region = seed.region
    this.identityManagementType = seed.identityManagementType as IdentityType
    this.usersQuota = seed.usersQuota
    this.createdTime = seed.createdTime ?? Math.floor(Date.now() / 1000)
    for (const r of seed.routingProfiles) this.routingProfiles.set(r.id, r)
    for (const s of seed.securityProfiles) this.securityProfiles.set(s.id, s)
    this.hierarchyLevels = seed.hierarchy.levels
    const parents = new Map(seed.hierarchy.groups.map((g) => [g.id, g.parentId]))
    const depth = (groupId: string | undefined, seen = 0): number =>
      groupId === undefined || seen > 5 ? 0 : 1 + depth(parents.get(groupId), seen + 1)
    for (const g of seed.hierarchy.groups) this.hierarchyGroups.set(g.id, { ...g, level: depth(g.id) })
    for (const user of seed.users)
      this.addUser({ ...user, LastModifiedTime: user.LastModifiedTime ?? this.createdTime })
    if (seed.generatedUsers) this.generateUsers(seed.generatedUsers)
  }

  /** `arn:aws:connect:REGION:ACCOUNT:instance/ID` plus an optional resource suffix. */
  arn(suffix = ''): string {
    return `arn:aws:connect:${this.region}:${this.accountId}:instance/${this.id}${suffix}`
  }

  userIdByName(username: string): string | undefined {
    return this.userIdsByName.get(username)
  }

  /** Adds a user; the caller has checked the username is free. */
  addUser(user: SeedUser): SeedUser {
    const stored = { ...user, LastModifiedTime: user.LastModifiedTime ?? Date.now() / 1000 }
    this.users.set(stored.Id, stored)
    this.userIdsByName.set(stored.Username, stored.Id)
    return stored
  }

  deleteUser(userId: string): boolean {
    const user = this.users.get(userId)
    if (!user) return false
    this.users.delete(userId)
    this.userIdsByName.delete(user.Username)
    return true
  }

  private generateUsers(spec: NonNullable<SeedInstance['generatedUsers']>): void {
    const saml = this.identityManagementType === 'SAML'
    const domain = `${this.alias}.example.com`
    let made = 0
    for (let i = 0; made < spec.count; i++) {
      const first = firstNames[i % firstNames.length] ?? 'Agent'
      const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length] ?? 'User'
      const round = Math.floor(i / (firstNames.length * lastNames.length))
      const base = `${first}.${last}${round ? round + 1 : ''}`.toLowerCase()
      const username = saml ? `${base}@${domain}` : base.slice(0, 20)
      if (this.userIdsByName.has(username)) continue
      this.addUser({
        Id: `${this.id.slice(0, 8)}-0000-4000-8000-${String(i).padStart(12, '0')}`,
        Username: username,
        RoutingProfileId: spec.routingProfileId,
        SecurityProfileIds: spec.securityProfileIds,
        IdentityInfo: { FirstName: first, LastName: last, Email: `${base}@${domain}` },
        PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
        LastModifiedTime: this.createdTime
      })
      made++
    }
  }

  /** This instance as seed data (users listed explicitly). */
  toSeed(): SeedInstance {
    return {
      id: this.id,
      alias: this.alias,
      accountId: this.accountId,
      region: this.region,
      identityManagementType: this.identityManagementType,
      usersQuota: this.usersQuota,
      createdTime: this.createdTime,
      routingProfiles: [...this.routingProfiles.values()],
      securityProfiles: [...this.securityProfiles.values()],
      hierarchy: {
        levels: this.hierarchyLevels,
        groups: [...this.hierarchyGroups.values()].map(({ level: _level, ...group }) => group)
      },
      users: [...this.users.values()]
    }
  }
}

/** Everything the Sandbox knows; `onChange` listeners hear about every mutation (for persistence). */
export class SandboxState {
  private readonly principals = new Map<string, Principal>()
  readonly accounts = new Map<string, { id: string; name: string }>()
  readonly roles = new Map<string, SandboxSeed['roles'][number]>()
  readonly mfaCodes = new Map<string, string>()
  readonly instances = new Map<string, InstanceState>()
  private readonly listeners = new Set<() => void>()

  constructor(seed: SandboxSeed) {
    for (const account of seed.accounts) {
      this.accounts.set(account.id, { id: account.id, name: account.name })
      for (const key of account.accessKeys) {
        this.principals.set(key.accessKeyId, {
          accessKeyId: key.accessKeyId,
          secretAccessKey: key.secretAccessKey,
          accountId: account.id,
          arn: `arn:aws:iam::${account.id}:user/${key.userName}`,
          userId: `AIDA${key.accessKeyId.slice(4, 20).padEnd(16, 'X')}`
        })
      }
    }
    for (const role of seed.roles) this.roles.set(role.arn, role)
    for (const device of seed.mfaDevices) this.mfaCodes.set(device.serialNumber, device.code)
    for (const instance of seed.instances) this.instances.set(instance.id, new InstanceState(instance))
    this.seedShape = withIdentityCenter(seed)
  }

  private readonly seedShape: SandboxSeed

  principal(accessKeyId: string): Principal | undefined {
    return this.principals.get(accessKeyId)
  }

  /** Issues temporary credentials for an assumed role, valid for `seconds`. */
  issueSession(roleArn: string, sessionName: string, seconds: number): Principal {
    const accountId = roleArn.split(':')[4] ?? ''
    const roleName = roleArn.split('/').at(-1) ?? ''
    const session: Principal = {
      accessKeyId: `ASIA${randomBytes(12).toString('hex').toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `AROA${randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}:${sessionName}`,
      expiresAt: Date.now() + seconds * 1000
    }
    this.principals.set(session.accessKeyId, session)
    return session
  }

  /**
   * Issues temporary credentials for an Identity Center permission set in `accountId` (its role is
   * `AWSReservedSSO_<name>_<suffix>`, the session named after the user), valid until `expiresAt`.
   */
  issueSsoSession(
    accountId: string,
    permissionSet: string,
    userName: string,
    expiresAt: number,
    readOnly: boolean
  ): Principal {
    const suffix = createHash('sha256').update(`${accountId}/${permissionSet}`).digest('hex').slice(0, 16)
    const session: Principal = {
      accessKeyId: `ASIA${randomBytes(12).toString('hex').toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${permissionSet}_${suffix}/${userName}`,
      userId: `AROA${createHash('sha256').update(suffix).digest('hex').slice(0, 17).toUpperCase()}:${userName}`,
      expiresAt,
      ...(readOnly ? { readOnly } : {})
    }
    this.principals.set(session.accessKeyId, session)
    return session
  }

  /** Instances of an account in a Region, in seed order. */
  instancesOf(accountId: string, region: string): InstanceState[] {
    return [...this.instances.values()].filter((i) => i.accountId === accountId && i.region === region)
  }

  /** The instance, only if it belongs to this account and Region. */
  instance(accountId: string, region: string, instanceId: string): InstanceState | undefined {
    const instance = this.instances.get(instanceId)
    return instance && instance.accountId === accountId && instance.region === region ? instance : undefined
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Tells persistence that something changed. */
  changed(): void {
    for (const listener of this.listeners) listener()
  }

  /** The whole world as a seed (sessions are not kept: they are short-lived). */
  toSeed(): SandboxSeed {
    return { ...this.seedShape, instances: [...this.instances.values()].map((i) => i.toSeed()) }
  }
}

/**
 * The seed, with the demo Identity Center added when it is the demo world saved before the Identity
 * Center existed (an app's sandbox-state.json from an earlier version): its accounts are the demo's.
 */
function withIdentityCenter(seed: SandboxSeed): SandboxSeed {
  if (seed.identityCenter) return seed
  const ids = new Set(seed.accounts.map((a) => a.id))
  const { alpha, bravo } = demoIdentityCenterAccounts
  if (!ids.has(alpha) || !ids.has(bravo)) return seed
  return { ...seed, identityCenter: identityCenterSchema.parse(demoIdentityCenter()) }
}

/**
 * The Sandbox's seed: accounts and their access keys, IAM roles, MFA devices, and Connect instances
 * with their routing profiles, security profiles, hierarchy and users, and an IAM Identity Center that
 * grants accounts and permission sets to its users. The same format is the state
 * file a persistent Sandbox writes, so a saved state is also a valid seed.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { regionSchema } from '../../shared/accounts'
import { identityTypes } from '../../shared/connect-rules'
import { identityCenterSchema } from './sso-seed'

const id = z.string().min(1).max(100)
const accountId = z.string().regex(/^\d{12}$/, 'an account ID is 12 digits')

const namedResource = z.object({ id, name: z.string().min(1).max(127), description: z.string().optional() })

/** A user as the Sandbox stores it: CreateUser's members (never a password) plus its ID. */
export const seedUserSchema = z
  .object({
    Id: id,
    Username: z.string().min(1).max(100),
    RoutingProfileId: id,
    SecurityProfileIds: z.array(id).min(1).max(10),
    HierarchyGroupId: id.optional(),
    DirectoryUserId: z.string().optional(),
    IdentityInfo: z.record(z.string(), z.string()).optional(),
    PhoneConfig: z.record(z.string(), z.unknown()).optional(),
    AutoAcceptConfigs: z.array(z.record(z.string(), z.unknown())).optional(),
    AfterContactWorkConfigs: z.array(z.record(z.string(), z.unknown())).optional(),
    PhoneNumberConfigs: z.array(z.record(z.string(), z.unknown())).optional(),
    PersistentConnectionConfigs: z.array(z.record(z.string(), z.unknown())).optional(),
    VoiceEnhancementConfigs: z.array(z.record(z.string(), z.unknown())).optional(),
    Tags: z.record(z.string(), z.string()).optional(),
    LastModifiedTime: z.number().optional()
  })
  .strict()
export type SeedUser = z.infer<typeof seedUserSchema>

const instanceSchema = z
  .object({
    id,
    alias: z
      .string()
      .regex(/^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/, 'an instance alias is letters, digits and dashes'),
    accountId,
    region: regionSchema,
    identityManagementType: z.enum(identityTypes as [string, ...string[]]),
    /** Users-per-instance quota; AWS's default is 500 and it is adjustable. */
    usersQuota: z.number().int().positive().default(500),
    createdTime: z.number().optional(),
    routingProfiles: z.array(namedResource),
    securityProfiles: z.array(namedResource),
    hierarchy: z
      .object({
        /** Level names, top first (at most five). */
        levels: z.array(z.string().min(1)).max(5),
        groups: z.array(z.object({ id, name: z.string().min(1), parentId: id.optional() }))
      })
      .default({ levels: [], groups: [] }),
    users: z.array(seedUserSchema).default([]),
    /** Adds `count` realistic users (deterministic) to those listed in `users`. */
    generatedUsers: z
      .object({
        count: z.number().int().min(0),
        routingProfileId: id,
        securityProfileIds: z.array(id).min(1)
      })
      .optional()
  })
  .strict()
export type SeedInstance = z.infer<typeof instanceSchema>

export const seedSchema = z
  .object({
    accounts: z.array(
      z.object({
        id: accountId,
        name: z.string().min(1),
        /** The profile name `--print-aws-config` gives this account (default `sandbox-<id>`). */
        profile: z
          .string()
          .regex(/^[\w.-]+$/)
          .optional(),
        accessKeys: z
          .array(
            z.object({
              accessKeyId: z.string().min(16).max(128),
              secretAccessKey: z.string().min(1),
              userName: z.string().min(1)
            })
          )
          .min(1)
      })
    ),
    roles: z
      .array(
        z.object({
          arn: z
            .string()
            .regex(
              /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/,
              'a role ARN is arn:aws:iam::ACCOUNT:role/NAME'
            ),
          /** The profile name `--print-aws-config` gives this role (default `sandbox-role-<name>`). */
          profile: z
            .string()
            .regex(/^[\w.-]+$/)
            .optional(),
          mfaRequired: z.boolean().default(false),
          /** The longest session AssumeRole may grant (IAM's MaxSessionDuration). */
          maxSessionSeconds: z.number().int().min(900).max(43200).default(3600)
        })
      )
      .default([]),
    /** MFA devices with the one code the Sandbox accepts for them (no clock, so tests are stable). */
    mfaDevices: z
      .array(z.object({ serialNumber: z.string().min(9), code: z.string().regex(/^\d{6}$/) }))
      .default([]),
    instances: z.array(instanceSchema),
    /** IAM Identity Center: the accounts and permission sets it grants, and its users (see sso-seed.ts). */
    identityCenter: identityCenterSchema.optional()
  })
  .strict()
export type SandboxSeed = z.infer<typeof seedSchema>
export type SandboxSeedInput = z.input<typeof seedSchema>

/** Validates a seed, naming the first problem's path in the error. */
export function parseSeed(data: unknown, source = 'seed'): SandboxSeed {
  const parsed = seedSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(
      `${source} is not a valid Sandbox seed: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`
    )
  }
  return parsed.data
}

/** Reads and validates a seed (or saved state) file. */
export function loadSeedFile(file: string): SandboxSeed {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the seed file ${file}: ${(error as Error).message}`, { cause: error })
  }
  let data: unknown
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, '')) // a byte-order mark from a Windows editor is fine
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`, { cause: error })
  }
  return parseSeed(data, file)
}

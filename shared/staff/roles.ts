// Staff roles and what each may do: data in shared/config/staff.json (labels, the permission
// table, sign-in policy numbers), read and checked here for the desk, the centre and the CLI.
import { z } from 'zod';
import staffJson from '../config/staff.json' with { type: 'json' };

export const ROLES = [
  'clerk',
  'hall_manager',
  'account_manager',
  'back_office',
  'complaint_handler',
  'admin',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const PERMISSIONS = [
  'application.accept',
  'application.edit',
  'review.override',
  'record.print',
  'record.export',
  'scan.view',
  'feedback.register',
  'feedback.reply',
  'queue.serve',
  'queue.setup',
  'config.change',
  'retention.change',
  'staff.manage',
  'supervision.hall',
  'supervision.all',
  'audit.read',
  'application.transition',
  'supervision.commend',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const StaffPolicy = z.object({
  /** Wrong passwords in a row before the account is locked on that desk. */
  lockoutAttempts: z.number().int().min(1).max(20),
  lockoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Inactivity before the desk locks the session (PIN unlocks). */
  idleLockMinutes: z.number().int().min(1).max(240),
  /** A desk that has not pulled the directory for longer lets only people known to it sign in. */
  maxStaleDays: z.number().int().min(1).max(90),
  pinAttempts: z.number().int().min(1).max(20),
  pinMinDigits: z.number().int().min(4).max(6),
  pinMaxDigits: z.number().int().min(4).max(6),
  passwordMinLength: z.number().int().min(6).max(64),
  consoleSessionHours: z.number().int().min(1).max(72),
});
export type StaffPolicy = z.infer<typeof StaffPolicy>;

const Label = z.object({ zh: z.string().min(1), en: z.string().min(1) });

export const StaffConfig = z.object({
  version: z.number().int().nonnegative(),
  roles: z.array(Label.extend({ code: Role })).min(1),
  permissions: z.record(Permission, Label.extend({ roles: z.array(Role) })),
  policy: StaffPolicy,
  supervision: z.object({
    /** Days after acceptance a promised (后补) document may take before it counts as missed. */
    promisedDocumentDays: z.number().int().min(0).max(365),
    /** How far back (days of acceptance) the clerk's 我的工作 lists the back office's returns. */
    returnNoticeDays: z.number().int().min(1).max(3650).default(90),
  }),
  scrypt: z.object({
    N: z
      .number()
      .int()
      .min(1024)
      .max(1 << 20),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(16),
    dkLen: z.number().int().min(16).max(64),
  }),
});
export type StaffConfig = z.infer<typeof StaffConfig>;

export const staffConfig: StaffConfig = StaffConfig.parse(staffJson);

export function roleLabel(role: Role, lang: 'zh' | 'en' = 'zh'): string {
  const r = staffConfig.roles.find((x) => x.code === role);
  return r ? r[lang] : role;
}

export function permissionLabel(p: Permission, lang: 'zh' | 'en' = 'zh'): string {
  return staffConfig.permissions[p][lang];
}

/** The roles that may do `p` (configuration). */
export function rolesFor(p: Permission, cfg: StaffConfig = staffConfig): readonly Role[] {
  return cfg.permissions[p].roles;
}

/** True when one of `roles` may do `p`. */
export function may(roles: readonly Role[], p: Permission, cfg: StaffConfig = staffConfig) {
  const allowed = rolesFor(p, cfg);
  return roles.some((r) => allowed.includes(r));
}

/** Human Chinese list of the roles allowed to do `p`, for refusals ("需要 营业厅主管 或 管理员"). */
export function allowedRolesText(p: Permission, lang: 'zh' | 'en' = 'zh'): string {
  return rolesFor(p)
    .map((r) => roleLabel(r, lang))
    .join(lang === 'zh' ? ' 或 ' : ' or ');
}

/** What the desk shows for a record that carries no staff id (made before staff existed). */
export const UNRECORDED_STAFF = { zh: '未记录', en: 'Not recorded' } as const;

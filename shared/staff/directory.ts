// The staff directory on the wire: what the administrator writes, what the console lists, what
// a desk pulls for offline sign-in (verifiers, never passwords) and what it reports back
// (lockouts, a password changed at first sign-in). Schemas only; shared by every side.
import { z } from 'zod';
import { Verifier } from './password';
import { Role } from './roles';

export const StaffNo = z.string().regex(/^[A-Za-z0-9_-]{2,20}$/, '工号为 2–20 位字母、数字、-、_');
export const StaffState = z.enum(['active', 'disabled', 'removed']);
export type StaffState = z.infer<typeof StaffState>;
const Phone = z.string().regex(/^[0-9+\- ]{5,20}$/, '电话格式错误');

export const CreateStaffRequest = z.object({
  staffNo: StaffNo,
  name: z.string().trim().min(1).max(40),
  /** Hall code; absent/null: a member of the centre. */
  hallCode: z.string().min(1).max(20).nullable().optional(),
  roles: z.array(Role).min(1),
  phone: Phone.optional(),
});
export type CreateStaffRequest = z.infer<typeof CreateStaffRequest>;

export const UpdateStaffRequest = z.object({
  name: z.string().trim().min(1).max(40).optional(),
  roles: z.array(Role).min(1).optional(),
  state: StaffState.optional(),
  phone: Phone.nullable().optional(),
});
export type UpdateStaffRequest = z.infer<typeof UpdateStaffRequest>;

/** A staff member as the console and the CLI show them (no verifier). */
export interface StaffOut {
  staffNo: string;
  name: string;
  hallCode: string | null;
  roles: Role[];
  state: StaffState;
  phone: string | null;
  mustChange: boolean;
  lockouts: number;
  createdAt: string;
  updatedAt: string;
}

/** Answer to create / reset: the temporary password, shown once and never stored. */
export interface StaffWithPassword {
  staff: StaffOut;
  temporaryPassword: string;
}

/** One person in a desk's directory. A disabled person is listed without a verifier. */
export const DeskStaff = z.object({
  staffNo: StaffNo,
  name: z.string(),
  roles: z.array(Role),
  state: z.enum(['active', 'disabled']),
  mustChange: z.boolean(),
  /** Bumped by every password set at the centre or accepted from a desk. */
  pwVersion: z.number().int().positive(),
  verifier: Verifier.optional(),
});
export type DeskStaff = z.infer<typeof DeskStaff>;

/** GET /api/v1/staff: the device's hall's staff (the whole list each time: tens of people). */
export const StaffDirectoryResponse = z.object({
  hallCode: z.string(),
  serverTime: z.string(),
  staff: z.array(DeskStaff),
});
export type StaffDirectoryResponse = z.infer<typeof StaffDirectoryResponse>;

export const StaffEvent = z.discriminatedUnion('kind', [
  z.object({
    id: z.uuid(),
    kind: z.literal('lockout'),
    staffNo: StaffNo,
    at: z.string(),
    attempts: z.number().int().positive(),
  }),
  z.object({
    id: z.uuid(),
    kind: z.literal('password'),
    staffNo: StaffNo,
    at: z.string(),
    /** The pwVersion the desk's verifier replaced: a reset at the centre since then wins. */
    basePwVersion: z.number().int().positive(),
    verifier: Verifier,
  }),
]);
export type StaffEvent = z.infer<typeof StaffEvent>;

/** POST /api/v1/staff/events */
export const StaffEventsRequest = z.object({ events: z.array(StaffEvent).min(1).max(200) });
export type StaffEventsRequest = z.infer<typeof StaffEventsRequest>;
export const StaffEventsResponse = z.object({
  results: z.array(
    z.object({ id: z.string(), status: z.enum(['applied', 'duplicate', 'superseded']) }),
  ),
});
export type StaffEventsResponse = z.infer<typeof StaffEventsResponse>;

/** POST /api/v1/staff/session: console / back-office sign-in. */
export const StaffSessionRequest = z.object({
  staffNo: StaffNo,
  password: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200).optional(),
});
export const StaffSessionResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  staffNo: z.string(),
  name: z.string(),
  roles: z.array(Role),
  hallCode: z.string().nullable(),
});
export type StaffSessionResponse = z.infer<typeof StaffSessionResponse>;

export const staffPaths = {
  directory: '/api/v1/staff',
  events: '/api/v1/staff/events',
  session: '/api/v1/staff/session',
  adminStaff: '/api/v1/admin/staff',
  adminStaffMember: (no: string) => `/api/v1/admin/staff/${encodeURIComponent(no)}`,
  adminStaffReset: (no: string) => `/api/v1/admin/staff/${encodeURIComponent(no)}/reset-password`,
  adminStaffImport: '/api/v1/admin/staff/import',
  adminAuditVerify: '/api/v1/admin/audit/verify',
  adminSupervision: '/api/v1/admin/supervision',
  adminSupervisionRecords: '/api/v1/admin/supervision/records',
} as const;

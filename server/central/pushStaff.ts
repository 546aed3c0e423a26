// The person on a pushed record (issue 13): an application or feedback that names a staff
// member (acceptedByStaffNo on a create, updatedByStaffNo on an update), or a commendation /
// correction (createdByStaffNo, the hall manager who wrote it) is refused unless that
// person is of the device's hall and holds the role the action needs. A record without a staff
// number (a desk whose hall has no staff yet) passes as before. A queue event of a counter
// action (call, recall, transfer, no-show, finish, sign-in) is checked the same way for the
// 'queue.serve' permission. A person disabled since is not refused: what they did while signed
// in offline stays theirs.
import { may, allowedRolesText, type Permission, type Role } from '../../shared/staff/roles';
import type { Queryable } from '../db/db';
import type { DeviceAuth } from './auth';

export interface StaffCheckInput {
  changeId: string;
  entity: 'application' | 'feedback' | 'supervision_note' | 'queue_event';
  /** A record, or for a queue event its payload `{ event: { type, staffNo? } }`. */
  record: {
    acceptedByStaffNo?: string | undefined;
    updatedByStaffNo?: string | undefined;
    /** A commendation / correction: its writer must be a hall manager of this hall. */
    createdByStaffNo?: string | undefined;
    event?: unknown;
  };
  /** The centre already has the record: this is an update. */
  exists: boolean;
}

/**
 * Queue events that are a person's counter action (issue 13 §2): the person must be of the
 * hall and may serve the queue. A rating names the clerk who served but is the customer's act,
 * so it is not refused (a role removed since must not lose a customer's rating).
 */
const SERVE_EVENTS: ReadonlySet<string> = new Set([
  'called',
  'recalled',
  'no_show',
  'transferred',
  'held',
  'called_back',
  'finished',
  'counter_signed_in',
  'counter_signed_out',
]);

function queueStaffNo(payload: { event?: unknown }): string | undefined {
  const ev = payload.event as { type?: unknown; staffNo?: unknown } | null | undefined;
  if (!ev || typeof ev.type !== 'string' || !SERVE_EVENTS.has(ev.type)) return undefined;
  return typeof ev.staffNo === 'string' && ev.staffNo ? ev.staffNo : undefined;
}

export interface StaffRefusal {
  code: 'E_STAFF_UNKNOWN' | 'E_STAFF_HALL' | 'E_STAFF_ROLE';
  reason: string;
}

function needFor(i: StaffCheckInput): { staffNo: string | undefined; perms: Permission[] } {
  if (i.entity === 'supervision_note')
    // An edit or withdrawal is checked on its author (the last change's), a new note on its writer.
    return {
      staffNo: i.record.updatedByStaffNo ?? i.record.createdByStaffNo,
      perms: ['supervision.commend'],
    };
  if (i.entity === 'queue_event')
    return { staffNo: queueStaffNo(i.record), perms: ['queue.serve'] };
  if (i.entity === 'application')
    return i.exists
      ? { staffNo: i.record.updatedByStaffNo, perms: ['application.edit'] }
      : { staffNo: i.record.acceptedByStaffNo, perms: ['application.accept'] };
  return i.exists
    ? { staffNo: i.record.updatedByStaffNo, perms: ['feedback.register', 'feedback.reply'] }
    : { staffNo: i.record.acceptedByStaffNo, perms: ['feedback.register'] };
}

export async function staffRefusals(
  tx: Queryable,
  auth: DeviceAuth,
  inputs: StaffCheckInput[],
): Promise<Map<string, StaffRefusal>> {
  const out = new Map<string, StaffRefusal>();
  const wanted = inputs.map((i) => ({ i, ...needFor(i) })).filter((x) => x.staffNo);
  if (wanted.length === 0) return out;
  const { rows } = await tx.query<{ staff_no: string; hall_id: number | null; roles: Role[] }>(
    'SELECT staff_no, hall_id, roles FROM staff WHERE staff_no = ANY($1::text[])',
    [[...new Set(wanted.map((w) => w.staffNo!))]],
  );
  const byNo = new Map(rows.map((r) => [r.staff_no, r]));
  for (const w of wanted) {
    const s = byNo.get(w.staffNo!);
    if (!s) {
      out.set(w.i.changeId, {
        code: 'E_STAFF_UNKNOWN',
        reason: `中心没有工号 ${w.staffNo} (unknown staff member)`,
      });
    } else if (s.hall_id !== auth.hallId) {
      out.set(w.i.changeId, {
        code: 'E_STAFF_HALL',
        reason: `工号 ${w.staffNo} 不属于本营业厅 (staff member of another hall)`,
      });
    } else if (!w.perms.some((p) => may(s.roles, p))) {
      out.set(w.i.changeId, {
        code: 'E_STAFF_ROLE',
        reason: `工号 ${w.staffNo} 没有此操作的角色，需要：${allowedRolesText(w.perms[0]!)} (role required)`,
      });
    }
  }
  return out;
}

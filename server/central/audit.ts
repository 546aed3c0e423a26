// The desks' access logs at the centre (PIPL Art. 51): a device uploads its rows in batches,
// each kept once per (device, the desk's row id); the administrator reads them per hall or per
// record. Labels are masked again here: nothing that looks like an ID number is stored.
import { maskSensitive } from '../../shared/domain/mask';
import { AuditUpload, type AuditEventOut, type AuditUploadResponse } from '../../shared/protocol';
import { iso, type Db } from '../db/db';
import type { DeviceAuth } from './auth';
import { hallId, parse } from './admin';
import { checkArrivingChain } from './auditChain';
import { preparedSql } from '../db/prepared';
import { fail } from './errors';

export async function storeAudit(
  db: Db,
  auth: DeviceAuth,
  body: unknown,
): Promise<AuditUploadResponse> {
  const { entries } = parse(AuditUpload, body);
  const rows = entries.map((e) => ({
    local_id: e.localId,
    at: e.at,
    actor: e.actor,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId,
    label: maskSensitive(e.label),
    detail: e.detail === undefined ? null : maskSensitive(e.detail),
    staff_no: e.staffNo ?? null,
    chain_n: e.n ?? null,
    prev_hash: e.prevHash ?? null,
    hash: e.hash ?? null,
  }));
  await db.transaction(async (tx) => {
    // The hash chain is checked before the rows are stored (auditChain.ts): a gap or an altered
    // entry is flagged for the console; the rows are kept all the same (they are evidence).
    await checkArrivingChain(tx, auth, entries);
    // Every desk sends its log every round: prepared, one generic plan (prepared.ts).
    await tx.query(
      preparedSql(`INSERT INTO audit_events (device_id, local_id, hall_id, at, actor, action, entity, entity_id,
              label, detail, staff_no, chain_n, prev_hash, hash, at_text)
       SELECT $1, x.local_id, $2, x.at::timestamptz, x.actor, x.action, x.entity, x.entity_id, x.label, x.detail,
              x.staff_no, x.chain_n, x.prev_hash, x.hash, x.at
         FROM jsonb_to_recordset($3::jsonb) AS x(local_id bigint, at text, actor text,
              action text, entity text, entity_id text, label text, detail text, staff_no text,
              chain_n bigint, prev_hash text, hash text)
       ON CONFLICT (device_id, local_id) DO NOTHING`),
      [auth.deviceId, auth.hallId, JSON.stringify(rows)],
    );
  });
  return { ackId: Math.max(...entries.map((e) => e.localId)) };
}

/**
 * The access log, newest first. `scopeHallId` (a hall manager's session, operator.ts): only that
 * hall's rows; asking for another hall is refused E_STAFF_HALL (issue 13 §2). null: every hall.
 */
export async function listAudit(
  db: Db,
  query: { hall?: string; entityId?: string; limit?: string },
  scopeHallId: number | null = null,
): Promise<AuditEventOut[]> {
  const limit = Math.max(1, Math.min(1000, Number(query.limit) || 200));
  const where: string[] = [];
  const args: unknown[] = [];
  let hall: number | null = scopeHallId;
  if (query.hall) {
    // By id, on the (hall_id, at) index; an unknown hall is refused as E_NOT_FOUND.
    const asked = await hallId(db, query.hall);
    if (scopeHallId !== null && asked !== scopeHallId)
      fail('E_STAFF_HALL', '只能查看本营业厅的访问记录 (another hall)');
    hall = asked;
  }
  if (hall !== null) {
    args.push(hall);
    where.push(`a.hall_id = $${args.length}`);
  }
  if (query.entityId) {
    args.push(query.entityId);
    where.push(`a.entity_id = $${args.length}`);
  }
  args.push(limit);
  const { rows } = await db.query<{
    local_id: string | number;
    at: unknown;
    actor: string;
    staff_no: string | null;
    action: AuditEventOut['action'];
    entity: AuditEventOut['entity'];
    entity_id: string;
    label: string;
    detail: string | null;
    received_at: unknown;
    hall_code: string;
    device_id: string;
    device_name: string;
  }>(
    `SELECT a.local_id, a.at, a.actor, a.staff_no, a.action, a.entity, a.entity_id, a.label, a.detail,
            a.received_at, h.code AS hall_code, d.id AS device_id, d.name AS device_name
       FROM audit_events a JOIN halls h ON h.id = a.hall_id JOIN devices d ON d.id = a.device_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY a.at DESC, a.local_id DESC
      LIMIT $${args.length}`,
    args,
  );
  return rows.map((r) => ({
    localId: Number(r.local_id),
    at: iso(r.at),
    actor: r.actor,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    label: r.label,
    ...(r.detail === null ? {} : { detail: r.detail }),
    ...(r.staff_no === null ? {} : { staffNo: r.staff_no }),
    hallCode: r.hall_code,
    deviceId: r.device_id,
    deviceName: r.device_name,
    receivedAt: iso(r.received_at),
  }));
}

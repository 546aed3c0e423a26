// The centre's check of the desks' access-log hash chains (shared/staff/chain.ts): on arrival
// each new entry must follow the device's last stored one (a gap or an altered entry is flagged
// for the console), and `audit verify` re-checks a hall's whole stored chains.
import type { AuditRecord } from '../../shared/protocol';
import { verifyChain, type ChainProblem } from '../../shared/staff/chain';
import type { Db, Queryable } from '../db/db';
import { preparedSql } from '../db/prepared';
import { hallId } from './admin';
import type { DeviceAuth } from './auth';

/** Checks the batch's new chained entries against what the device sent before; flags problems. */
export async function checkArrivingChain(
  tx: Queryable,
  auth: DeviceAuth,
  entries: AuditRecord[],
): Promise<ChainProblem[]> {
  const chained = entries.filter((e) => e.n && e.hash && e.prevHash);
  if (chained.length === 0) return [];
  // Resends of rows the centre has are not checked twice.
  const known = await tx.query<{ local_id: string | number }>(
    preparedSql(
      'SELECT local_id FROM audit_events WHERE device_id = $1 AND local_id = ANY($2::bigint[])',
    ),
    [auth.deviceId, chained.map((e) => e.localId)],
  );
  const have = new Set(known.rows.map((r) => Number(r.local_id)));
  const fresh = chained.filter((e) => !have.has(e.localId)).sort((a, b) => a.n! - b.n!);
  if (fresh.length === 0) return [];
  const prev = await tx.query<{ chain_n: string | number; hash: string }>(
    preparedSql(`SELECT chain_n, hash FROM audit_events
      WHERE device_id = $1 AND chain_n IS NOT NULL AND chain_n < $2
      ORDER BY chain_n DESC LIMIT 1`),
    [auth.deviceId, fresh[0]!.n],
  );
  const before = prev.rows[0] ? { n: Number(prev.rows[0].chain_n), hash: prev.rows[0].hash } : null;
  const { problems } = verifyChain(
    fresh.map((e) => ({ ...e, n: e.n!, prevHash: e.prevHash!, hash: e.hash! })),
    before,
  );
  for (const p of problems) {
    await tx.query(
      `INSERT INTO audit_chain_flags (device_id, hall_id, local_id, kind, detail)
       VALUES ($1, $2, $3, $4, $5)`,
      [auth.deviceId, auth.hallId, p.localId, p.kind, p.detail],
    );
  }
  return problems;
}

export interface HallChainReport {
  hallCode: string;
  ok: boolean;
  devices: Array<{
    deviceId: string;
    deviceName: string;
    entries: number;
    ok: boolean;
    problems: ChainProblem[];
  }>;
}

/** Re-checks every device chain of a hall from the stored rows. */
export async function verifyHallChains(db: Db, hallCode: string): Promise<HallChainReport> {
  const id = await hallId(db, hallCode);
  const devices = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM devices WHERE hall_id = $1 ORDER BY created_at',
    [id],
  );
  const report: HallChainReport = { hallCode, ok: true, devices: [] };
  for (const d of devices.rows) {
    const { rows } = await db.query<{
      local_id: string | number;
      chain_n: string | number;
      prev_hash: string;
      hash: string;
      at: Date | string;
      actor: string;
      staff_no: string | null;
      action: string;
      entity: string;
      entity_id: string;
      label: string;
      detail: string | null;
      at_text: string;
    }>(
      `SELECT local_id, chain_n, prev_hash, hash, actor, staff_no, action, entity, entity_id,
              label, detail, at_text
         FROM audit_events WHERE device_id = $1 AND chain_n IS NOT NULL ORDER BY chain_n`,
      [d.id],
    );
    if (rows.length === 0) continue;
    const { problems } = verifyChain(
      rows.map((r) => ({
        localId: Number(r.local_id),
        n: Number(r.chain_n),
        prevHash: r.prev_hash,
        hash: r.hash,
        at: r.at_text,
        actor: r.actor,
        staffNo: r.staff_no ?? undefined,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        label: r.label,
        detail: r.detail ?? undefined,
      })),
      null,
    );
    report.devices.push({
      deviceId: d.id,
      deviceName: d.name,
      entries: rows.length,
      ok: problems.length === 0,
      problems,
    });
    if (problems.length) report.ok = false;
  }
  return report;
}

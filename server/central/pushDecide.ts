// Push, the deciding step: every change of a push decided in request order against a snapshot
// (pushSnapshot.ts), in Node only, no database: duplicates, seq rules, the centre's refusals,
// the desk/centre merge; the result is a plan for pushWrite.ts and the device's acknowledgement.
import type { Application as ApplicationT, Feedback as FeedbackT } from '../../shared/domain/model';
import type { ChangeResult } from '../../shared/protocol';
import { canonicalJson, resolveDeskUpdate } from '../../shared/protocol';
import type { DeviceAuth } from './auth';
import { fail } from './errors';
import { decideFeedback } from './pushFeedback';
import type { Prepared } from './pushPrepare';
import type { PushContext } from './pushRules';
import { attachmentRefusal, createRefusal, seqGapRefusal } from './pushRules';
import type { Snapshot } from './pushSnapshot';
import type { NewChange, Plan } from './pushWrite';

/** Decides every change in request order (Node only, no database). */
export function decide(
  auth: DeviceAuth,
  prepared: Prepared[],
  snap: Snapshot,
  ctx: PushContext,
): Plan {
  const { byChangeId, bySeq, attachmentApps, device } = snap;
  // Decisions update the records in place: work on copies so that a retry starts clean.
  const states = {
    application: new Map(snap.states.application),
    feedback: new Map(snap.states.feedback),
    attachment: new Map(snap.states.attachment),
    supervision_note: new Map(snap.states.supervision_note),
  };
  const foreign: string[] = [];
  for (const p of prepared) {
    if (p.kind !== 'ok' || p.entity === 'queue_event') continue;
    const st = states[p.entity].get(p.change.entityId);
    if (st && st.hallId !== auth.hallId) foreign.push(p.change.changeId);
    if (p.entity === 'attachment') {
      const app = attachmentApps.get(p.record.applicationId);
      if (app && app.hallId !== auth.hallId) foreign.push(p.change.changeId);
    }
  }
  if (foreign.length > 0) {
    fail(
      'E_FORBIDDEN_HALL',
      '变更涉及其他营业厅的记录，整批未写入 (records of another hall; nothing written)',
      {
        changeIds: foreign,
      },
    );
  }

  // The person on each record: of this hall, with the role (pushStaff.ts; read with the snapshot).
  const staffRefused = snap.staffRefused;

  const results: ChangeResult[] = [];
  const newChanges: NewChange[] = [];
  const seenInBatch = new Map<string, { hash: string; result: ChangeResult }>();
  const seqsInBatch = new Set<number>();
  const feedOrder: Array<{ entity: string; id: string }> = [];
  const queueEvents: Array<{ id: string; payload: Record<string, unknown> }> = [];

  const touch = (entity: string, id: string) => feedOrder.push({ entity, id });
  let highestSeq = device.max_seq;

  for (const p of prepared) {
    const { changeId, seq } = p.change;
    // 1. Already seen (earlier push or earlier in this batch)?
    const earlier = byChangeId.get(changeId);
    const inBatch = seenInBatch.get(changeId);
    if (earlier || inBatch) {
      const sameBody = earlier
        ? earlier.device_id === auth.deviceId && earlier.payload_sha256 === p.hash
        : inBatch!.hash === p.hash;
      if (!sameBody) {
        results.push({
          changeId,
          seq,
          status: 'rejected',
          code: 'E_CHANGE_ID_REUSED',
          reason: 'changeId 已用于另一内容 (changeId reused with a different body)',
        });
        continue;
      }
      const orig = earlier
        ? {
            status: earlier.status,
            code: earlier.code,
            reason: earlier.reason,
            sv: earlier.server_version,
          }
        : originalOf(inBatch!.result);
      const dup: ChangeResult = {
        changeId,
        seq,
        status: 'duplicate',
        original: {
          status: orig.status,
          ...(orig.code ? { code: orig.code } : {}),
          ...(orig.reason ? { reason: orig.reason } : {}),
        },
      };
      if (orig.sv !== null && orig.sv !== undefined) dup.serverVersion = orig.sv;
      if (orig.status === 'conflict' && p.change.entity === 'application') {
        const cur = states.application.get(p.change.entityId);
        if (cur) dup.current = cur.record as ApplicationT;
      }
      results.push(dup);
      continue;
    }
    // 2. Far beyond the device's last seq: refused, and not recorded (not a high-water mark).
    const gap = seqGapRefusal(seq, highestSeq, ctx);
    if (gap) {
      results.push({ changeId, seq, status: 'rejected', ...gap });
      continue;
    }
    // 3. The seq belongs to another change of this device.
    if (bySeq.has(seq) || seqsInBatch.has(seq)) {
      results.push({
        changeId,
        seq,
        status: 'rejected',
        code: 'E_SEQ_REUSED',
        reason: `序号 ${seq} 已被本设备的另一变更使用 (seq already used by another change)`,
      });
      continue;
    }
    seqsInBatch.add(seq);
    highestSeq = Math.max(highestSeq, seq);

    let result: ChangeResult;
    // The centre's rules that need the stored records (pushRules.ts).
    const refused =
      p.kind !== 'ok'
        ? null
        : p.entity === 'application' && !states.application.get(p.change.entityId)
          ? createRefusal(p.record, ctx)
          : p.entity === 'attachment'
            ? attachmentRefusal(
                attachmentApps.has(p.record.applicationId) ||
                  states.application.has(p.record.applicationId),
              )
            : null;
    if (p.kind === 'invalid') {
      result = {
        changeId,
        seq,
        status: 'rejected',
        code: p.code ?? 'E_VALIDATION',
        reason: p.reason,
      };
    } else if (refused) {
      result = { changeId, seq, status: 'rejected', ...refused };
    } else if (staffRefused.has(changeId)) {
      const r = staffRefused.get(changeId)!;
      result = { changeId, seq, status: 'rejected', code: r.code, reason: r.reason };
    } else if (p.entity === 'queue_event') {
      queueEvents.push({ id: p.change.entityId, payload: p.record });
      result = { changeId, seq, status: 'applied' };
    } else {
      const map = states[p.entity];
      // This device's new version of the record: kept here, written once after the loop.
      const keep = (record: unknown, echo = false) => {
        map.set(p.change.entityId, {
          hallId: auth.hallId,
          lastDeviceId: auth.deviceId,
          lastDeviceSeq: seq,
          record,
          dirty: true,
          ...(echo ? { echo } : {}),
        });
        touch(p.entity, p.change.entityId);
      };
      const st = map.get(p.change.entityId);
      if (st && st.lastDeviceId === auth.deviceId && (st.lastDeviceSeq ?? 0) > seq) {
        // Out of order from the same device: a newer version is already there.
        result = { changeId, seq, status: 'applied', superseded: true };
        if (p.entity === 'application')
          result.serverVersion = (st.record as ApplicationT).serverVersion;
      } else if (p.entity === 'application') {
        const outcome = resolveDeskUpdate(st?.record as ApplicationT | undefined, p.record);
        if (outcome.kind === 'conflict') {
          // Not applied as a whole, but the hall's always-owned fields (the customer's rating)
          // were taken: store that version.
          if (outcome.changed) keep(outcome.current);
          result = {
            changeId,
            seq,
            status: 'conflict',
            current: outcome.current,
            notApplied: outcome.notApplied,
            reason:
              '中心已开始处理该申请，营业厅的修改未被采用 (the centre has taken this application up)',
          };
        } else {
          const changed = outcome.kind === 'create' || outcome.changed;
          if (changed) keep(outcome.record);
          result = {
            changeId,
            seq,
            status: 'applied',
            serverVersion: outcome.record.serverVersion,
          };
        }
      } else if (p.entity === 'feedback') {
        // Merged with the centre's handling (pushFeedback.ts); a merge differing from what the
        // desk sent goes back to that desk too.
        const d = decideFeedback(st?.record as FeedbackT | undefined, p.record);
        if (d.changed) keep(d.record, d.echo);
        result = { changeId, seq, status: 'applied' };
      } else {
        // Supervision notes and attachment metadata: wholly the hall's; the last version sent wins.
        const changed = !st || canonicalJson(st.record) !== canonicalJson(p.record);
        if (changed) keep(p.record);
        result = { changeId, seq, status: 'applied' };
      }
    }
    results.push(result);
    seenInBatch.set(changeId, { hash: p.hash, result });
    const o = originalOf(result);
    newChanges.push({
      change_id: changeId,
      seq,
      entity: p.change.entity,
      entity_id: p.change.entityId,
      op: p.change.op,
      payload_sha256: p.hash,
      status: o.status,
      code: o.code,
      reason: o.reason,
      server_version: o.sv,
    });
  }

  return { results, newChanges, states, feedOrder, queueEvents };
}

/**
 * Advances the contiguous acknowledgement past every processed seq: the fresh seqs of this
 * push and the device's recorded seqs beyond its acknowledgement (read with the snapshot).
 */
export function acknowledge(snap: Snapshot, plan: Plan): { ackSeq: number; maxSeq: number } {
  let ackSeq = snap.device.ack_seq;
  let maxSeq = snap.device.max_seq;
  const seqs = new Set(snap.laterSeqs);
  for (const c of plan.newChanges) {
    seqs.add(c.seq);
    maxSeq = Math.max(maxSeq, c.seq);
  }
  while (seqs.has(ackSeq + 1)) ackSeq++;
  return { ackSeq, maxSeq };
}

function originalOf(r: ChangeResult): {
  status: 'applied' | 'conflict' | 'rejected';
  code: string | null;
  reason: string | null;
  sv: number | null;
} {
  switch (r.status) {
    case 'applied':
      return { status: 'applied', code: null, reason: null, sv: r.serverVersion ?? null };
    case 'conflict':
      return { status: 'conflict', code: null, reason: r.reason, sv: r.current.serverVersion };
    case 'rejected':
      return { status: 'rejected', code: r.code, reason: r.reason, sv: null };
    case 'duplicate':
      return {
        status: r.original.status,
        code: r.original.code ?? null,
        reason: r.original.reason ?? null,
        sv: r.serverVersion ?? null,
      };
  }
}

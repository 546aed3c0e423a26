// Push, the first step: each change of a push parsed and checked on its own (the device's kind,
// payload size, the entity's schema, id and hall), before anything is read from the database.
import type { z } from 'zod';
import type { Application as ApplicationT } from '../../shared/domain/model';
import { Application, AttachmentMeta, Feedback } from '../../shared/domain/model';
import type { Change } from '../../shared/protocol';
import { SupervisionNote } from '../../shared/staff/notes';
import { MAX_QUEUE_EVENT_CHARS, canonicalJson } from '../../shared/protocol';
import type { DeviceAuth } from './auth';
import { sha256Hex } from './auth';
import { kindRefusal, payloadRefusal } from './pushRules';

export type Prepared =
  | { kind: 'ok'; change: Change; hash: string; entity: 'application'; record: ApplicationT }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'feedback';
      record: z.infer<typeof Feedback>;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'attachment';
      record: z.infer<typeof AttachmentMeta>;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'supervision_note';
      record: SupervisionNote;
    }
  | {
      kind: 'ok';
      change: Change;
      hash: string;
      entity: 'queue_event';
      record: Record<string, unknown>;
    }
  | { kind: 'invalid'; change: Change; hash: string; reason: string; code?: string };

export function describeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

// The record entities are checked alike: the payload must be the whole record, and its id must be
// the change's entityId. `invalidWhat` starts the message for a payload that does not parse.
function parseRecord<T extends { id: string }>(
  schema: z.ZodType<T>,
  change: Change,
  invalidWhat: string,
): { ok: true; record: T } | { ok: false; reason: string } {
  const r = schema.safeParse(change.payload);
  if (!r.success) return { ok: false, reason: `${invalidWhat}: ${describeIssues(r.error)}` };
  if (r.data.id !== change.entityId)
    return { ok: false, reason: 'payload.id 与 entityId 不一致 (id mismatch)' };
  return { ok: true, record: r.data };
}

export function prepare(change: Change, auth: DeviceAuth, crossHall: string[]): Prepared {
  const hash = sha256Hex(canonicalJson(change.payload));
  const invalid = (reason: string, code?: string): Prepared => ({
    kind: 'invalid',
    change,
    hash,
    reason,
    ...(code ? { code } : {}),
  });
  // The centre's rules (pushRules.ts) before the schemas: what the device may push at all.
  const refused = kindRefusal(auth.kind, change) ?? payloadRefusal(change);
  if (refused) return invalid(refused.reason, refused.code);
  switch (change.entity) {
    case 'application': {
      const r = parseRecord(Application, change, '申请数据不符合格式 (invalid application)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'application', record: r.record };
    }
    case 'feedback': {
      const r = parseRecord(Feedback, change, '反馈数据不符合格式 (invalid feedback)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'feedback', record: r.record };
    }
    case 'supervision_note': {
      const r = parseRecord(SupervisionNote, change, '表彰/纠错记录不符合格式 (invalid note)');
      if (!r.ok) return invalid(r.reason);
      if (r.record.hallCode !== auth.hallCode) crossHall.push(change.changeId);
      return { kind: 'ok', change, hash, entity: 'supervision_note', record: r.record };
    }
    case 'attachment': {
      const r = parseRecord(AttachmentMeta, change, '附件数据不符合格式 (invalid attachment)');
      if (!r.ok) return invalid(r.reason);
      return { kind: 'ok', change, hash, entity: 'attachment', record: r.record };
    }
    case 'queue_event': {
      const p = change.payload;
      if (typeof p !== 'object' || p === null || Array.isArray(p)) {
        return invalid('排队事件必须是对象 (queue event must be an object)');
      }
      if (JSON.stringify(p).length > MAX_QUEUE_EVENT_CHARS) {
        return invalid('排队事件过大 (queue event too large)');
      }
      const hallCode = (p as Record<string, unknown>).hallCode;
      if (typeof hallCode === 'string' && hallCode !== auth.hallCode)
        crossHall.push(change.changeId);
      return {
        kind: 'ok',
        change,
        hash,
        entity: 'queue_event',
        record: p as Record<string, unknown>,
      };
    }
  }
}

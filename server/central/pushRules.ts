// What the centre accepts in a push, beyond the record schemas: the rules that make the centre,
// not the desk, decide what is true. push.ts calls these; each refusal becomes one change's
// `rejected` result with a code and a reason (zh + en), never a failed batch.
//
// - Payloads the database cannot store (depth, long strings, NUL, lone surrogates) are refused.
// - What a device may push depends on its kind: a `service` device (the hall queue service's
//   uplink) pushes queue events only.
// - A desk creates an application only as `accepted` with its own acceptance entry, for a
//   business type of the centre's catalogue, with an ID number, phone and (companies) credit code
//   that pass the validators the desk itself uses. Workflow moves come from the centre.
// - An attachment record must point at an application of its hall that the centre has.
// - A seq far beyond the device's highest is refused rather than taken as its high-water mark.
// - When the database still refuses a batch, the changes are applied one by one and the one it
//   refuses is answered `rejected` (applyEachAlone).

import type { Catalogue } from '../../shared/domain/catalogue';
import { findBusinessType, loadCatalogue } from '../../shared/domain/catalogue';
import type { Application } from '../../shared/domain/model';
import {
  validateCreditCode,
  validateIdNumber,
  validatePhone,
} from '../../shared/domain/validators';
import { INITIAL_STATE } from '../../shared/domain/workflow';
import type { Change, ChangeResult, PullResponse, PushResponse } from '../../shared/protocol';
import {
  DEFAULT_MAX_SEQ_GAP,
  MAX_PAYLOAD_DEPTH,
  MAX_PAYLOAD_STRING_CHARS,
  jsonProblem,
} from '../../shared/protocol';
import type { Db } from '../db/db';
import type { DeviceAuth, DeviceKind } from './auth';
import { ApiFailure, fail } from './errors';
import { businessDate } from '../../shared/domain/calendar';
import { zoneOrDefault } from './hallZone';

/** Per-change refusal: the code and reason of a `rejected` result. */
export interface Refusal {
  code: string;
  reason: string;
}

export interface PushRulesOptions {
  /** Largest allowed jump past the device's maxSeq (default DEFAULT_MAX_SEQ_GAP). */
  maxSeqGap?: number;
  /** Time of each phase of a push (GET /api/v1/admin/metrics: where a slow push waited). */
  observe?: (phase: string, ms: number) => void;
}

/** What the rules need once per push (read before the transaction: no locks held). */
export interface PushContext {
  catalogue: Catalogue | null;
  maxSeqGap: number;
  /** The halls' today (their configured zone), for birth dates in ID numbers. */
  today: string;
}

// Per database (tests run several endpoints in one process): the parsed catalogue of a version.
const catalogueCache = new WeakMap<Db, { version: number; catalogue: Catalogue | null }>();

/**
 * The catalogue's version and the halls' zone, read at most once a second per database: in a
 * storm every push otherwise spends a round trip (and a wait for a pooled connection) on two
 * values that change a few times a year. A change stored through this process is seen at once
 * (putConfig forgets it); one stored through another endpoint process within a second.
 */
const CONTEXT_TTL_MS = 1_000;
const contextRead = new WeakMap<Db, { at: number; version: number; tz: string | null }>();

export function forgetPushContext(db: Db): void {
  contextRead.delete(db);
  contextRead.delete(db.urgent);
}

/**
 * Reads in flight, shared: when a storm's first pushes arrive together, one of them reads (and
 * parses the catalogue) and the others wait for that, instead of each taking a connection.
 */
const contextInflight = new WeakMap<
  Db,
  Promise<{ at: number; version: number; tz: string | null }>
>();
const catalogueInflight = new WeakMap<
  Db,
  Promise<{ version: number; catalogue: Catalogue | null }>
>();

function shared<K extends object, V>(map: WeakMap<K, Promise<V>>, key: K, read: () => Promise<V>) {
  let p = map.get(key);
  if (!p) {
    p = read().finally(() => map.delete(key));
    map.set(key, p);
  }
  return p;
}

/** The centre's current catalogue (cached per config version) and the rules' settings. */
export async function pushContext(db: Db, opts: PushRulesOptions = {}): Promise<PushContext> {
  let read = contextRead.get(db);
  if (!read || performance.now() - read.at > CONTEXT_TTL_MS) {
    read = await shared(contextInflight, db, async () => {
      const at = performance.now();
      // One round trip for both.
      const { rows } = await db.query<{ version: number | null; tz: string | null }>(
        `SELECT (SELECT version FROM config WHERE key = 'catalogue') AS version,
                (SELECT data->>'timeZone' FROM config WHERE key = 'settings') AS tz`,
      );
      const fresh = { at, version: rows[0]?.version ?? -1, tz: rows[0]?.tz ?? null };
      contextRead.set(db, fresh);
      return fresh;
    });
  }
  const version = read.version;
  let cached = catalogueCache.get(db);
  const readCatalogue = async () => {
    let catalogue: Catalogue | null = null;
    if (version >= 0) {
      const data = await db.query<{ data: unknown }>(
        "SELECT data FROM config WHERE key = 'catalogue'",
      );
      try {
        catalogue = loadCatalogue(data.rows[0]?.data);
      } catch {
        catalogue = null; // refused at PUT; an unreadable one checks no business codes
      }
    }
    const fresh = { version, catalogue };
    catalogueCache.set(db, fresh);
    return fresh;
  };
  if (cached?.version !== version) cached = await shared(catalogueInflight, db, readCatalogue);
  // A shared read started for another version (a change in between): this push reads its own.
  if (cached.version !== version) cached = await readCatalogue();
  return {
    catalogue: cached.catalogue,
    maxSeqGap: opts.maxSeqGap ?? DEFAULT_MAX_SEQ_GAP,
    today: businessDate(new Date(), zoneOrDefault(read.tz)),
  };
}

/** A payload the database could not store, or that nests too deep to walk safely. */
export function payloadRefusal(change: Change): Refusal | null {
  const p = jsonProblem(change.payload, {
    maxDepth: MAX_PAYLOAD_DEPTH,
    maxString: MAX_PAYLOAD_STRING_CHARS,
  });
  return p ? { code: 'E_VALIDATION', reason: `数据无法保存 (payload refused): ${p}` } : null;
}

/** Device kind `service` pushes queue events only. */
export function kindRefusal(kind: DeviceKind, change: Change): Refusal | null {
  if (kind === 'service' && change.entity !== 'queue_event') {
    return {
      code: 'E_FORBIDDEN_KIND',
      reason: '排队服务设备只能上传排队事件 (a service device pushes queue events only)',
    };
  }
  return null;
}

/** Routes for desks only (records, attachments, the access log): a service device is refused. */
export function deskOnly(auth: DeviceAuth): void {
  if (auth.kind === 'service') {
    fail(
      'E_FORBIDDEN_KIND',
      '排队服务设备只能上传排队事件和读取配置 (a service device pushes queue events and reads configuration only)',
    );
  }
}

/** What a pull answers a service device: configuration only, never the hall's records. */
export function serviceView(auth: DeviceAuth, res: PullResponse): PullResponse {
  if (auth.kind !== 'service') return res;
  return { ...res, changes: res.changes.filter((c) => c.kind === 'config') };
}

/** A seq beyond the device's highest by more than the allowed gap. */
export function seqGapRefusal(seq: number, maxSeq: number, ctx: PushContext): Refusal | null {
  if (seq - maxSeq <= ctx.maxSeqGap) return null;
  return {
    code: 'E_SEQ_GAP',
    reason: `序号 ${seq} 远超本设备已发送的最大序号 ${maxSeq}（最多相差 ${ctx.maxSeqGap}）(seq too far beyond the device's last)`,
  };
}

/**
 * A desk's application that the centre does not have yet: it must be freshly accepted (status
 * `accepted`, one acceptance entry by the accepting clerk) and pass the desk's own checks.
 */
export function createRefusal(app: Application, ctx: PushContext): Refusal | null {
  const refuse = (reason: string): Refusal => ({ code: 'E_CREATE_REFUSED', reason });
  if (app.status !== INITIAL_STATE) {
    return refuse(
      `新建申请的状态必须是“已受理”，流程变化只能来自中心 (a desk creates applications as ${INITIAL_STATE}; got ${app.status})`,
    );
  }
  const h = app.history;
  const first = h[0];
  if (
    h.length !== 1 ||
    !first ||
    first.from !== null ||
    first.to !== INITIAL_STATE ||
    first.actor !== app.acceptedBy
  ) {
    return refuse(
      '新建申请只能带本营业厅的受理记录 (a new application carries only its own acceptance entry)',
    );
  }
  if (ctx.catalogue) {
    const type = findBusinessType(ctx.catalogue, app.businessCode);
    if (!type) return refuse(`业务类型 ${app.businessCode} 不在中心目录中 (unknown business code)`);
    if (!type.customerKinds.includes(app.customerKind)) {
      return refuse(
        `业务类型 ${app.businessCode} 不受理该客户类别 (customer kind not allowed for this type)`,
      );
    }
  }
  const c = app.customer;
  // Birth dates are checked against the later of the centre's and the desk's day (clock skew).
  const accepted = app.acceptedAt.slice(0, 10);
  const today = accepted > ctx.today ? accepted : ctx.today;
  const id = validateIdNumber(c.idType, c.idNumber, { today });
  if (!id.ok) return refuse(`证件号码：${id.message} (${id.messageEn})`);
  const phone = validatePhone(c.phone);
  if (!phone.ok) return refuse(`联系电话：${phone.message} (${phone.messageEn})`);
  if (app.customerKind === 'company' || c.creditCode) {
    const cc = validateCreditCode(c.creditCode ?? '');
    if (!cc.ok) return refuse(`统一社会信用代码：${cc.message} (${cc.messageEn})`);
  }
  if (app.keyCustomer?.managerPhone) {
    const mp = validatePhone(app.keyCustomer.managerPhone);
    if (!mp.ok) return refuse(`客户经理电话：${mp.message} (${mp.messageEn})`);
  }
  return null;
}

/** An attachment record whose application the centre does not have (in this hall). */
export function attachmentRefusal(applicationKnown: boolean): Refusal | null {
  if (applicationKnown) return null;
  return {
    code: 'E_NO_APPLICATION',
    reason: '附件所属的申请不在本营业厅 (the attachment points at no application of this hall)',
  };
}

// ---------------------------------------------------------------- database refusals

/**
 * True for errors the database raises because of a value (not because it is unreachable):
 * SQLSTATE class 22 (data exception: bad encoding, out-of-range dates and numbers), 23
 * (integrity constraint) and 54 (program limit: index row too large, stack depth).
 */
export function isValueRefusedByDb(err: unknown): boolean {
  if (err instanceof ApiFailure) return false;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

/**
 * The database refused a whole batch because of a value: apply each change in its own
 * transaction, in order, and answer the one the database still refuses `rejected` (recorded
 * like any rejection, so a resend is a duplicate). `apply` is the normal batch path for a
 * sub-list; `refuse` turns a change into a prepared refusal.
 */
export async function applyEachAlone<P extends { change: Change }>(
  db: Db,
  prepared: P[],
  apply: (batch: P[]) => Promise<PushResponse>,
  refuse: (p: P, r: Refusal) => P,
): Promise<PushResponse> {
  const results: ChangeResult[] = [];
  let last: PushResponse | null = null;
  for (const p of prepared) {
    try {
      last = await apply([p]);
    } catch (err) {
      if (!isValueRefusedByDb(err)) throw err;
      const code = (err as { code: string }).code;
      last = await apply([
        refuse(p, {
          code: 'E_STORAGE_REFUSED',
          reason: `数据库无法保存该变更 (the database refused this change: SQLSTATE ${code})`,
        }),
      ]);
    }
    results.push(...last.results);
  }
  return { results, ackSeq: last?.ackSeq ?? 0, maxSeq: last?.maxSeq ?? 0 };
}

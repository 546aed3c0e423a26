// The desk's supervision counters (db/supervisionCounts.ts) give exactly the figures of the full
// count over the records (shared/staff/supervision.ts supervise), on seeded data written every way
// the desk writes applications: submit, edits, the centre's returns and ratings, bulk puts,
// updates by modify, deletes; and they are rebuilt when not whole (zone change, range delete).
import { describe, expect, it } from 'vitest';
import type { Application } from '../../../shared/domain/model';
import { supervise, type Figures, type SuperviseOptions } from '../../../shared/staff/supervision';
import { figuresFromCounts } from '../../../shared/staff/supervisionCounts';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import { setDeskTimeZone } from '../../../renderer/src/db/hallZone';
import { deriveApplicationKeys } from '../../../renderer/src/db/keys';
import { applyRemoteApplication, submitApplication } from '../../../renderer/src/db/repo';
import {
  countsReady,
  ensureCounts,
  readCounts,
  rebuildCounts,
} from '../../../renderer/src/db/supervisionCounts';
import { deskSupervision } from '../../../renderer/src/staff/supervisionData';
import { seededRandom } from '../../support/faultProxy';
import { freshDb, makeApp } from '../store/factory';

const rng = seededRandom;

const ZONE = 'Asia/Shanghai';
const STATUSES = ['accepted', 'construction', 'completed', 'rejected', 'archived'] as const;

function stored(a: Application) {
  return { ...a, ...deriveApplicationKeys(a) } as never;
}

/** Figures without the ids (the counters leave them to the drill-down). */
function strip(r: { clerks: Figures[]; hall: Figures }) {
  return {
    clerks: r.clerks.map(({ ids: _i, ...f }) => f),
    hall: (({ ids: _i, ...f }) => f)(r.hall),
  };
}

function randomApp(r: () => number, i: number): Application {
  const day = 1 + Math.floor(r() * 20);
  // Around midnight in Shanghai too (16:00Z): the day a record counts on is the hall's day.
  const hour = Math.floor(r() * 24);
  const acceptedAt = new Date(Date.UTC(2026, 10, day, hour, Math.floor(r() * 60))).toISOString();
  const staff = r() < 0.15 ? undefined : `C${Math.floor(r() * 6)}`;
  const deadline = `2026-11-${String(5 + Math.floor(r() * 25)).padStart(2, '0')}`;
  return makeApp({
    acceptedAt,
    updatedAt: acceptedAt,
    history: [{ from: null, to: 'accepted', at: acceptedAt, actor: 'x' }],
    ...(staff ? { acceptedByStaffNo: staff } : {}),
    acceptedBy: staff ? (r() < 0.9 ? `员工${staff}` : `别名${staff}`) : 'clerk01',
    businessCode: r() < 0.5 ? 'LV_NEW' : 'CAP_INC',
    deadline,
    appNo: `H001-D01-202611${String(day).padStart(2, '0')}-${String(i).padStart(4, '0')}`,
    ...(r() < 0.1 ? { overriddenWarnings: ['W1'] } : {}),
    documents:
      r() < 0.3
        ? [{ code: 'ID_CARD', status: 'to_follow', attachmentIds: [] }]
        : [{ code: 'ID_CARD', status: 'received', attachmentIds: [] }],
  });
}

/** A centre-side change: a move (maybe a return with a reason), a rating, documents delivered. */
function changed(r: () => number, a: Application): Application {
  const at = new Date(Date.parse(a.acceptedAt) + 3_600_000).toISOString();
  const to = STATUSES[Math.floor(r() * STATUSES.length)]!;
  const reason = r() < 0.5 ? (r() < 0.5 ? 'missing_documents' : 'information_error') : undefined;
  return {
    ...a,
    status: to,
    serverVersion: a.serverVersion + 1,
    updatedAt: at,
    history: [
      ...a.history,
      { from: a.status, to, at, actor: '后台', ...(reason ? { reasonCode: reason } : {}) },
    ],
    ...(r() < 0.4
      ? {
          customerRating:
            r() < 0.5
              ? { level: '满意', bad: false, at }
              : { level: '不满意', bad: true, at, ...(r() < 0.7 ? { reason: '等太久' } : {}) },
        }
      : {}),
    documents:
      r() < 0.5 ? a.documents.map((d) => ({ ...d, status: 'received' as const })) : a.documents,
  };
}

async function compareAll(db: HallDeskDB, timeZone = ZONE): Promise<void> {
  const all = (await db.applications.toArray()) as Application[];
  for (const [from, to, today] of [
    ['2026-11-01', '2026-11-30', '2026-11-30'],
    ['2026-11-03', '2026-11-09', '2026-11-12'],
    ['2026-11-10', '2026-11-10', '2026-12-07'],
    ['2026-11-01', '2026-11-20', '2026-11-06'],
  ] as const) {
    const o: SuperviseOptions = { from, to, today, timeZone, promisedDays: 5 };
    const counts = await readCounts(db, from, to, timeZone);
    expect(counts, 'counters whole').not.toBeNull();
    const fast = figuresFromCounts(counts!, o);
    const full = supervise(all, o);
    expect(strip(fast), `${from}..${to} today ${today}`).toEqual(strip(full));
  }
}

describe('supervision day counters', () => {
  it('equal the full count after submits, edits, returns, ratings, bulk writes and deletes', async () => {
    setDeskTimeZone(ZONE);
    const db = await freshDb();
    await ensureCounts(db, ZONE); // an empty desk: whole at once
    expect(await countsReady(db, ZONE)).toBe(true);
    const r = rng(20261207);
    const apps: Application[] = [];
    for (let i = 0; i < 60; i++) {
      const a = randomApp(r, i + 1);
      await submitApplication(a);
      apps.push(a);
    }
    // A bulk write of another 140 (as a sync pull or a restore writes them).
    const more = Array.from({ length: 140 }, (_, i) => randomApp(r, 100 + i));
    await db.applications.bulkPut(more.map(stored));
    apps.push(...more);
    await compareAll(db);
    // The centre moves, returns and rates; some more than once, one request writing a key twice.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < apps.length; i++) {
        if (r() < 0.35) {
          apps[i] = changed(r, apps[i]!);
          expect(await applyRemoteApplication(apps[i])).not.toBe('stale');
        }
      }
    }
    const twice = changed(r, apps[5]!);
    const thrice = changed(r, twice);
    apps[5] = thrice;
    await db.applications.bulkPut([stored(twice), stored(thrice)]);
    await compareAll(db);
    // An update through modify (Dexie's Collection.modify / Table.update) and deletes.
    await db.applications.update(apps[7]!.id, { status: 'completed' });
    await db.applications
      .where('t')
      .above('')
      .limit(10)
      .modify((row) => {
        row.customerRating = { level: '不满意', bad: true, at: row.acceptedAt, reason: '态度' };
      });
    await db.applications.delete(apps[0]!.id);
    await db.applications.bulkDelete(apps.slice(1, 20).map((a) => a.id));
    // A failed add (same id) counts nothing.
    await expect(db.applications.add(stored(apps[30]!))).rejects.toThrow();
    await compareAll(db);
    // The desk's own page reads them (no counting of records).
    const d = await deskSupervision(db, '2026-11-01', '2026-11-30', '2026-11-30');
    expect(d.source).toBe('counters');
    expect(d.hall.accepted).toBe(await db.applications.count());
  });

  it('are rebuilt after a zone change or a range delete, and until then the records are counted', async () => {
    setDeskTimeZone(ZONE);
    const db = await freshDb();
    const r = rng(7);
    // Written before the counters existed (the upgrade): not whole, the page counts records.
    await db.applications.bulkPut(Array.from({ length: 80 }, (_, i) => stored(randomApp(r, i))));
    expect(await countsReady(db, ZONE)).toBe(false);
    const first = await deskSupervision(db, '2026-11-01', '2026-11-30', '2026-11-30');
    expect(first.source).toBe('records');
    await rebuildCounts(db, ZONE); // (the page started it; waiting for it here)
    await compareAll(db);
    const second = await deskSupervision(db, '2026-11-01', '2026-11-30', '2026-11-30');
    expect(second.source).toBe('counters');
    expect(strip(second)).toEqual(strip(first));

    // Another hall zone: the days move, the counters are not whole until rebuilt.
    const tokyo = 'Asia/Tokyo';
    setDeskTimeZone(tokyo);
    await db.applications.put(stored(randomApp(r, 500)));
    expect(await countsReady(db, tokyo)).toBe(false);
    expect(await readCounts(db, '2026-11-01', '2026-11-30', tokyo)).toBeNull();
    await ensureCounts(db, tokyo);
    await compareAll(db, tokyo);

    // A range delete is not read row by row: it marks them for a rebuild.
    await db.applications.where('id').above('').delete();
    await db.applications.put(stored(randomApp(r, 501)));
    await ensureCounts(db, tokyo);
    await compareAll(db, tokyo);
    setDeskTimeZone(ZONE);
  });
});

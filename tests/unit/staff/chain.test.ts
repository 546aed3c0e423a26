// The access log's hash chain: the desk links every row it writes (db/audit.ts appendAudit, on
// a real IndexedDB), and verifyChain finds a removed, an altered and a replaced row.
import { describe, expect, it } from 'vitest';
import { auditToSend, recordAccess, type AuditEntry } from '../../../renderer/src/db/audit';
import { setCurrentActor } from '../../../renderer/src/staff/actor';
import { GENESIS_HASH, chainHash, verifyChain } from '../../../shared/staff/chain';
import { freshDb } from '../store/factory';

function asChain(rows: AuditEntry[]) {
  return rows.map((r) => ({
    ...r,
    localId: r.id!,
    n: r.n!,
    prevHash: r.prevHash!,
    hash: r.hash!,
  }));
}

describe('access log hash chain', () => {
  it('links every row the desk writes and carries the signed-in staff number', async () => {
    const db = await freshDb();
    setCurrentActor({ staffNo: 'C001', name: '张三' });
    for (let i = 0; i < 5; i++)
      await recordAccess({
        action: 'view',
        entity: 'application',
        entityId: `a${i}`,
        label: `No${i}`,
      });
    setCurrentActor(undefined);
    const rows = await auditToSend(db, 100);
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    expect(rows[0]!.staffNo).toBe('C001');
    expect(rows[0]!.actor).toBe('张三');
    expect(verifyChain(asChain(rows), null).problems).toEqual([]);
    // The purge of old rows does not restart the chain: the head is kept in meta.
    await db.audit.clear();
    await recordAccess({ action: 'view', entity: 'application', entityId: 'b', label: 'NoB' });
    const [next] = await auditToSend(db, 10);
    expect(next!.n).toBe(6);
    expect(next!.prevHash).toBe(rows[4]!.hash);
  });

  it('finds a removed, an altered and a replaced entry', async () => {
    const db = await freshDb();
    for (let i = 0; i < 6; i++)
      await recordAccess({
        action: 'print',
        entity: 'application',
        entityId: `a${i}`,
        label: `No${i}`,
      });
    const chain = asChain(await auditToSend(db, 100));

    const removed = chain.filter((e) => e.n !== 3);
    const gap = verifyChain(removed, null).problems;
    expect(gap).toHaveLength(1);
    expect(gap[0]).toMatchObject({ kind: 'gap', localId: chain[3]!.localId });

    const altered = chain.map((e) => (e.n === 2 ? { ...e, label: 'No-other' } : e));
    const alt = verifyChain(altered, null).problems;
    expect(alt).toEqual([expect.objectContaining({ kind: 'altered', localId: chain[1]!.localId })]);

    // Rewritten with a fresh, self-consistent hash: the next entry's link gives it away.
    const forged = { ...chain[1]!, label: 'No-forged' };
    forged.hash = chainHash(forged);
    const replaced = chain.map((e) => (e.n === 2 ? forged : e));
    const rep = verifyChain(replaced, null).problems;
    expect(rep).toEqual([expect.objectContaining({ kind: 'altered', localId: chain[2]!.localId })]);

    // The tail dropped before upload and the rest continued: the centre's last entry tells.
    const tail = verifyChain(chain.slice(4), { n: chain[2]!.n, hash: chain[2]!.hash }).problems;
    expect(tail[0]).toMatchObject({ kind: 'gap' });
  });
});

// A resend whose first answer (a conflict: the centre had taken the application up) was lost:
// the clerk must still be told that the desk's change was not taken, with or without the
// centre's record in the resend's answer (found by the policy property test when its model
// centre left the record out).
import { describe, expect, it } from 'vitest';
import type { ChangeResult } from '../../../shared/protocol';
import { toOutcomes } from '../../../renderer/src/sync/engine';
import { createDexieSyncStore, readNotes } from '../../../renderer/src/sync/store';
import { makeApplication, openDeskDb, saveWithOutbox } from '../../support/syncDesk';

describe('a duplicate of a conflict', () => {
  it('becomes a conflict outcome even without the centre record, and leaves a note', async () => {
    const db = openDeskDb('dup-conflict');
    await db.open();
    try {
      const app = makeApplication('DUP-01', 'P1');
      const entry = await saveWithOutbox(db, app);
      const result: ChangeResult = {
        changeId: entry.changeId,
        seq: entry.seq,
        status: 'duplicate',
        original: { status: 'conflict' },
      };
      const outcomes = toOutcomes([entry], [result]);
      expect(outcomes).toEqual([
        expect.objectContaining({ kind: 'conflict', changeId: entry.changeId, notApplied: [] }),
      ]);
      expect(outcomes[0]).not.toHaveProperty('current');

      const store = createDexieSyncStore(db);
      await store.markSending([entry.seq]);
      await store.applyPushResults(outcomes);
      // Acknowledged (not resent forever), and the clerk sees it, with the application number.
      expect(await db.outbox.count()).toBe(0);
      const notes = await readNotes(db);
      expect(notes).toEqual([
        expect.objectContaining({ entityId: app.id, appNo: app.appNo, kind: 'conflict' }),
      ]);
      // The desk's copy stays until the pull brings the centre's version.
      expect((await db.applications.get(app.id))?.appNo).toBe(app.appNo);
    } finally {
      db.close();
    }
  });
});

// The desk's side of the feedback merge (issue 14 §2): a pulled centre version of a record the
// desk still has unsent changes to is merged with the desk's copy (the centre's handler, contact
// and reply appear; the clerk's own contact stays), not skipped; without unsent changes the
// centre's version is taken as it is.
import { describe, expect, it } from 'vitest';
import type { Feedback } from '../../../shared/domain/model';
import { setActiveDb } from '../../../renderer/src/db/db';
import { saveFeedback, updateFeedback } from '../../../renderer/src/db/repo';
import { createDexieSyncStore } from '../../../renderer/src/sync/store';
import { makeFeedback } from '../store/factory';
import { openDeskDb } from '../../support/syncDesk';

const contactOf = (id: string, source: 'desk' | 'centre', at: string) => ({
  id,
  at,
  channel: 'phone' as const,
  note: `${source} 联系`,
  by: source === 'desk' ? '柜员甲' : '处理人乙',
  source,
});

describe('pulling feedback the desk is still sending', () => {
  it('merges the centre’s handling with the desk’s unsent contact', async () => {
    const db = openDeskDb('fb-pull-merge');
    await db.open();
    try {
      setActiveDb(db);
      const fb = makeFeedback({ acceptedAt: '2026-12-01T09:00:00+08:00' });
      await saveFeedback(fb);
      const deskContact = contactOf(crypto.randomUUID(), 'desk', '2026-12-01T10:00:00+08:00');
      setActiveDb(db);
      await updateFeedback({
        ...fb,
        contacts: [deskContact],
        firstContactAt: deskContact.at,
        status: 'contacted',
        updatedAt: '2026-12-01T10:00:00+08:00',
      });
      const centre: Feedback = {
        ...fb,
        handler: { staffNo: 'H1', name: '处理人乙', assignedAt: fb.acceptedAt, auto: true },
        contacts: [contactOf(crypto.randomUUID(), 'centre', '2026-12-01T11:00:00+08:00')],
        firstContactAt: '2026-12-01T11:00:00+08:00',
        reply: '已处理',
        repliedAt: '2026-12-01T12:00:00+08:00',
        status: 'replied',
        serverVersion: 2,
      };
      const store = createDexieSyncStore(db);
      await store.applyPullPage([{ kind: 'feedback', seq: 5, record: centre }], 'cp-1');
      const row = (await db.feedback.get(fb.id))!;
      expect(row.handler?.staffNo).toBe('H1');
      expect(row.reply).toBe('已处理');
      expect(row.status).toBe('replied');
      expect(row.contacts?.map((c) => c.source)).toEqual(['desk', 'centre']);
      expect(row.firstContactAt).toBe(deskContact.at);
    } finally {
      db.close();
    }
  });

  it('takes the centre’s version as it is when nothing is unsent', async () => {
    const db = openDeskDb('fb-pull-plain');
    await db.open();
    try {
      const fb = makeFeedback();
      const store = createDexieSyncStore(db);
      await store.applyPullPage(
        [
          {
            kind: 'feedback',
            seq: 1,
            record: { ...fb, reply: '好', repliedAt: fb.acceptedAt, status: 'closed' },
          },
        ],
        'cp-1',
      );
      expect((await db.feedback.get(fb.id))?.status).toBe('closed');
    } finally {
      db.close();
    }
  });
});

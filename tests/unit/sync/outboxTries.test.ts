// The outbox's per-entry tries count every attempt (issue 12 §4), also a round that could not
// connect at all: the sync panel showed 0 tries while the desk kept retrying an unreachable centre.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCentre } from './fakeCentre';
import {
  createTestDesk,
  makeApplication,
  saveWithOutbox,
  type TestDesk,
} from '../../support/syncDesk';

const HALL = 'GD-SZ-001';
const creds = {
  endpoint: 'http://centre.test',
  deviceId: '0b6c1d2e-3f40-4a51-8b62-7c83d94e0a15',
  token: 't',
  hallCode: HALL,
};

const desks: TestDesk[] = [];
afterEach(async () => {
  for (const d of desks.splice(0)) await d.close();
});

describe('outbox tries', () => {
  it('counts failed connects as tries, and the push that gets through', async () => {
    const centre = createFakeCentre();
    centre.offline = true;
    const d = createTestDesk(creds, { fetch: centre.fetch });
    desks.push(d);
    const entry = await saveWithOutbox(d.db, makeApplication(HALL, 'D1'));
    expect((await d.db.outbox.get(entry.seq))?.attempts ?? 0).toBe(0);
    for (let i = 1; i <= 3; i++) {
      expect(await d.engine.syncNow()).toMatchObject({ kind: 'failed', code: 'unreachable' });
      const row = await d.db.outbox.get(entry.seq);
      expect(row?.attempts, `round ${i}`).toBe(i);
      // The first round's push counted in the batch; later rounds failed at the probe.
      expect(row?.connectTries ?? 0, `round ${i}`).toBe(i - 1);
    }
    // One state: offline, one pending change, and a try count that agrees with the entry's.
    const s = d.engine.status.getState();
    expect(s.phase).toBe('offline');
    expect(s.pending).toBe(1);
    centre.offline = false;
    expect((await d.engine.syncNow()).kind).toBe('ok');
    expect(await d.db.outbox.count()).toBe(0);
  });
});

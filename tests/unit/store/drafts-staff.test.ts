// Drafts belong to the clerk who started them: after a shift change the next clerk neither sees
// nor opens nor overwrites the previous clerk's open form (issue 13 §1).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import * as repo from '../../../renderer/src/db/repo';
import { setCurrentActor } from '../../../renderer/src/staff/actor';
import { freshDb } from './factory';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => {
  setCurrentActor(undefined);
  db.close();
});

const ID_A = '0b0c1d2e-3f40-4152-8637-48495a6b7c8d';
const ID_OLD = '1b0c1d2e-3f40-4152-8637-48495a6b7c8d';

describe('drafts per person', () => {
  it('stamps the signed-in clerk and hides the draft from the next one', async () => {
    setCurrentActor({ staffNo: 'C001', name: '张三' });
    await repo.saveDraft({ id: ID_A, form: { name: '王建国', idNumber: '110101199003070011' } });
    expect((await db.drafts.get(ID_A))?.staffNo).toBe('C001');
    expect((await repo.listDrafts()).map((d) => d.id)).toEqual([ID_A]);

    setCurrentActor({ staffNo: 'C002', name: '李四' });
    expect(await repo.listDrafts()).toEqual([]);
    await expect(repo.getDraft(ID_A)).rejects.toMatchObject({ code: 'draft_owner' });
    await expect(repo.saveDraft({ id: ID_A, form: { name: 'x' } })).rejects.toMatchObject({
      code: 'draft_owner',
    });
    await expect(repo.deleteDraft(ID_A)).rejects.toMatchObject({ code: 'draft_owner' });
    // Nothing of C001's form was changed or lost.
    expect((await db.drafts.get(ID_A))?.form).toMatchObject({ name: '王建国' });

    setCurrentActor({ staffNo: 'C001', name: '张三' });
    expect((await repo.getDraft(ID_A))?.form).toMatchObject({ name: '王建国' });
  });

  it('keeps the owner when the draft is saved again, and shows drafts from before staff to all', async () => {
    await repo.saveDraft({ id: ID_OLD, form: { name: '旧草稿' } });
    expect((await db.drafts.get(ID_OLD))?.staffNo).toBeUndefined();
    setCurrentActor({ staffNo: 'C002', name: '李四' });
    expect((await repo.listDrafts()).map((d) => d.id)).toEqual([ID_OLD]);
    setCurrentActor({ staffNo: 'C001', name: '张三' });
    await repo.saveDraft({ id: ID_A, form: { name: 'a' } });
    await repo.saveDraft({ id: ID_A, form: { name: 'b' }, staffNo: 'C009' });
    expect((await db.drafts.get(ID_A))?.staffNo).toBe('C001');
  });
});

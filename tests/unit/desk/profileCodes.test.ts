// The desk's hall and desk codes come only from enrollment (issue 12 §2): saving 设置 takes the
// clerk's name and never codes; codes typed by an older version before enrollment are kept and
// reported as set by hand; an offline enrollment code's codes replace nothing but the profile's.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import { loadProfile, profileBlocker, saveProfile } from '../../../renderer/src/desk/config';
import { codesSource } from '../../../renderer/src/desk/profileSource';
import { enrollOffline } from '../../../renderer/src/sync/credentials';
import { formatEnrollmentCode } from '../../../shared/protocol/enrollmentCode';
import { freshDb } from '../store/factory';

const zh = (z: string) => z;
let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

describe('desk codes only from enrollment', () => {
  it('a new desk has no codes; saving 设置 stores the clerk and no code, and may not accept', async () => {
    expect(await codesSource(db)).toBeNull();
    // Whatever a caller passes besides the name, no code is taken from the form.
    await saveProfile({ clerkName: ' 王受理 ', hallCode: 'H0001', deskCode: 'D01' } as never);
    expect(await loadProfile()).toEqual({ hallCode: '', deskCode: '', clerkName: '王受理' });
    expect(await codesSource(db)).toBeNull();
    expect(profileBlocker(await loadProfile(), zh)).toMatch(/尚未登记/);
  });

  it('codes typed before enrollment by an older version are kept, read-only, labelled manual', async () => {
    await db.settings.put({
      key: 'desk.profile',
      value: { hallCode: 'H0203', deskCode: 'D04', clerkName: '李四' },
    });
    expect(await codesSource(db)).toEqual({ kind: 'manual', hallCode: 'H0203', deskCode: 'D04' });
    await saveProfile({ clerkName: '赵六' });
    expect(await loadProfile()).toEqual({ hallCode: 'H0203', deskCode: 'D04', clerkName: '赵六' });
    expect(profileBlocker(await loadProfile(), zh)).toBeNull();
  });

  it('an offline enrollment code sets the codes; a later save keeps them', async () => {
    await saveProfile({ clerkName: '王受理' });
    await enrollOffline(db, {
      endpoint: 'http://127.0.0.1:9',
      code: formatEnrollmentCode('H0412', 'D07', 'K7QHM3ZPX2W9'),
      deviceName: 'desk',
    });
    expect(await codesSource(db)).toMatchObject({
      kind: 'pending',
      hallCode: 'H0412',
      deskCode: 'D07',
    });
    await saveProfile({ clerkName: '钱七' });
    expect(await loadProfile()).toEqual({ hallCode: 'H0412', deskCode: 'D07', clerkName: '钱七' });
  });
});

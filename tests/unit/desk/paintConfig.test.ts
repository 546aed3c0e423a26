// The start-up paint reads the configuration without its schemas (desk/paintConfig.ts); the
// React list runs on the validated one (desk/config.ts). Both must give every row the same
// business name and days left: with the bundled documents, and with the centre's (a renamed
// type, next year's holidays, a holiday without make-up days as the centre may send it).
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import catalogueJson from '../../../shared/config/catalogue.json';
import type { HallDeskDB } from '../../../renderer/src/db/db';
import { buildDeskConfig } from '../../../renderer/src/desk/config';
import { rowView } from '../../../renderer/src/desk/listRows';
import { paintConfig } from '../../../renderer/src/desk/paintConfig';
import { checkConfigDoc } from '../../../renderer/src/sync/configDocs';
import { freshDb, makeApp } from '../store/factory';

let db: HallDeskDB;
beforeEach(async () => {
  db = await freshDb();
});
afterEach(() => db.close());

const TODAY = '2026-12-20';
const apps = ['2026-12-24', '2027-01-08', '2027-02-26', '2027-10-15', '2026-12-01'].flatMap(
  (deadline) =>
    ['101', '102', '105', '999'].map((businessCode) =>
      makeApp({ businessCode, deadline, status: 'accepted' }),
    ),
);

async function bothSay(stored: Record<string, unknown>) {
  for (const [key, value] of Object.entries(stored)) {
    // Only documents the sync engine would store (it checks them first).
    expect(checkConfigDoc(key as 'catalogue' | 'calendar', value).ok).toBe(true);
    await db.meta.put({ key: `config.${key}`, value });
  }
  const validated = buildDeskConfig(stored);
  const light = await paintConfig(db);
  for (const lang of ['zh', 'en'] as const) {
    for (const app of apps) {
      const a = rowView(app, validated, TODAY, lang);
      const b = rowView(app, light, TODAY, lang);
      expect([b.business, b.daysLeft]).toEqual([a.business, a.daysLeft]);
    }
  }
  return { validated, light };
}

describe('the paint and the React list agree', () => {
  it('on the bundled configuration', async () => {
    await bothSay({});
  });

  it("on the centre's catalogue and calendar", async () => {
    const catalogue = structuredClone(catalogueJson) as { types: { code: string; name: string }[] };
    catalogue.types.find((t) => t.code === '101')!.name = '居民生活用电新装（中心更名）';
    const { light } = await bothSay({
      catalogue: { version: 7, updatedAt: '2026-12-01T00:00:00Z', data: catalogue },
      calendar: {
        version: 8,
        updatedAt: '2026-12-01T00:00:00Z',
        data: {
          version: 2,
          years: {
            2027: {
              holidays: [
                {
                  name: '元旦',
                  nameEn: "New Year's Day",
                  from: '2027-01-01',
                  to: '2027-01-03',
                },
                {
                  name: '春节',
                  nameEn: 'Spring Festival',
                  from: '2027-02-06',
                  to: '2027-02-13',
                  makeupWorkdays: ['2027-02-14'],
                },
              ],
            },
          },
        },
      },
    });
    expect(rowView(apps[0]!, light, TODAY, 'zh').business).toBe('居民生活用电新装（中心更名）');
    // 2027 is known now: no 暂估 across the new year.
    expect(rowView(apps[4]!, light, TODAY, 'zh').daysLeft).not.toContain('暂估');
  });
});

// The list's row model, shared by the React list and the start-up first paint: masking, key
// customers, business names in both languages, days left, overdue; the count line; and the
// start-up page handed to the React list only for the list's opening state.
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../../shared/domain/calendar';
import { defaultCatalogue, findBusinessType } from '../../../shared/domain/catalogue';
import { defaultSettings } from '../../../shared/domain/settings';
import type { DeskConfig } from '../../../renderer/src/desk/config';
import { listHeadings, resultCountText, rowView } from '../../../renderer/src/desk/listRows';
import { makeApp } from '../store/factory';

const cfg: DeskConfig = {
  catalogue: defaultCatalogue,
  calendar: defaultCalendar,
  settings: defaultSettings,
};

describe('rowView', () => {
  const app = makeApp(
    { businessCode: '101', deadline: '2026-12-14', status: 'accepted' },
    { name: '林超涵', idNumber: '110101199003074578', phone: '13812345678' },
  );

  it('shows masked numbers only, the type name, the state and the days left', () => {
    const r = rowView(app, cfg, '2026-11-26', 'zh');
    expect(r.idMasked).toBe('110101********4578');
    expect(r.phoneMasked).toBe('138****5678');
    expect(JSON.stringify(r)).not.toContain('199003074578');
    expect(JSON.stringify(r)).not.toContain('13812345678');
    expect(r.business).toBe(findBusinessType(defaultCatalogue, '101')!.name);
    expect(r.href).toBe(`#/desk/app/${app.id}`);
    expect(r.overdue).toBe(false);
    expect(r.daysLeft).toMatch(/^剩\d+个工作日$/);
    expect(r.keyTag).toBeNull();
  });

  it('speaks English when asked', () => {
    const r = rowView(app, cfg, '2026-11-26', 'en');
    expect(r.business).toBe(findBusinessType(defaultCatalogue, '101')!.nameEn);
    expect(r.daysLeft).toMatch(/WD left$/);
  });

  it('marks an overdue application and a key customer with the manager', () => {
    const late = makeApp({
      businessCode: '101',
      deadline: '2026-11-20',
      status: 'accepted',
      keyCustomer: { managerName: '李经理' },
    } as Partial<typeof app>);
    const r = rowView(late, cfg, '2026-11-26', 'zh');
    expect(r.overdue).toBe(true);
    expect(r.daysLeft).toBe('已超期');
    expect(r.keyTag).toEqual({ text: '大客户 李经理', manager: '李经理' });
  });

  it('falls back to the code for a type the catalogue lacks', () => {
    const r = rowView(makeApp({ businessCode: 'ZZ9' }), cfg, '2026-11-26', 'zh');
    expect(r.business).toBe('ZZ9');
  });
});

describe('the count line and the headings', () => {
  it('says searching, the total, or how many are shown', () => {
    expect(resultCountText(0, undefined, false, 'zh')).toBe('正在查询…');
    expect(resultCountText(50, 199870, true, 'zh')).toBe('共 199870 条');
    expect(resultCountText(50, undefined, true, 'zh')).toBe('已显示 50 条，还有更多');
    expect(resultCountText(50, undefined, true, 'en')).toBe('50 shown, more available');
  });

  it('has six columns in both languages', () => {
    expect(listHeadings('zh')).toHaveLength(6);
    expect(listHeadings('en')).toHaveLength(6);
  });
});

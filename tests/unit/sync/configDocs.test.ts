// How the desk combines pushed configuration with the bundled one (configDocs.ts): valid pushed
// documents win, the calendar's pushed years are laid over the bundled years, an invalid
// document is ignored with its reason and never throws.
import { describe, expect, it } from 'vitest';
import { defaultCalendarData } from '../../../shared/domain/calendar';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import { defaultSettings } from '../../../shared/domain/settings';
import { checkConfigDoc, resolveConfig } from '../../../renderer/src/sync/configDocs';

const bundled = {
  catalogue: defaultCatalogue,
  calendarData: defaultCalendarData,
  settings: defaultSettings,
};
const year2027 = {
  holidays: [
    { name: '元旦', nameEn: 'New Year', from: '2027-01-01', to: '2027-01-01', makeupWorkdays: [] },
  ],
};

describe('resolveConfig', () => {
  it('nothing pushed: the bundled configuration, marked as bundled', () => {
    const r = resolveConfig(bundled, {});
    expect(r.catalogue).toBe(defaultCatalogue);
    expect(r.calendarData).toBe(defaultCalendarData);
    expect(r.sources.catalogue).toMatchObject({ source: 'bundled' });
    expect(r.sources.calendar.ignored).toBeUndefined();
  });

  it('a pushed calendar adds its years to the bundled ones (a pushed year wins)', () => {
    const r = resolveConfig(bundled, {
      calendar: {
        version: 7,
        updatedAt: '2026-12-01T00:00:00Z',
        data: { version: 2, years: { '2027': year2027 } },
      },
    });
    expect(Object.keys(r.calendarData.years)).toEqual(
      expect.arrayContaining([...Object.keys(defaultCalendarData.years), '2027']),
    );
    expect(r.sources.calendar).toMatchObject({ source: 'centre', centreVersion: 7 });
  });

  it('invalid documents are ignored with a reason, the rest still applies', () => {
    const r = resolveConfig(bundled, {
      catalogue: { version: 3, updatedAt: '', data: { types: 42 } },
      calendar: {
        version: 4,
        updatedAt: '',
        // A 2028 date under 2027: refused by the shared schema.
        data: {
          version: 2,
          years: {
            '2027': {
              holidays: [{ ...year2027.holidays[0]!, from: '2028-01-01', to: '2028-01-01' }],
            },
          },
        },
      },
      settings: { version: 5, updatedAt: '', data: { ...defaultSettings, version: 9 } },
    });
    expect(r.catalogue).toBe(defaultCatalogue);
    expect(r.sources.catalogue).toMatchObject({ source: 'bundled', ignored: { version: 3 } });
    expect(r.calendarData).toBe(defaultCalendarData);
    expect(r.sources.calendar.ignored?.reason).toBeTruthy();
    expect(r.settings.version).toBe(9);
    expect(r.sources.settings).toMatchObject({ source: 'centre', centreVersion: 5 });
  });

  it('checkConfigDoc refuses malformed wrappers without throwing', () => {
    expect(checkConfigDoc('catalogue', null).ok).toBe(false);
    expect(checkConfigDoc('calendar', { version: 0, data: {} }).ok).toBe(false);
    expect(checkConfigDoc('settings', 'x').ok).toBe(false);
    expect(
      checkConfigDoc('catalogue', { version: 1, updatedAt: 'x', data: defaultCatalogue }).ok,
    ).toBe(true);
  });
});

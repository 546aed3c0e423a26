// The update record's reconcile at start: an install that worked is forgotten, one that failed is
// never retried (no boot loop), a pending download stays installable; plus version comparison.
import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  EMPTY_RECORD,
  parseUpdateRecord,
  reconcileUpdateRecord,
  type UpdateRecord,
} from '../../../electron/updateRecord';

const attempt = (version: string, fromVersion: string) => ({
  version,
  fromVersion,
  via: 'quit' as const,
  at: '2025-03-01T08:00:00.000Z',
});

describe('compareVersions', () => {
  it('compares numerically, pre-releases before their release, build metadata ignored', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.2.0', '1.2.0')).toBe(0);
    expect(compareVersions('v1.2.0', '1.2')).toBe(0);
    expect(compareVersions('1.2.0-beta.2', '1.2.0')).toBeLessThan(0);
    expect(compareVersions('1.2.0', '1.2.0-beta.2')).toBeGreaterThan(0);
    expect(compareVersions('1.2.0-beta.2', '1.2.0-beta.10')).toBeLessThan(0);
    expect(compareVersions('1.2.0-alpha', '1.2.0-beta')).toBeLessThan(0);
    expect(compareVersions('1.2.0+build.7', '1.2.0')).toBe(0);
    expect(compareVersions('0.9.9', '1.0.0')).toBeLessThan(0);
  });

  it('orders nothing it cannot read (NaN), but still knows equal strings', () => {
    expect(compareVersions('nightly', 'nightly')).toBe(0);
    expect(compareVersions('nightly', '1.0.0')).toBeNaN();
  });
});

describe('parseUpdateRecord', () => {
  it('reads the first format ({ version } alone) as a download without an attempt', () => {
    expect(parseUpdateRecord({ version: '1.2.0' })).toEqual({ ...EMPTY_RECORD, version: '1.2.0' });
  });

  it('treats anything unexpected as absent', () => {
    expect(parseUpdateRecord(null)).toEqual(EMPTY_RECORD);
    expect(parseUpdateRecord('1.2.0')).toEqual(EMPTY_RECORD);
    expect(parseUpdateRecord({ version: 3, attempt: { version: '1.2.0' } })).toEqual(EMPTY_RECORD);
    const full = { version: '1.2.0', attempt: attempt('1.2.0', '1.1.0'), failedVersion: '1.1.5' };
    expect(parseUpdateRecord(JSON.parse(JSON.stringify(full)))).toEqual(full);
  });
});

describe('reconcileUpdateRecord', () => {
  it('has nothing to do without a record', () => {
    expect(reconcileUpdateRecord(EMPTY_RECORD, '1.0.0')).toEqual({
      record: EMPTY_RECORD,
      changed: false,
      installed: null,
      failed: null,
      failedVersion: null,
      installable: null,
    });
  });

  it('keeps a download not yet installed as installable', () => {
    const r = reconcileUpdateRecord({ ...EMPTY_RECORD, version: '1.1.0' }, '1.0.0');
    expect(r).toMatchObject({ changed: false, installable: '1.1.0', installed: null });
  });

  it('clears the record when the downloaded version (or a newer one) runs', () => {
    for (const running of ['1.1.0', '1.2.0']) {
      const r = reconcileUpdateRecord({ ...EMPTY_RECORD, version: '1.1.0' }, running);
      expect(r).toMatchObject({ record: EMPTY_RECORD, changed: true, installed: '1.1.0' });
      expect(r.installable).toBeNull();
    }
  });

  it('clears the record after an attempted install that worked', () => {
    const rec: UpdateRecord = {
      ...EMPTY_RECORD,
      version: '1.1.0',
      attempt: attempt('1.1.0', '1.0.0'),
    };
    const r = reconcileUpdateRecord(rec, '1.1.0');
    expect(r).toMatchObject({
      record: EMPTY_RECORD,
      changed: true,
      installed: '1.1.0',
      failed: null,
    });
  });

  it('marks the version failed when we still run the version the attempt started from', () => {
    const rec: UpdateRecord = {
      ...EMPTY_RECORD,
      version: '1.1.0',
      attempt: attempt('1.1.0', '1.0.0'),
    };
    const r = reconcileUpdateRecord(rec, '1.0.0');
    expect(r).toEqual({
      record: { version: '1.1.0', attempt: null, failedVersion: '1.1.0' },
      changed: true,
      installed: null,
      failed: '1.1.0',
      failedVersion: '1.1.0',
      installable: null,
    });
    // The start after that: still failed, nothing to install, nothing more to write.
    const again = reconcileUpdateRecord(r.record, '1.0.0');
    expect(again).toMatchObject({ changed: false, failed: null, failedVersion: '1.1.0' });
    expect(again.installable).toBeNull();
  });

  it('still installs a later, different download after a failure', () => {
    const rec: UpdateRecord = { ...EMPTY_RECORD, version: '1.2.0', failedVersion: '1.1.0' };
    expect(reconcileUpdateRecord(rec, '1.0.0')).toMatchObject({
      changed: false,
      failedVersion: '1.1.0',
      installable: '1.2.0',
    });
  });

  it('forgets the failure once that version or a newer one runs', () => {
    const rec: UpdateRecord = { ...EMPTY_RECORD, failedVersion: '1.1.0' };
    expect(reconcileUpdateRecord(rec, '1.1.1')).toMatchObject({
      record: EMPTY_RECORD,
      changed: true,
      failedVersion: null,
    });
  });

  it('forgets, without blaming, an attempt when we run neither of its versions', () => {
    const rec: UpdateRecord = {
      ...EMPTY_RECORD,
      version: '1.2.0',
      attempt: attempt('1.2.0', '1.0.0'),
    };
    const r = reconcileUpdateRecord(rec, '1.1.0');
    expect(r).toMatchObject({
      record: { version: '1.2.0', attempt: null, failedVersion: null },
      changed: true,
      failed: null,
      installable: '1.2.0',
    });
  });
});

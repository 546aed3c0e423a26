// The customer's rating is the hall's in every state: the desk keeps an unsent rating when the
// centre's record (taken up, without it) arrives by pull, and takes the centre's otherwise.
import { describe, expect, it } from 'vitest';
import { mergeForDesk, resolveDeskUpdate } from '../../../shared/protocol/conflict';
import { makeApp } from '../store/factory';

const at = '2026-11-27T03:00:00.000Z';

describe('customerRating under the conflict policy', () => {
  const centre = makeApp({ status: 'site_survey', serverVersion: 3 });
  const rated = { ...centre, customerRating: { level: '满意', bad: false, at } };

  it('the desk keeps its unsent rating on pull after take-up, and only then', () => {
    expect(mergeForDesk(rated, centre, true).customerRating).toEqual(rated.customerRating);
    expect(mergeForDesk(rated, centre, false)).toBe(centre);
    expect(mergeForDesk(centre, centre, true)).toBe(centre);
  });

  it('the centre takes a rating after take-up, without taking the rest', () => {
    const outcome = resolveDeskUpdate(centre, { ...rated, notes: 'late edit' });
    expect(outcome.kind).toBe('conflict');
    if (outcome.kind !== 'conflict') return;
    expect(outcome.changed).toBe(true);
    expect(outcome.current.customerRating).toEqual(rated.customerRating);
    expect(outcome.current.notes).toBeUndefined();
    expect(outcome.current.serverVersion).toBe(4);
    const same = resolveDeskUpdate(outcome.current, { ...outcome.current });
    expect(same).toMatchObject({ kind: 'apply', changed: false });
  });
});

// Returns (退回/补正): only to stages the application has been through, nearest first, with a
// configured reason; never from a terminal state; history stays in time order.
import { describe, expect, it } from 'vitest';
import { allowedReturns, applyReturn, nextStates } from '../../../shared/domain/returns';
import { defaultSettings } from '../../../shared/domain/settings';
import { WorkflowError, applyTransition } from '../../../shared/domain/workflow';
import { makeApplication } from './factories';

const reasons = defaultSettings.workbench.returnReasons;

describe('returns', () => {
  const accepted = makeApplication({ businessCode: '101' }); // low2: accepted → construction
  const built = applyTransition(accepted, 'construction', '王五', '2026-11-27T09:00:00+08:00');

  it('offers no return from the first stage or a terminal state', () => {
    expect(allowedReturns(accepted)).toEqual([]);
    const archived = applyTransition(built, 'archived', '王五', '2026-11-28T09:00:00+08:00');
    expect(allowedReturns(archived)).toEqual([]);
    expect(nextStates(built)).toEqual({
      forward: ['archived', 'cancelled', 'rejected'],
      returns: ['accepted'],
    });
  });

  it('returns with a configured reason and records it', () => {
    const back = applyReturn(
      built,
      'accepted',
      reasons[0]!.code,
      reasons,
      '王五',
      '2026-11-28T09:00:00+08:00',
      '缺资料',
    );
    expect(back.status).toBe('accepted');
    expect(back.history.at(-1)).toEqual({
      from: 'construction',
      to: 'accepted',
      at: '2026-11-28T09:00:00+08:00',
      actor: '王五',
      reasonCode: reasons[0]!.code,
      note: '缺资料',
    });
  });

  it('refuses a return without a known reason, to an unvisited stage, or back in time', () => {
    const at = '2026-11-28T09:00:00+08:00';
    expect(() => applyReturn(built, 'accepted', undefined, reasons, '王五', at, undefined)).toThrow(
      WorkflowError,
    );
    expect(() => applyReturn(built, 'accepted', 'nope', reasons, '王五', at, undefined)).toThrow(
      /原因/,
    );
    expect(() =>
      applyReturn(accepted, 'construction', reasons[0]!.code, reasons, '王五', at, undefined),
    ).toThrow(WorkflowError);
    expect(() =>
      applyReturn(
        built,
        'accepted',
        reasons[0]!.code,
        reasons,
        '王五',
        '2026-11-01T09:00:00+08:00',
        undefined,
      ),
    ).toThrow(/早于/);
  });
});

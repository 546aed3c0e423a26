// The shared schemas refuse what the central database cannot store (issue 11 §2), so the desk
// refuses it at submit and the centre per change: NUL, lone surrogates, days that do not exist,
// year 0000, integers past 2^31, per-field lengths; and the JSON walk bounds depth without
// recursion (a payload nested 200,000 levels deep does not overflow the stack).
import { describe, expect, it } from 'vitest';
import { Application, AttachmentMeta, Feedback } from '../../../shared/domain/model';
import {
  Change,
  MAX_PAYLOAD_DEPTH,
  jsonDepthExceeds,
  jsonProblem,
  textProblem,
} from '../../../shared/protocol';
import { makeApplication, makeAttachmentMeta, makeFeedback } from './factories';

describe('storable values', () => {
  it('the application schema refuses what the database cannot store', () => {
    const ok = makeApplication();
    expect(Application.safeParse(ok).success).toBe(true);
    const bad: Array<[string, Record<string, unknown>]> = [
      ['NUL in notes', { notes: 'a\u0000b' }],
      ['lone surrogate in the address', { address: 'x\ud800y' }],
      ['a day that does not exist', { deadline: '2026-02-30' }],
      ['year 0000', { acceptedAt: '0000-01-01T00:00:00Z' }],
      ['year 0000 deadline', { deadline: '0000-01-01' }],
      ['appNo of a megabyte', { appNo: 'N'.repeat(1024 * 1024) }],
      ['status of 100k', { status: 'S'.repeat(100_000) }],
      ['actor of 100k', { acceptedBy: 'A'.repeat(100_000) }],
      ['serverVersion 2^31', { serverVersion: 2 ** 31 }],
      ['a form field of 10k', { fields: { x: 'y'.repeat(10_000) } }],
      ['NUL in a field key', { fields: { 'a\u0000': 1 } }],
    ];
    for (const [what, patch] of bad) {
      expect(Application.safeParse({ ...ok, ...patch }).success, what).toBe(false);
    }
    expect(
      Application.safeParse({ ...ok, history: [{ ...ok.history[0]!, actor: 'x'.repeat(61) }] })
        .success,
    ).toBe(false);
    expect(Application.safeParse({ ...ok, deadline: '2024-02-29' }).success).toBe(true);
  });

  it('feedback, attachment records and the push envelope too', () => {
    expect(Feedback.safeParse({ ...makeFeedback(), content: 'x\u0000' }).success).toBe(false);
    expect(Feedback.safeParse({ ...makeFeedback(), replyDue: '2026-02-30' }).success).toBe(false);
    expect(AttachmentMeta.safeParse({ ...makeAttachmentMeta(), size: 2 ** 31 }).success).toBe(
      false,
    );
    const change = {
      changeId: crypto.randomUUID(),
      seq: 1,
      entity: 'queue_event',
      entityId: 'e1',
      op: 'create',
      payload: {},
    };
    expect(Change.safeParse(change).success).toBe(true);
    expect(Change.safeParse({ ...change, seq: 2 ** 31 }).success).toBe(false);
    expect(Change.safeParse({ ...change, entityId: 'e\u0000' }).success).toBe(false);
  });

  it('walks free-form JSON without recursion and names the problem', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDepthExceeds(deep, 48)).toBe(true);
    expect(jsonProblem(deep, { maxDepth: MAX_PAYLOAD_DEPTH, maxString: 100 })).toContain('嵌套');
    expect(jsonProblem({ a: { b: 'x\u0000' } }, { maxDepth: 5, maxString: 100 })).toContain('NUL');
    expect(jsonProblem({ ['\udc00']: 1 }, { maxDepth: 5, maxString: 100 })).toContain('surrogate');
    expect(jsonProblem({ a: 'x'.repeat(101) }, { maxDepth: 5, maxString: 100 })).toContain('100');
    expect(jsonProblem({ a: [1, 'ok', { b: null }] }, { maxDepth: 5, maxString: 100 })).toBeNull();
    expect(textProblem('正常的中文 😀')).toBeNull();
  });
});

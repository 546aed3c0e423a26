// The feedback merge rule between a desk and the centre (shared/protocol/feedbackMerge.ts): a
// desk's contact and the centre's contact/reply/handler both survive in either order; the merge
// is commutative, associative and idempotent (seeded property test); a desk cannot name a handler.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Feedback, FeedbackContact } from '../../../shared/domain/model';
import { Feedback as FeedbackSchema } from '../../../shared/domain/model';
import { canonicalJson } from '../../../shared/protocol/conflict';
import { asDeskVersion, mergeFeedback } from '../../../shared/protocol/feedbackMerge';
import { decideFeedback } from '../../../server/central/pushFeedback';
import { makeFeedback } from '../store/factory';

const base = makeFeedback({ acceptedAt: '2026-12-01T09:00:00+08:00' });
const contact = (id: string, at: string, source: 'desk' | 'centre'): FeedbackContact => ({
  id,
  at,
  channel: 'phone',
  note: `联系 ${id.slice(0, 4)}`,
  by: source === 'desk' ? '柜员甲' : '处理人乙',
  source,
});
const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('feedback merge', () => {
  it('keeps the desk contact and the centre reply and handler, in either order', () => {
    const desk: Feedback = {
      ...base,
      contacts: [contact(ID(1), '2026-12-01T10:00:00+08:00', 'desk')],
      firstContactAt: '2026-12-01T10:00:00+08:00',
      status: 'contacted',
      phone: '13900002222', // the clerk corrected the phone
      updatedAt: '2026-12-01T10:00:00+08:00',
    };
    const centre: Feedback = {
      ...base,
      handler: {
        staffNo: 'H1',
        name: '处理人乙',
        assignedAt: '2026-12-01T09:30:00+08:00',
        auto: true,
      },
      contacts: [contact(ID(2), '2026-12-01T11:00:00+08:00', 'centre')],
      firstContactAt: '2026-12-01T11:00:00+08:00',
      reply: '已安排抢修',
      repliedAt: '2026-12-01T12:00:00+08:00',
      repliedBy: '处理人乙',
      status: 'replied',
      serverVersion: 3,
      // Centre edits leave updatedAt (it dates the hall's fields).
    };
    const m1 = mergeFeedback(desk, centre);
    const m2 = mergeFeedback(centre, desk);
    expect(canonicalJson(m1)).toBe(canonicalJson(m2));
    expect(m1.contacts?.map((c) => c.id)).toEqual([ID(1), ID(2)]);
    expect(m1.handler?.staffNo).toBe('H1');
    expect(m1.reply).toBe('已安排抢修');
    expect(m1.status).toBe('replied');
    expect(m1.firstContactAt).toBe('2026-12-01T10:00:00+08:00');
    expect(m1.serverVersion).toBe(3);
    // The hall's fields come from the later hall edit: the clerk's corrected phone.
    expect(m1.phone).toBe('13900002222');
    expect(FeedbackSchema.safeParse(m1).success).toBe(true);
  });

  it('takes the later reply and never clears one', () => {
    const a: Feedback = {
      ...base,
      reply: '甲',
      repliedAt: '2026-12-02T09:00:00+08:00',
      status: 'replied',
    };
    const b: Feedback = {
      ...base,
      reply: '乙',
      repliedAt: '2026-12-03T09:00:00+08:00',
      status: 'replied',
    };
    expect(mergeFeedback(a, b).reply).toBe('乙');
    expect(mergeFeedback(b, a).reply).toBe('乙');
    expect(mergeFeedback(base, a).reply).toBe('甲');
  });

  it('does not let a desk name a handler or raise the serverVersion', () => {
    const forged: Feedback = {
      ...base,
      handler: { staffNo: 'X9', name: '冒名', assignedAt: base.acceptedAt, auto: false },
      serverVersion: 999,
    };
    expect(asDeskVersion(forged, undefined).handler).toBeUndefined();
    const centre: Feedback = {
      ...base,
      handler: { staffNo: 'H1', name: '处理人乙', assignedAt: base.acceptedAt, auto: true },
      serverVersion: 2,
    };
    const d = decideFeedback(centre, forged);
    expect(d.record.handler?.staffNo).toBe('H1');
    expect(d.record.serverVersion).toBe(2);
    expect(d.echo).toBe(true); // the desk is told the centre's handler
  });

  it('is commutative, associative and idempotent (seeded)', () => {
    const at = fc
      .integer({ min: 0, max: 10_000 })
      .map((m) => new Date(Date.parse('2026-12-01T01:00:00Z') + m * 60_000).toISOString());
    const version = fc.record({
      contacts: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }),
      status: fc.constantFrom('open', 'contacted', 'replied', 'closed' as const),
      reply: fc.option(fc.tuple(fc.constantFrom('甲', '乙', '丙'), at)),
      sv: fc.option(fc.integer({ min: 1, max: 5 })),
      handler: fc.option(fc.constantFrom('H1', 'H2')),
      phone: fc.constantFrom('13900000001', '13900000002'),
      updatedAt: at,
      linksAt: fc.option(fc.tuple(fc.constantFrom('A-1', 'A-2'), at)),
      firstContactAt: fc.option(at),
    });
    function toFb(v: {
      contacts: number[];
      status: Feedback['status'];
      reply: [string, string] | null;
      sv: number | null;
      handler: string | null;
      phone: string;
      updatedAt: string;
      linksAt: [string, string] | null;
      firstContactAt: string | null;
    }): Feedback {
      const fb: Feedback = {
        ...base,
        status: v.status,
        phone: v.phone,
        updatedAt: v.updatedAt,
        // One contact id always has the same content (it is written once, where it is made).
        contacts: [...v.contacts]
          .sort()
          .map((n) => contact(ID(n), `2026-12-01T0${n}:00:00+08:00`, 'desk')),
      };
      if (!fb.contacts?.length) delete fb.contacts;
      if (v.reply) Object.assign(fb, { reply: v.reply[0], repliedAt: v.reply[1] });
      if (v.sv !== null) fb.serverVersion = v.sv;
      if (v.handler)
        fb.handler = {
          staffNo: v.handler,
          name: v.handler,
          assignedAt: base.acceptedAt,
          auto: true,
        };
      if (v.linksAt) Object.assign(fb, { applicationNo: v.linksAt[0], linksAt: v.linksAt[1] });
      if (v.firstContactAt) fb.firstContactAt = v.firstContactAt;
      return fb;
    }
    const same = (x: Feedback, y: Feedback) => canonicalJson(x) === canonicalJson(y);
    fc.assert(
      fc.property(version, version, version, (va, vb, vc) => {
        const [a, b, c] = [toFb(va), toFb(vb), toFb(vc)];
        expect(same(mergeFeedback(a, b), mergeFeedback(b, a))).toBe(true);
        expect(same(mergeFeedback(a, a), a)).toBe(true);
        expect(
          same(mergeFeedback(mergeFeedback(a, b), c), mergeFeedback(a, mergeFeedback(b, c))),
        ).toBe(true);
        // Nothing either side had is lost.
        const ids = new Set(mergeFeedback(a, b).contacts?.map((x) => x.id));
        for (const x of [...(a.contacts ?? []), ...(b.contacts ?? [])])
          expect(ids.has(x.id)).toBe(true);
        if (a.reply || b.reply) expect(mergeFeedback(a, b).reply).toBeTruthy();
      }),
      { seed: 1207, numRuns: 400 },
    );
  });
});

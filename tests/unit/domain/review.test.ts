// Pre-submit review: a clean application has nothing to confirm; each kind of problem (documents
// to follow, commitment letter, capacity above the voltage level, minor, missing or out-of-range
// fields, bad identifiers, missing calendar year) appears with its severity and Chinese message.
import { describe, expect, it } from 'vitest';
import {
  canSubmit,
  documentChecklist,
  outstandingDocuments,
  reviewApplication,
  type ReviewInput,
} from '../../../shared/domain/review';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import { defaultSettings } from '../../../shared/domain/settings';
import { defaultCalendar } from '../../../shared/domain/calendar';
import { residentIdCheckChar } from '../../../shared/domain/validators';
import type { Application } from '../../../shared/domain/model';
import { makeApplication, type ApplicationOverrides } from './factories';

const today = '2026-11-26';
/** Reviews a ready application (it has an id) or one built by the factory from overrides. */
const review = (o: ApplicationOverrides | Application, opts = {}) =>
  reviewApplication(
    'id' in o && typeof o.id === 'string'
      ? (o as ReviewInput)
      : makeApplication(o as ApplicationOverrides),
    defaultCatalogue,
    defaultSettings,
    today,
    opts,
  );
const codes = (o: ApplicationOverrides) => review(o).map((i) => `${i.severity}:${i.code}`);

describe('reviewApplication', () => {
  it('finds nothing in a complete, valid application', () => {
    const items = review({});
    expect(items).toEqual([]);
    expect(canSubmit(items)).toBe(true);
  });

  it('every message is in Chinese, with English beside it', () => {
    const items = review({
      customer: { phone: '123', idNumber: '110105194912310021' },
      fields: {},
      documents: [],
    });
    expect(items.length).toBeGreaterThan(3);
    for (const i of items) {
      expect(i.message).toMatch(/[\u4e00-\u9fa5]/);
      expect(i.messageEn).toMatch(/[A-Za-z]/);
    }
  });

  it('一证受理: documents to follow need the signed commitment letter', () => {
    const docs = [
      { code: 'id_doc', status: 'received' as const, attachmentIds: [] },
      { code: 'property_proof', status: 'to_follow' as const, attachmentIds: [] },
    ];
    expect(codes({ documents: docs })).toEqual(['blocker:document_needs_commitment']);
    const signed = review({ documents: docs, commitmentSigned: true });
    expect(signed.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:documents_to_follow']);
    expect(signed[0]?.message).toContain('房屋产权证明');
    expect(signed[0]?.message).toContain('客户承诺书');
    expect(canSubmit(signed)).toBe(true);
  });

  it('the identity document itself can never follow', () => {
    const docs = [{ code: 'property_proof', status: 'received' as const, attachmentIds: [] }];
    expect(codes({ documents: docs, commitmentSigned: true })).toEqual([
      'blocker:document_missing',
    ]);
  });

  it('types without 一证受理 need every required document now', () => {
    const app = makeApplication({
      businessCode: '210',
      customer: { accountNo: '0123456789' },
      fields: {
        newHolderName: '李四',
        newHolderIdType: 'resident_id',
        newHolderIdNumber: '440524188001010014',
        newHolderPhone: '13912345678',
        arrearsSettled: true,
      },
    });
    expect(review(app)).toEqual([]);
    const missing = {
      ...app,
      documents: app.documents.filter((d) => d.code !== 'transfer_proof'),
      commitmentSigned: true,
    };
    expect(review(missing).map((i) => i.code)).toEqual(['document_missing']);
  });

  it('warns when the capacity is above what the voltage level allows', () => {
    const items = review({ fields: { voltageLevel: '220V', capacity: 20 } });
    expect(items.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:capacity_above_max']);
    expect(items[0]?.message).toContain('16kW');
    expect(codes({ fields: { voltageLevel: '380V', capacity: 20 } })).toEqual([]);
  });

  it('adds existing and added capacity for an increase', () => {
    const base: ApplicationOverrides = {
      businessCode: '109',
      customer: { accountNo: '0123456789' },
    };
    expect(
      codes({ ...base, fields: { voltageLevel: '220V', existingCapacity: 8, addedCapacity: 4 } }),
    ).toEqual([]);
    expect(
      codes({ ...base, fields: { voltageLevel: '220V', existingCapacity: 10, addedCapacity: 10 } }),
    ).toEqual(['warning:capacity_above_max']);
  });

  it('warns when the ID makes the holder a minor, using the configured age', () => {
    const first17 = '11010520100101001';
    const minorId = first17 + residentIdCheckChar(first17);
    const items = review({ customer: { idNumber: minorId } });
    expect(items.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:holder_minor']);
    expect(items[0]?.message).toContain('16岁');
    const relaxed = reviewApplication(
      makeApplication({ customer: { idNumber: minorId } }),
      defaultCatalogue,
      { ...defaultSettings, minorAge: 16 },
      today,
    );
    expect(relaxed).toEqual([]);
  });

  it('notes a 15-digit legacy ID', () => {
    expect(codes({ customer: { idNumber: '110105491231002' } })).toEqual(['info:id_legacy15']);
  });

  it('blocks invalid identifiers and phones', () => {
    expect(codes({ customer: { idNumber: '110105194912310021' } })).toEqual(['blocker:id_check']);
    expect(codes({ customer: { phone: '1234' } })).toEqual(['blocker:phone_format']);
  });

  it('checks 户号 with the configured length where the type needs it', () => {
    const fields = { voltageLevel: '220V', existingCapacity: 4, addedCapacity: 4 };
    expect(codes({ businessCode: '109', fields, customer: { accountNo: undefined } })).toEqual([
      'blocker:account_empty',
    ]);
    expect(codes({ businessCode: '109', fields, customer: { accountNo: '123' } })).toEqual([
      'blocker:account_length',
    ]);
    const twelve = reviewApplication(
      makeApplication({ businessCode: '109', fields, customer: { accountNo: '012345678901' } }),
      defaultCatalogue,
      { ...defaultSettings, accountNo: { length: 12 } },
      today,
    );
    expect(twelve).toEqual([]);
  });

  it('blocks missing and out-of-range per-type fields', () => {
    expect(codes({ fields: { voltageLevel: '220V' } })).toEqual(['blocker:field_required']);
    expect(codes({ fields: { voltageLevel: '500V', capacity: 8 } })).toEqual([
      'blocker:field_option',
    ]);
    const big = { businessCode: '307', customer: { accountNo: '0123456789' } };
    expect(
      codes({ ...big, fields: { householdSize: 4, registerKind: 'household_register' } }),
    ).toEqual(['blocker:field_min']);
    expect(
      codes({ ...big, fields: { householdSize: 6, registerKind: 'household_register' } }),
    ).toEqual([]);
  });

  it('applies conditional requirements (lease of at least a year for a charging pile)', () => {
    const base = { voltageLevel: '220V', pilePower: 7, parkingSpace: 'B2-018' };
    expect(codes({ businessCode: '302', fields: { ...base, parkingProofType: 'title' } })).toEqual(
      [],
    );
    expect(codes({ businessCode: '302', fields: { ...base, parkingProofType: 'lease' } })).toEqual([
      'blocker:field_required',
    ]);
    expect(
      codes({
        businessCode: '302',
        fields: { ...base, parkingProofType: 'lease', leaseMonths: 6 },
      }),
    ).toEqual(['blocker:field_min']);
    expect(
      codes({
        businessCode: '302',
        fields: { ...base, parkingProofType: 'lease', leaseMonths: 24 },
      }),
    ).toEqual([]);
  });

  it('needs arrears confirmed for a transfer', () => {
    const items = codes({
      businessCode: '213',
      customer: { accountNo: '0123456789' },
      fields: { closeReason: 'demolition', arrearsSettled: false },
    });
    expect(items).toEqual(['blocker:field_unconfirmed']);
  });

  it('checks companies: credit code, legal representative, kind allowed', () => {
    const hv = {
      businessCode: '104',
      fields: {
        voltageLevel: '10kV',
        capacity: 630,
        powerSources: 'single',
        electricityCategory: 'large_industry',
      },
    };
    expect(codes(hv)).toEqual([]);
    expect(codes({ ...hv, customer: { creditCode: '91110000600037341M' } })).toEqual([
      'blocker:credit_check',
    ]);
    expect(codes({ ...hv, customer: { legalRep: '' } })).toEqual(['blocker:legal_rep_required']);
    expect(codes({ ...hv, fields: { ...hv.fields, capacity: 20 } })).toEqual([
      'warning:capacity_below_min',
    ]);
    expect(
      codes({
        customerKind: 'company',
        customer: { creditCode: '91110000600037341L', legalRep: '李四' },
      })[0],
    ).toBe('blocker:customer_kind');
  });

  it('reports an unknown business type alone', () => {
    expect(codes({ businessCode: '101' }).length).toBe(0);
    const app = { ...makeApplication(), businessCode: '999' };
    expect(review(app).map((i) => i.code)).toEqual(['business_unknown']);
  });

  it('warns that the deadline is provisional when it reaches a year without a calendar', () => {
    const hv = makeApplication({
      businessCode: '104',
      fields: {
        voltageLevel: '10kV',
        capacity: 630,
        powerSources: 'single',
        electricityCategory: 'large_industry',
      },
    });
    expect(review(hv, { calendar: defaultCalendar })).toEqual([]);
    const dual = { ...hv, fields: { ...hv.fields, powerSources: 'dual' } };
    const items = review(dual, {
      calendar: defaultCalendar,
      acceptedAt: '2026-11-26T10:00:00+08:00',
    });
    expect(items.map((i) => `${i.severity}:${i.code}`)).toEqual(['warning:deadline_provisional']);
    expect(items[0]?.message).toBe(
      '办结时限按周一至周五暂估（2027年节假日安排尚未发布），发布后以中心为准',
    );
    expect(items[0]?.messageEn).toContain('2027');
  });

  it('lists blockers before warnings', () => {
    const items = review({
      fields: { voltageLevel: '220V', capacity: 20 },
      customer: { phone: 'x' },
    });
    expect(items.map((i) => i.severity)).toEqual(['blocker', 'warning']);
    expect(canSubmit(items)).toBe(false);
  });
});

describe('documentChecklist', () => {
  it('lists received and outstanding documents for the kind', () => {
    const t = defaultCatalogue.types.find((x) => x.code === '101');
    if (!t) throw new Error('101');
    const app = makeApplication({
      documents: [
        { code: 'id_doc', status: 'received', attachmentIds: ['a1'] },
        { code: 'property_proof', status: 'to_follow', attachmentIds: [] },
      ],
      commitmentSigned: true,
    });
    const list = documentChecklist(app, t);
    expect(list.map((d) => [d.code, d.status, d.required])).toEqual([
      ['id_doc', 'received', true],
      ['authorisation', 'not_required', false],
      ['property_proof', 'to_follow', true],
    ]);
    expect(list[0]?.attachmentIds).toEqual(['a1']);
    expect(outstandingDocuments(app, t).map((d) => d.name)).toEqual(['房屋产权证明']);
  });
});

describe('factory applications of every type', () => {
  it('pass review without blockers for every kind each type serves', () => {
    for (const t of defaultCatalogue.types)
      for (const kind of t.customerKinds) {
        const items = review(makeApplication({ businessCode: t.code, customerKind: kind }));
        expect(
          items
            .filter((i) => i.severity !== 'info')
            .map((i) => `${t.code} ${kind} ${i.code} ${i.target ?? ''}`),
        ).toEqual([]);
      }
  });
});

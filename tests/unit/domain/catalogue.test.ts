// Catalogue integrity (every type in domain.md, codes unique, fields or documents, stages with
// limits on the type's workflow path), pinyin initials checked against pinyin-pro, the loader's
// errors on bad data, and the type picker's search.
import { describe, expect, it } from 'vitest';
import { pinyin } from 'pinyin-pro';
import catalogueJson from '../../../shared/config/catalogue.json';
import {
  CatalogueError,
  defaultCatalogue as cat,
  documentsFor,
  fieldsFor,
  findBusinessType,
  loadCatalogue,
  resolveLimits,
  searchBusinessTypes,
} from '../../../shared/domain/catalogue';
import { pathStageCodes } from '../../../shared/domain/workflow';
import { VoltageLevel, defaultSettings } from '../../../shared/domain/settings';

const DOMAIN_TYPES = {
  expansion: [
    '低压居民新装',
    '低压非居民新装',
    '高压新装',
    '低压居民增容',
    '低压非居民增容',
    '高压增容',
    '临时用电',
    '小区新装',
  ],
  change: [
    '减容',
    '减容恢复',
    '暂停',
    '暂停恢复',
    '暂换',
    '迁址',
    '移表',
    '暂拆',
    '更名',
    '过户',
    '分户',
    '并户',
    '销户',
    '改压',
    '改类',
  ],
  service: [
    '分布式光伏并网',
    '充电桩报装（个人）',
    '充电桩报装（企业）',
    '验表',
    '计量装置故障',
    '峰谷分时电价选择',
    '一户多人口',
  ],
} as const;

function clone(): Record<string, unknown> & { types: Record<string, unknown>[] } {
  return structuredClone(catalogueJson) as unknown as Record<string, unknown> & {
    types: Record<string, unknown>[];
  };
}

describe('catalogue integrity', () => {
  it('has at least 25 types and every business listed in domain.md in its group', () => {
    expect(cat.types.length).toBeGreaterThanOrEqual(25);
    for (const [group, names] of Object.entries(DOMAIN_TYPES)) {
      for (const name of names) {
        const t = cat.types.find(
          (x) => x.name === name || x.keywords.includes(name) || x.name.includes(name),
        );
        expect(t, name).toBeDefined();
        expect(t?.group, name).toBe(group);
      }
    }
    expect(
      cat.types.filter((t) => t.name.startsWith('充电桩')).map((t) => t.customerKinds),
    ).toEqual([['resident'], ['company']]);
  });

  it('has unique codes and the SG186-style codes for the well-known types', () => {
    const codes = cat.types.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(findBusinessType(cat, '101')?.name).toBe('低压居民新装');
    expect(findBusinessType(cat, '102')?.name).toBe('低压非居民新装');
    expect(findBusinessType(cat, '104')?.name).toBe('高压新装');
    expect(['109', '110', '111'].map((c) => findBusinessType(cat, c)?.name)).toEqual([
      '低压居民增容',
      '低压非居民增容',
      '高压增容',
    ]);
  });

  it('gives every type fields, documents, stages with limits on its workflow path', () => {
    for (const t of cat.types) {
      expect(t.fields.length + t.documents.length, t.name).toBeGreaterThan(0);
      expect(t.fields.length, t.name).toBeGreaterThan(0);
      expect(t.documents.length, t.name).toBeGreaterThan(0);
      expect(t.stages[0]?.code, t.name).toBe('accepted');
      for (const s of t.stages) {
        expect(pathStageCodes(t.workflow), `${t.name} ${s.code}`).toContain(s.code);
        expect(s.limitWd, `${t.name} ${s.code}`).toBeGreaterThanOrEqual(0);
      }
      expect(t.totalLimitWd, t.name).toBeGreaterThan(0);
      // An identity document is always listed for each kind the type serves.
      for (const k of t.customerKinds) {
        const required = documentsFor(t, k).filter((d) => d.required);
        expect(required.length, `${t.name} ${k}`).toBeGreaterThan(0);
        expect(
          required.some((d) => !d.mayFollow),
          `${t.name} ${k}: the one certificate itself`,
        ).toBe(true);
      }
      // Voltage options name configured levels, so the capacity check can apply.
      for (const f of t.fields.filter((x) => x.role === 'voltage'))
        for (const o of f.options ?? []) {
          expect(VoltageLevel.safeParse(o.value).success, `${t.name} ${o.value}`).toBe(true);
          expect(defaultSettings.capacityLimits[o.value as VoltageLevel]).toBeDefined();
        }
    }
  });

  it('has the per-type fields the issue names', () => {
    const keys = (code: string) => findBusinessType(cat, code)?.fields.map((f) => f.key) ?? [];
    const gh = cat.types.find((t) => t.name === '过户');
    expect(gh?.needsAccountNo).toBe(true);
    expect(keys(gh?.code ?? '')).toEqual(
      expect.arrayContaining([
        'newHolderName',
        'newHolderIdType',
        'newHolderIdNumber',
        'arrearsSettled',
      ]),
    );
    expect(keys('109')).toEqual(expect.arrayContaining(['existingCapacity', 'addedCapacity']));
    const pv = cat.types.find((t) => t.name === '分布式光伏并网');
    expect(pv?.fields.map((f) => f.role)).toEqual(expect.arrayContaining(['capacity', 'voltage']));
    const pile = cat.types.find((t) => t.name === '充电桩报装（个人）');
    expect(pile?.fields.some((f) => f.key === 'pilePower' && f.unit === 'kW')).toBe(true);
    expect(pile?.documents.some((d) => d.code === 'parking_proof' && d.mayFollow)).toBe(true);
    const big = cat.types.find((t) => t.name === '一户多人口');
    expect(big?.fields.find((f) => f.key === 'householdSize')?.min).toBe(5);
  });

  it('offers 一证受理 on new connections with documents that may follow', () => {
    const t101 = findBusinessType(cat, '101');
    expect(t101?.oneCertificate).toBe(true);
    expect(t101?.documents.find((d) => d.code === 'property_proof')?.mayFollow).toBe(true);
    expect(t101?.documents.find((d) => d.code === 'id_doc')?.mayFollow).toBe(false);
    expect(cat.customerBlock.commitmentLetter.name).toBe('客户承诺书');
  });

  it('resolves limit variants (dual supply, external line work) and hall overrides', () => {
    const t104 = findBusinessType(cat, '104');
    if (!t104) throw new Error('104 missing');
    expect(resolveLimits(t104, { powerSources: 'single' }).totalLimitWd).toBe(22);
    const dual = resolveLimits(t104, { powerSources: 'dual' });
    expect(dual.totalLimitWd).toBe(32);
    expect(dual.stages.find((s) => s.code === 'scheme_reply')?.limitWd).toBe(20);
    const t101 = findBusinessType(cat, '101');
    if (!t101) throw new Error('101 missing');
    expect(resolveLimits(t101, {}).totalLimitWd).toBe(5);
    expect(resolveLimits(t101, { externalLineWork: true }).totalLimitWd).toBe(15);
    expect(resolveLimits(t101, {}, { '101': 3 }).totalLimitWd).toBe(3);
  });

  it('shows company-only fields to companies only', () => {
    const t102 = findBusinessType(cat, '102');
    if (!t102) throw new Error('102 missing');
    expect(fieldsFor(t102, 'company').some((f) => f.key === 'industry')).toBe(true);
    expect(fieldsFor(t102, 'resident').some((f) => f.key === 'industry')).toBe(false);
  });
});

describe('pinyin initials', () => {
  it('match pinyin-pro for every type name', () => {
    for (const t of cat.types) {
      const hanzi = t.name.replace(/[^\u4e00-\u9fa5]/g, '');
      const expected = pinyin(hanzi, { pattern: 'first', toneType: 'none', type: 'array' })
        .join('')
        .toLowerCase();
      expect(t.initials, t.name).toBe(expected);
    }
  });
});

describe('loadCatalogue', () => {
  it('loads the shipped JSON', () => {
    expect(loadCatalogue(catalogueJson).types.length).toBe(cat.types.length);
  });

  it.each([
    ['not an object', () => ({ replaceWith: 42 }), /Invalid business catalogue/],
    [
      'duplicate code',
      (c: ReturnType<typeof clone>) => {
        c.types[1]!.code = c.types[0]!.code;
      },
      /duplicate code/,
    ],
    [
      'unknown field ref',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.fields = ['noSuchField'];
      },
      /unknown field library entry "noSuchField"/,
    ],
    [
      'unknown document',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.documents = ['no_such_doc'];
      },
      /unknown document library entry/,
    ],
    [
      'stage off the path',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.stages = [
          { code: 'accepted', limitWd: 1 },
          { code: 'design_review', limitWd: 1 },
        ];
      },
      /not on workflow path/,
    ],
    [
      'negative limit',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.totalLimitWd = -1;
      },
      /totalLimitWd/,
    ],
    [
      'bad initials',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.initials = 'DY JM';
      },
      /initials/,
    ],
    [
      'bad kind',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.customerKinds = ['alien'];
      },
      /customerKinds/,
    ],
    [
      'select without options',
      (c: ReturnType<typeof clone>) => {
        c.types[0]!.fields = [{ key: 'x', label: 'x', labelEn: 'x', kind: 'select' }];
      },
      /no options/,
    ],
  ])('throws a clear CatalogueError for %s', (_name, mutate, pattern) => {
    const c = clone();
    const result: unknown = mutate(c);
    const input =
      result && typeof result === 'object' && 'replaceWith' in result ? result.replaceWith : c;
    let err: unknown;
    try {
      loadCatalogue(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CatalogueError);
    expect((err as CatalogueError).message).toMatch(pattern);
    expect((err as CatalogueError).messageZh).toMatch(/^业务目录数据无效/);
  });

  it('accepts a change made as data only (a new type with inline fields)', () => {
    const c = clone();
    c.types.push({
      code: '999',
      name: '测试业务',
      nameEn: 'Test business',
      initials: 'csyw',
      group: 'service',
      customerKinds: ['resident'],
      voltagePath: 'low',
      workflow: 'service',
      needsAccountNo: false,
      fields: [{ key: 'note', label: '说明', labelEn: 'Note', kind: 'text' }],
      documents: [{ code: 'id_doc', requiredFor: ['resident'], mayFollow: false }],
      oneCertificate: false,
      stages: [{ code: 'accepted', limitWd: 1 }],
      totalLimitWd: 2,
    });
    const loaded = loadCatalogue(c);
    const t = findBusinessType(loaded, '999');
    expect(t?.documents[0]?.name).toBe('有效身份证件');
    expect(searchBusinessTypes(loaded, 'csyw')[0]?.code).toBe('999');
  });
});

describe('searchBusinessTypes', () => {
  const names = (q: string) => searchBusinessTypes(cat, q).map((t) => t.name);
  it('finds by pinyin initials', () => {
    expect(names('dyjmxz')[0]).toBe('低压居民新装');
    expect(names('DYJM')).toEqual(['低压居民新装', '低压居民增容']);
    expect(names('gh')[0]).toBe('过户');
    expect(names('cdz')).toEqual(['充电桩报装（个人）', '充电桩报装（企业）']);
  });
  it('finds by code, exact first', () => {
    expect(names('101')[0]).toBe('低压居民新装');
    expect(searchBusinessTypes(cat, '11').map((t) => t.code)[0]).toBe('110');
  });
  it('finds by Chinese name and keyword', () => {
    expect(names('增容')).toEqual(['低压居民增容', '低压非居民增容', '高压增容']);
    expect(names('验表')).toContain('电能表校验');
    expect(names('光伏')[0]).toBe('分布式光伏并网');
    expect(names('阶梯')).toContain('一户多人口');
  });
  it('finds by English name, lists all for an empty query and none for nonsense', () => {
    expect(names('transfer')).toContain('过户');
    expect(searchBusinessTypes(cat, '  ')).toHaveLength(cat.types.length);
    expect(names('zzzzqqq')).toEqual([]);
  });
});

describe('searchBusinessTypes by group', () => {
  it('lists a group by its name after closer matches', () => {
    const change = searchBusinessTypes(cat, '变更用电').map((t) => t.group);
    expect(change.length).toBe(cat.types.filter((t) => t.group === 'change').length);
    expect(new Set(change)).toEqual(new Set(['change']));
  });
});

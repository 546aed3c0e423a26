// The business catalogue (业务目录) as data: every business type with its fields, documents, workflow
// stages and time limits, loaded from shared/config/catalogue.json (or the centre's update) and
// validated here. Changing the catalogue needs no code change; codes are configuration.
import { z } from 'zod';
import { CustomerKind, IdType } from './model';
import catalogueJson from '../config/catalogue.json';
import { pathStageCodes } from './paths';

export const BusinessGroup = z.enum(['expansion', 'change', 'service']);
export type BusinessGroup = z.infer<typeof BusinessGroup>;

export const FieldKind = z.enum(['text', 'number', 'select', 'date', 'boolean']);
export type FieldKind = z.infer<typeof FieldKind>;

/** Workflow path ids; states and transitions of each are in workflow.ts. */
export const WorkflowPathId = z.enum(['low2', 'low3', 'high', 'change', 'service']);
export type WorkflowPathId = z.infer<typeof WorkflowPathId>;

/**
 * What a field means to the rules (review, workflow), independent of its key, so the rules keep
 * working when a deployment renames or relabels fields.
 */
export const FieldRole = z.enum([
  'voltage', // supply voltage level (values are settings' VoltageLevel keys)
  'capacity', // requested capacity of a new connection
  'existingCapacity',
  'addedCapacity',
  'reducedCapacity',
  'totalCapacity',
  'importantCustomer', // 重要电力用户: enables design review and mid inspection on the HV path
  'powerSources', // 'single' | 'dual'
]);
export type FieldRole = z.infer<typeof FieldRole>;

export const FieldOption = z.object({
  value: z.string().min(1),
  label: z.string().min(1),
  labelEn: z.string().min(1),
});
export type FieldOption = z.infer<typeof FieldOption>;

export const FieldDef = z
  .object({
    key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
    label: z.string().min(1),
    labelEn: z.string().min(1),
    kind: FieldKind,
    unit: z.string().optional(),
    required: z.boolean().default(false),
    /** Shown only for these customer kinds (all when absent). */
    kinds: z.array(CustomerKind).optional(),
    options: z.array(FieldOption).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    maxLength: z.number().int().positive().optional(),
    role: FieldRole.optional(),
    /**
     * A text field holding a person's identifier: validated (and masked on prints) like the
     * customer's own ID number or phone. `idTypeField` names the field with its document type.
     */
    format: z.enum(['idNumber', 'phone']).optional(),
    idTypeField: z.string().optional(),
    /** Required only when another field has this value (e.g. lease term when the proof is a lease). */
    requiredWhen: z
      .object({ field: z.string(), equals: z.union([z.string(), z.number(), z.boolean()]) })
      .optional(),
    help: z.string().optional(),
    helpEn: z.string().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'select' && (!f.options || f.options.length === 0))
      ctx.addIssue({ code: 'custom', message: `select field ${f.key} has no options` });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max)
      ctx.addIssue({ code: 'custom', message: `field ${f.key}: min > max` });
  });
export type FieldDef = z.infer<typeof FieldDef>;

export const DocumentDef = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** Customer kinds for which the document is required; optional for the others. */
  requiredFor: z.array(CustomerKind),
  /** May be handed in later under 一证受理 with a signed 客户承诺书. */
  mayFollow: z.boolean(),
  note: z.string().optional(),
  noteEn: z.string().optional(),
});
export type DocumentDef = z.infer<typeof DocumentDef>;

export const StageDef = z.object({
  code: z.string().min(1),
  limitWd: z.number().int().nonnegative(),
});
export type StageDef = z.infer<typeof StageDef>;

/** Limits that differ when a field has a value (e.g. dual power supply: 32 WD instead of 22). */
export const LimitVariant = z.object({
  field: z.string().min(1),
  equals: z.union([z.string(), z.number(), z.boolean()]),
  totalLimitWd: z.number().int().positive().optional(),
  stageLimitsWd: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type LimitVariant = z.infer<typeof LimitVariant>;

export const BusinessType = z.object({
  code: z.string().regex(/^\d{3,6}$/),
  name: z.string().min(1),
  nameEn: z.string().min(1),
  /** Pinyin initials of the name, lower case (type picker: 'dyjmxz' → 低压居民新装). */
  initials: z.string().regex(/^[a-z]+$/),
  keywords: z.array(z.string()).default([]),
  group: BusinessGroup,
  customerKinds: z.array(CustomerKind).min(1),
  voltagePath: z.enum(['low', 'high']),
  workflow: WorkflowPathId,
  /** The customer block asks for the existing 户号 (customer.accountNo). */
  needsAccountNo: z.boolean(),
  fields: z.array(FieldDef),
  documents: z.array(DocumentDef),
  /** 一证受理: accept with the identity document and a 客户承诺书; documents with mayFollow come later. */
  oneCertificate: z.boolean(),
  stages: z.array(StageDef).min(1),
  totalLimitWd: z.number().int().positive(),
  limitVariants: z.array(LimitVariant).default([]),
  description: z.string().optional(),
  descriptionEn: z.string().optional(),
});
export type BusinessType = z.infer<typeof BusinessType>;

export const CustomerBlockField = z.object({
  key: z.enum([
    'name',
    'idType',
    'idNumber',
    'phone',
    'contactName',
    'creditCode',
    'legalRep',
    'accountNo',
    'address',
  ]),
  label: z.string().min(1),
  labelEn: z.string().min(1),
  /** Label override per customer kind (户名 is a person for residents, the company for companies). */
  labelByKind: z
    .partialRecord(CustomerKind, z.object({ label: z.string(), labelEn: z.string() }))
    .optional(),
  kinds: z.array(CustomerKind),
  required: z.boolean(),
  /** Shown only when the business type needs the existing 户号. */
  onlyWhenAccountNeeded: z.boolean().default(false),
  maxLength: z.number().int().positive().optional(),
});
export type CustomerBlockField = z.infer<typeof CustomerBlockField>;

export const CustomerBlock = z.object({
  fields: z.array(CustomerBlockField),
  /** Accepted identity documents per customer kind (for companies: of the legal representative or agent). */
  idTypes: z.object({ resident: z.array(IdType).min(1), company: z.array(IdType).min(1) }),
  idTypeLabels: z.record(IdType, z.object({ label: z.string(), labelEn: z.string() })),
  /** The commitment letter signed on the 一证受理 path. */
  commitmentLetter: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
});
export type CustomerBlock = z.infer<typeof CustomerBlock>;

export const Catalogue = z.object({
  version: z.string().min(1),
  groups: z.array(z.object({ code: BusinessGroup, name: z.string(), nameEn: z.string() })),
  customerBlock: CustomerBlock,
  types: z.array(BusinessType).min(1),
});
export type Catalogue = z.infer<typeof Catalogue>;

// --- JSON form: documents and fields may reference shared libraries to avoid repeating them.

const FieldRef = z.union([
  z.string(),
  z.looseObject({ ref: z.string() }),
  z.looseObject({ key: z.string() }),
]);
const DocRef = z.union([z.string(), z.looseObject({ code: z.string() })]);

const CatalogueJson = z.object({
  version: z.string().min(1),
  groups: z.unknown(),
  customerBlock: z.unknown(),
  fieldLibrary: z.record(z.string(), z.looseObject({})).default({}),
  documentLibrary: z.record(z.string(), z.looseObject({})).default({}),
  types: z.array(
    z.looseObject({
      code: z.unknown(),
      fields: z.array(FieldRef).default([]),
      documents: z.array(DocRef).default([]),
    }),
  ),
});

/** Thrown when catalogue data is invalid; `issues` lists every problem with its path. */
export class CatalogueError extends Error {
  readonly code = 'catalogue_invalid';
  readonly messageZh: string;
  constructor(readonly issues: string[]) {
    super(
      `Invalid business catalogue: ${issues.slice(0, 10).join('; ')}${issues.length > 10 ? ' …' : ''}`,
    );
    this.name = 'CatalogueError';
    this.messageZh = `业务目录数据无效：${issues.slice(0, 10).join('；')}`;
  }
}

function zodIssues(e: z.ZodError, prefix = ''): string[] {
  return e.issues.map((i) => `${prefix}${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Expands library references: a field 'x' or {ref:'x', ...overrides}; a document 'c' or {code:'c', ...}. */
function resolveRefs(raw: z.infer<typeof CatalogueJson>, issues: string[]): unknown {
  const types = raw.types.map((t, ti) => {
    const fields = t.fields.map((f, fi) => {
      if (typeof f === 'string' || 'ref' in f) {
        const ref = typeof f === 'string' ? f : String(f.ref);
        const base = raw.fieldLibrary[ref];
        if (!base) {
          issues.push(`types.${ti}.fields.${fi}: unknown field library entry "${ref}"`);
          return {};
        }
        const { ref: _r, ...over } = typeof f === 'string' ? { ref } : f;
        // The library entry's own key wins over its id; the type's overrides win over both.
        return Object.assign({ key: ref }, base, over);
      }
      return f;
    });
    const documents = t.documents.map((d, di) => {
      const code = typeof d === 'string' ? d : String(d.code);
      const base = raw.documentLibrary[code];
      if (!base && typeof d === 'string') {
        issues.push(`types.${ti}.documents.${di}: unknown document library entry "${code}"`);
        return {};
      }
      return { code, ...(base ?? {}), ...(typeof d === 'string' ? {} : d) };
    });
    return { ...t, fields, documents };
  });
  return { version: raw.version, groups: raw.groups, customerBlock: raw.customerBlock, types };
}

/** Cross-record checks the schema cannot express (unique codes, stage codes of the path, etc.). */
function integrityIssues(cat: Catalogue): string[] {
  const issues: string[] = [];
  const codes = new Set<string>();
  for (const t of cat.types) {
    const where = `type ${t.code} ${t.name}`;
    if (codes.has(t.code)) issues.push(`${where}: duplicate code`);
    codes.add(t.code);
    if (!cat.groups.some((g) => g.code === t.group))
      issues.push(`${where}: unknown group ${t.group}`);
    const keys = new Set<string>();
    for (const f of t.fields) {
      if (keys.has(f.key)) issues.push(`${where}: duplicate field ${f.key}`);
      keys.add(f.key);
    }
    const docs = new Set<string>();
    for (const d of t.documents) {
      if (docs.has(d.code)) issues.push(`${where}: duplicate document ${d.code}`);
      docs.add(d.code);
      for (const k of d.requiredFor)
        if (!t.customerKinds.includes(k))
          issues.push(
            `${where}: document ${d.code} required for kind ${k} the type does not serve`,
          );
    }
    if (t.fields.length === 0 && t.documents.length === 0)
      issues.push(`${where}: no fields and no documents`);
    const stageCodes = new Set<string>();
    for (const s of t.stages) {
      if (stageCodes.has(s.code)) issues.push(`${where}: duplicate stage ${s.code}`);
      stageCodes.add(s.code);
    }
    const allowed = pathStageCodes(t.workflow);
    for (const s of t.stages)
      if (!allowed.includes(s.code))
        issues.push(`${where}: stage ${s.code} is not on workflow path ${t.workflow}`);
    if (t.stages[0]?.code !== 'accepted') issues.push(`${where}: the first stage must be accepted`);
    for (const v of t.limitVariants) {
      if (!keys.has(v.field)) issues.push(`${where}: limit variant on unknown field ${v.field}`);
      for (const code of Object.keys(v.stageLimitsWd ?? {}))
        if (!stageCodes.has(code)) issues.push(`${where}: limit variant on unknown stage ${code}`);
    }
    // Stage limits are budgets inside the whole-process limit (the grid side's time): an
    // application meeting every stage's deadline must never be late overall.
    const limitSets = [
      { label: 'default', fields: {} as Record<string, string | number | boolean> },
      ...t.limitVariants.map((v) => ({
        label: `${v.field}=${String(v.equals)}`,
        fields: { [v.field]: v.equals },
      })),
    ];
    for (const ls of limitSets) {
      const r = resolveLimits(t, ls.fields);
      const sum = r.stages.reduce((a, s) => a + s.limitWd, 0);
      if (sum > r.totalLimitWd)
        issues.push(
          `${where} (${ls.label}): stage limits add up to ${sum} WD, more than the total ${r.totalLimitWd}`,
        );
    }
    // A type where external line work can occur (it asks) has the longer limit for it.
    if (
      keys.has('externalLineWork') &&
      !t.limitVariants.some((v) => v.field === 'externalLineWork')
    )
      issues.push(`${where}: asks for external line work but has no limit variant for it`);
  }
  return issues;
}

/** Parses and checks catalogue JSON; throws CatalogueError listing every problem. */
export function loadCatalogue(json: unknown): Catalogue {
  const raw = CatalogueJson.safeParse(json);
  if (!raw.success) throw new CatalogueError(zodIssues(raw.error));
  const issues: string[] = [];
  const resolved = resolveRefs(raw.data, issues);
  if (issues.length > 0) throw new CatalogueError(issues);
  const parsed = Catalogue.safeParse(resolved);
  if (!parsed.success) throw new CatalogueError(zodIssues(parsed.error));
  const integrity = integrityIssues(parsed.data);
  if (integrity.length > 0) throw new CatalogueError(integrity);
  return parsed.data;
}

export { findBusinessType } from './businessTypes';

/**
 * The type picker's search: by code, pinyin initials, Chinese name, keyword, English name or group.
 * Best matches first (exact code, code prefix, initials prefix, name, …); an empty query lists all.
 */
export function searchBusinessTypes(cat: Catalogue, query: string): BusinessType[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...cat.types];
  const groupNames = new Map(cat.groups.map((g) => [g.code, [g.name, g.nameEn.toLowerCase()]]));
  const scored: { t: BusinessType; score: number; i: number }[] = [];
  cat.types.forEach((t, i) => {
    let score = Infinity;
    if (t.code === q) score = 0;
    else if (t.code.startsWith(q)) score = 1;
    else if (t.initials === q) score = 2;
    else if (t.initials.startsWith(q)) score = 3;
    else if (t.name.startsWith(query.trim())) score = 4;
    else if (t.name.includes(query.trim())) score = 5;
    else if (t.initials.includes(q)) score = 6;
    else if (t.keywords.some((k) => k.toLowerCase().includes(q))) score = 7;
    else if (t.nameEn.toLowerCase().includes(q)) score = 8;
    else if (groupNames.get(t.group)?.some((g) => g.includes(q))) score = 9;
    if (score !== Infinity) scored.push({ t, score, i });
  });
  return scored.sort((a, b) => a.score - b.score || a.i - b.i).map((s) => s.t);
}

/** Types of a group, in catalogue order. */
export function typesInGroup(cat: Catalogue, group: BusinessGroup): BusinessType[] {
  return cat.types.filter((t) => t.group === group);
}

/** Fields shown for a customer kind. */
export function fieldsFor(type: BusinessType, kind: CustomerKind): FieldDef[] {
  return type.fields.filter((f) => !f.kinds || f.kinds.includes(kind));
}

/** Documents listed for a customer kind, each with whether it is required for that kind. */
export function documentsFor(
  type: BusinessType,
  kind: CustomerKind,
): (DocumentDef & { required: boolean })[] {
  return type.documents.map((d) => ({ ...d, required: d.requiredFor.includes(kind) }));
}

type FieldValue = string | number | boolean | null;

/**
 * Whole-process and stage limits for an application's field values: the type's defaults, then
 * matching limit variants (e.g. dual supply), then the hall's override of the total, if any.
 */
export function resolveLimits(
  type: BusinessType,
  fields: Record<string, FieldValue | undefined>,
  overridesByCode: Record<string, number> = {},
): { totalLimitWd: number; stages: StageDef[] } {
  let total = type.totalLimitWd;
  const stageLimits = new Map(type.stages.map((s) => [s.code, s.limitWd]));
  for (const v of type.limitVariants) {
    if (fields[v.field] !== v.equals) continue;
    if (v.totalLimitWd !== undefined) total = v.totalLimitWd;
    for (const [code, wd] of Object.entries(v.stageLimitsWd ?? {})) stageLimits.set(code, wd);
  }
  const override = overridesByCode[type.code];
  if (override !== undefined) total = override;
  return {
    totalLimitWd: total,
    stages: type.stages.map((s) => ({
      code: s.code,
      limitWd: stageLimits.get(s.code) ?? s.limitWd,
    })),
  };
}

/** The field of a type carrying a role, if any. */
export function fieldWithRole(type: BusinessType, role: FieldRole): FieldDef | undefined {
  return type.fields.find((f) => f.role === role);
}

export const defaultCatalogue: Catalogue = loadCatalogue(catalogueJson);

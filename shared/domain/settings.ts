// Hall-level configuration (户号 length, capacity limits, feedback and process limits, retention):
// defaults shipped as data in shared/config/settings.json, validated with a zod schema.
import { z } from 'zod';
import settingsJson from '../config/settings.json';
import { isTimeZone } from './hallTime';

/** Supply voltage levels the desk knows; the keys of capacity limits and voltage select options. */
export const VoltageLevel = z.enum(['220V', '380V', '10kV', '20kV', '35kV', '110kV']);
export type VoltageLevel = z.infer<typeof VoltageLevel>;

export const VOLTAGE_LABELS: Record<VoltageLevel, { zh: string; en: string }> = {
  '220V': { zh: '交流220伏', en: '220 V AC' },
  '380V': { zh: '交流380伏', en: '380 V AC' },
  '10kV': { zh: '交流10千伏', en: '10 kV AC' },
  '20kV': { zh: '交流20千伏', en: '20 kV AC' },
  '35kV': { zh: '交流35千伏', en: '35 kV AC' },
  '110kV': { zh: '交流110千伏', en: '110 kV AC' },
};

export const CapacityLimit = z
  .object({
    min: z.number().nonnegative(),
    max: z.number().positive(),
    unit: z.enum(['kW', 'kVA']),
  })
  .refine((l) => l.min <= l.max, { message: 'min must not exceed max' });
export type CapacityLimit = z.infer<typeof CapacityLimit>;

export const CapacityLimits = z.partialRecord(VoltageLevel, CapacityLimit);
export type CapacityLimits = z.infer<typeof CapacityLimits>;

export const FeedbackLimit = z.object({
  /** First contact with the customer, in working days after acceptance. */
  firstContactWd: z.number().int().nonnegative(),
  /** Reply (answer recorded), in working days after acceptance. */
  replyWd: z.number().int().nonnegative(),
});
export type FeedbackLimit = z.infer<typeof FeedbackLimit>;

export const ReturnReason = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  label: z.string().min(1).max(40),
  labelEn: z.string().min(1).max(80),
});
export type ReturnReason = z.infer<typeof ReturnReason>;

const DEFAULT_WORKBENCH_SETTINGS = {
  dueSoonWd: 2,
  returnReasons: [
    { code: 'missing_documents', label: '资料不全，需补正', labelEn: 'Documents missing' },
    { code: 'information_error', label: '信息有误', labelEn: 'Information incorrect' },
  ],
};

export const WorkbenchSettings = z.object({
  /** An open application whose deadline is within this many working days is "due soon". */
  dueSoonWd: z.number().int().min(0).max(60),
  returnReasons: z.array(ReturnReason).min(1).max(50),
});
export type WorkbenchSettings = z.infer<typeof WorkbenchSettings>;

export const HallSettings = z.object({
  version: z.number().int().nonnegative(),
  accountNo: z.object({ length: z.number().int().min(4).max(20) }),
  /** The hall's time zone (IANA): business dates and times are its wall clock (hallTime.ts). */
  timeZone: z
    .string()
    .min(1)
    .refine(isTimeZone, { message: '时区无效 (not an IANA time zone, e.g. Asia/Shanghai)' })
    .default('Asia/Shanghai'),
  /** Below this age (from the resident ID's birth date) the review step warns. */
  minorAge: z.number().int().min(1).max(30).default(18),
  capacityLimits: CapacityLimits,
  feedbackLimits: z.object({
    consultation: FeedbackLimit,
    opinion: FeedbackLimit,
    complaint: FeedbackLimit,
    praise: FeedbackLimit,
  }),
  /** Overrides of the catalogue's whole-process limit, per business code (working days). */
  wholeProcessLimitsWd: z.object({
    byBusinessCode: z.record(z.string(), z.number().int().positive()).default({}),
  }),
  /** The ID card reader's checks at the counter: a card whose validity ends within this many
   * days is flagged as expiring (expired ones always are). */
  idCard: z.object({ expiringWithinDays: z.number().int().min(0).max(365) }).default({
    expiringWithinDays: 30,
  }),
  /**
   * 一户多人口 (households of 5 or more): the extra allowance per tariff tier and how long an
   * approval is valid (one province's rule; domain.md), and how early the desk lists those about
   * to lapse so that the customer can be asked to renew (householdAllowance.ts).
   */
  multiPersonHousehold: z
    .object({
      businessCode: z.string().default('307'),
      minPeople: z.number().int().positive().default(5),
      extraKwhPerTier: z.number().positive().default(100),
      validityMonths: z.number().int().positive().default(24),
      remindDaysBefore: z.number().int().nonnegative().default(30),
    })
    .prefault({}),
  /** How long local copies are kept on the hall machine after they are safely synced (PIPL Art. 19). */
  retention: z.object({
    syncedApplicationDays: z.number().int().positive(),
    attachmentDays: z.number().int().positive(),
    draftDays: z.number().int().positive(),
    feedbackDays: z.number().int().positive(),
    /** How long the access audit trail (PIPL Art. 51) is kept on the desk; not personal data. */
    auditDays: z.number().int().positive().default(1095),
  }),
  /** The centre's workbench: what counts as due soon, and the reasons a return (退回/补正) may give. */
  workbench: WorkbenchSettings.default(DEFAULT_WORKBENCH_SETTINGS),
});
export type HallSettings = z.infer<typeof HallSettings>;

/** Thrown when settings data does not match the schema; lists every problem in Chinese and English. */
export class SettingsError extends Error {
  readonly code = 'settings_invalid';
  constructor(
    readonly issues: string[],
    readonly messageZh = `营业厅配置无效：${issues.join('；')}`,
  ) {
    super(`Invalid hall settings: ${issues.join('; ')}`);
    this.name = 'SettingsError';
  }
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Parses settings from JSON (e.g. the central endpoint's copy); throws SettingsError on bad data. */
export function loadSettings(json: unknown): HallSettings {
  const parsed = HallSettings.safeParse(json);
  if (!parsed.success) throw new SettingsError(formatIssues(parsed.error));
  return parsed.data;
}

/** Applies a partial update over a base (one level deep per section), then validates the result. */
export function mergeSettings(base: HallSettings, patch: unknown): HallSettings {
  if (patch === null || typeof patch !== 'object')
    throw new SettingsError(['patch is not an object']);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const prev = (base as Record<string, unknown>)[key];
    merged[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      prev &&
      typeof prev === 'object'
        ? { ...(prev as object), ...(value as object) }
        : value;
  }
  return loadSettings(merged);
}

export const defaultSettings: HallSettings = loadSettings(settingsJson);

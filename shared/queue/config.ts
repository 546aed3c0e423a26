// Hall queue configuration (categories, counters, clear time, recall limit, ratings, voice and
// ticket text): zod schema plus the defaults a new hall starts with. Pure data, no I/O.
import { z } from 'zod';
import { isTimeZone } from '../domain/hallTime';

/** Category ids are the ticket prefix letter: "A" gives tickets A001, A002, ... */
export const CategoryId = z.string().regex(/^[A-Z]$/, '类别前缀须为一个大写字母');

export const TicketCategory = z.object({
  id: CategoryId,
  name: z.string().trim().min(1).max(20),
  /** Business type codes handled under this category (configuration, e.g. SG186 codes). */
  businessCodes: z.array(z.string().min(1).max(20)).default([]),
  /**
   * Higher priority categories are called before lower ones at a counter serving both,
   * whatever the counter's order (the counter's order decides between equal priorities).
   */
  priority: z.number().int().min(0).max(9).default(0),
  /** The kiosk offers a 绿色通道 (elderly / disabled) ticket in this category, called first. */
  greenChannel: z.boolean().default(true),
  /** Known key customers (by 户号 or phone lookup) get the key lane of this category. */
  keyLane: z.boolean().default(false),
  /** Live alarm when a waiting ticket of this category has waited longer (minutes). */
  waitAlarmMinutes: z.number().int().min(1).max(600).default(15),
  /** Used for estimates until there are real service times today (minutes). */
  defaultServiceMinutes: z.number().min(0.5).max(240).default(6),
  /** The kiosk can hide a category without deleting its history. */
  enabled: z.boolean().default(true),
});
export type TicketCategory = z.infer<typeof TicketCategory>;

export const CounterConfig = z.object({
  no: z.number().int().min(1).max(999),
  name: z.string().trim().min(1).max(20),
  /** Category ids served, in priority order (first = preferred). */
  categories: z.array(CategoryId).min(1),
});
export type CounterConfig = z.infer<typeof CounterConfig>;

export const RatingLevel = z.object({
  /** 1 = worst ... N = best. */
  value: z.number().int().min(1).max(5),
  label: z.string().min(1).max(10),
  /** Ratings at or below this level ask the customer for a reason. */
  bad: z.boolean(),
});
export type RatingLevel = z.infer<typeof RatingLevel>;

export const RATING_LEVELS_3: RatingLevel[] = [
  { value: 3, label: '满意', bad: false },
  { value: 2, label: '基本满意', bad: false },
  { value: 1, label: '不满意', bad: true },
];
export const RATING_LEVELS_5: RatingLevel[] = [
  { value: 5, label: '非常满意', bad: false },
  { value: 4, label: '满意', bad: false },
  { value: 3, label: '基本满意', bad: false },
  { value: 2, label: '不满意', bad: true },
  { value: 1, label: '非常不满意', bad: true },
];

export const KeyCustomer = z.object({
  /** 户号 or phone number as the customer types it at the kiosk (never shown on screens). */
  ref: z.string().trim().min(4).max(30),
  /** Category whose key lane they go to; default the first category with a key lane. */
  categoryId: CategoryId.optional(),
});
export type KeyCustomer = z.infer<typeof KeyCustomer>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:mm');

/** 预约取号: tickets booked for a time slot, checked in at the kiosk with a code. */
export const AppointmentSettings = z.object({
  /** Off until the hall offers appointments (the kiosk then shows 预约签到). */
  enabled: z.boolean().default(false),
  /** Slot length (minutes); slots start at multiples of it from midnight. */
  slotMinutes: z.number().int().min(5).max(240).default(30),
  /** Bookings per category and slot. */
  perSlot: z.number().int().min(1).max(100).default(4),
  /** Check-in opens this many minutes before the slot starts. */
  earlyMinutes: z.number().int().min(0).max(120).default(15),
  /** ... and closes this many minutes after the slot ends (then: a normal ticket). */
  lateMinutes: z.number().int().min(0).max(120).default(15),
  /** How far ahead a slot may be booked (days). */
  maxDaysAhead: z.number().int().min(0).max(60).default(14),
});
export type AppointmentSettings = z.infer<typeof AppointmentSettings>;
export const DEFAULT_APPOINTMENT_SETTINGS: AppointmentSettings = AppointmentSettings.parse({});

export const QueueConfig = z
  .object({
    hallName: z.string().trim().min(1).max(60).default('供电营业厅'),
    categories: z.array(TicketCategory).min(1),
    counters: z.array(CounterConfig).min(1),
    /** Every unfinished ticket is cleared at this hall time each day; numbering restarts. */
    dailyClearTime: ClockTime.default('20:00'),
    /**
     * The hall's time zone (IANA): the ticket day, the daily clear and appointment slots follow
     * the hall's wall clock, not the zone of the PC the hall service runs on.
     */
    timeZone: z
      .string()
      .min(1)
      .refine(isTimeZone, { message: '时区无效 (not an IANA time zone, e.g. Asia/Shanghai)' })
      .default('Asia/Shanghai'),
    /** How many times a called ticket may be recalled (重呼). */
    recallLimit: z.number().int().min(0).max(20).default(6),
    ratingLevels: z.array(RatingLevel).min(3).max(5).default(RATING_LEVELS_3),
    /** {ticket} and {counter} are replaced; {counterName} too. */
    announcementTemplate: z.string().min(1).max(80).default('请{ticket}号到{counter}号窗口办理'),
    /** How many times the display reads each call out. */
    announcementRepeat: z.number().int().min(1).max(5).default(2),
    /**
     * A call not read out within this many seconds is dropped (the customer has seen the screen
     * by then); a later call for the same counter replaces one not yet read (announce.ts).
     */
    announcementMaxAgeSeconds: z.number().int().min(5).max(600).default(30),
    /** Printed / shown under the number on the ticket. */
    ticketText: z.string().max(120).default('请留意叫号屏及语音提示，过号请重新取号。'),
    /** Scrolling line at the bottom of the display. */
    scrollingNotice: z.string().max(300).default('欢迎光临供电营业厅，请取号后在等候区耐心等候。'),
    /** Ticket paper width for the kiosk's print layout. */
    ticketWidthMm: z.union([z.literal(58), z.literal(80)]).default(80),
    keyCustomers: z.array(KeyCustomer).default([]),
    /** Appointments (additive: configurations saved before it get the defaults). */
    appointments: AppointmentSettings.default(DEFAULT_APPOINTMENT_SETTINGS),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    for (const cat of c.categories) {
      if (ids.has(cat.id)) {
        ctx.addIssue({ code: 'custom', message: `类别前缀重复: ${cat.id}`, path: ['categories'] });
      }
      ids.add(cat.id);
    }
    const nos = new Set<number>();
    for (const counter of c.counters) {
      if (nos.has(counter.no)) {
        ctx.addIssue({ code: 'custom', message: `窗口号重复: ${counter.no}`, path: ['counters'] });
      }
      nos.add(counter.no);
      for (const id of counter.categories) {
        if (!ids.has(id)) {
          ctx.addIssue({
            code: 'custom',
            message: `${counter.no}号窗口引用了不存在的类别 ${id}`,
            path: ['counters'],
          });
        }
      }
    }
    const values = c.ratingLevels.map((l) => l.value);
    if (new Set(values).size !== values.length) {
      ctx.addIssue({ code: 'custom', message: '评价等级重复', path: ['ratingLevels'] });
    }
  });
export type QueueConfig = z.infer<typeof QueueConfig>;
export type QueueConfigInput = z.input<typeof QueueConfig>;

/** A new hall: four categories and three counters, as a township outlet typically starts. */
export const DEFAULT_QUEUE_CONFIG: QueueConfig = QueueConfig.parse({
  hallName: '供电营业厅',
  categories: [
    {
      id: 'A',
      name: '业扩报装',
      businessCodes: ['101', '102', '104', '109', '110', '111'],
      priority: 0,
      keyLane: true,
    },
    {
      id: 'B',
      name: '变更用电',
      businessCodes: ['201', '202', '203', '204'],
      priority: 0,
      keyLane: true,
    },
    { id: 'C', name: '电费缴纳', businessCodes: [], priority: 0, defaultServiceMinutes: 3 },
    { id: 'D', name: '咨询查询', businessCodes: [], priority: 0, defaultServiceMinutes: 4 },
  ],
  counters: [
    { no: 1, name: '1号窗口', categories: ['A', 'B'] },
    { no: 2, name: '2号窗口', categories: ['B', 'C', 'D'] },
    { no: 3, name: '3号窗口', categories: ['A', 'C', 'D'] },
  ],
});

/** The configuration minus what must never leave the host (key customers' 户号 / phones). */
export function publicConfig(config: QueueConfig): QueueConfig {
  return { ...config, keyCustomers: [] };
}

/** Fill the announcement template. */
export function announcementText(
  config: Pick<QueueConfig, 'announcementTemplate' | 'counters'>,
  ticketNo: string,
  counterNo: number,
): string {
  const counter = config.counters.find((c) => c.no === counterNo);
  return config.announcementTemplate
    .replaceAll('{ticket}', ticketNo)
    .replaceAll('{counter}', String(counterNo))
    .replaceAll('{counterName}', counter?.name ?? `${counterNo}号窗口`);
}

/** Appointment settings of a configuration, also one journaled before they existed. */
export function appointmentSettings(config: QueueConfig): AppointmentSettings {
  return (config as Partial<QueueConfig>).appointments ?? DEFAULT_APPOINTMENT_SETTINGS;
}

// What one row of 受理查询 shows of an application, as plain data: the React list and the
// start-up first paint (firstPaint.ts) draw the same rows from it, so they can never disagree.
import { findBusinessType } from '../../../shared/domain/businessTypes';
import { maskId, maskPhone } from '../../../shared/domain/mask';
import type { Application } from '../../../shared/domain/model';
import { isOverdue, stateLabel } from '../../../shared/domain/paths';
import type { SearchKeyKind } from '../db/keys';
import type { Lang } from '../i18n';
import type { Catalogue } from '../../../shared/domain/catalogue';
import type { WorkCalendar } from '../../../shared/domain/workCalendar';

/** What a row needs of the configuration (desk/config.ts DeskConfig, or the paint's own). */
export interface RowConfig {
  catalogue: Pick<Catalogue, 'types'>;
  calendar: Pick<WorkCalendar, 'workingDaysBetweenProvisional' | 'dateOf'>;
}

/** The live first page: a screenful and more (each write re-reads it, so it stays small). */
export const FIRST_PAGE = 50;
export const ROW_HEIGHT = 52;

/** Days left as text; across a year without a holiday schedule the count is Mon–Fri, marked 暂估. */
export function daysLeftText(cfg: RowConfig, app: Application, today: string, lang: Lang): string {
  if (isOverdue(app, today)) return lang === 'en' ? 'overdue' : '已超期';
  const c = cfg.calendar.workingDaysBetweenProvisional(today, app.deadline);
  if (c.provisional)
    return lang === 'en' ? `~${c.days} WD left (est.)` : `约剩${c.days}个工作日（暂估）`;
  return lang === 'en' ? `${c.days} WD left` : `剩${c.days}个工作日`;
}

export interface RowView {
  href: string;
  appNo: string;
  name: string;
  /** The business type's name in the UI language (its code when the catalogue lacks it). */
  business: string;
  /** Key customer: the tag's text and its account manager (title), else null. */
  keyTag: { text: string; manager: string } | null;
  /** Masked for the screen (first 6 + last 4; 3****4): never the whole number. */
  idMasked: string;
  phoneMasked: string;
  state: string;
  deadline: string;
  daysLeft: string;
  overdue: boolean;
}

export function rowView(app: Application, cfg: RowConfig, today: string, lang: Lang): RowView {
  const type = findBusinessType(cfg.catalogue, app.businessCode);
  const manager = app.keyCustomer?.managerName;
  return {
    href: `#/desk/app/${app.id}`,
    appNo: app.appNo,
    name: app.customer.name,
    business: type ? (lang === 'en' && type.nameEn ? type.nameEn : type.name) : app.businessCode,
    keyTag:
      manager !== undefined
        ? { text: `${lang === 'en' ? 'Key' : '大客户'} ${manager}`, manager }
        : null,
    idMasked: maskId(app.customer.idNumber),
    phoneMasked: maskPhone(app.customer.phone),
    state: stateLabel(app.status, lang),
    deadline: app.deadline,
    daysLeft: daysLeftText(cfg, app, today, lang),
    overdue: isOverdue(app, today),
  };
}

/** The line above the list: the total when known, else how many are shown. */
export function resultCountText(
  shown: number,
  total: number | undefined,
  loaded: boolean,
  lang: Lang,
): string {
  if (!loaded) return lang === 'en' ? 'Searching…' : '正在查询…';
  if (total !== undefined) return lang === 'en' ? `${total} found` : `共 ${total} 条`;
  return lang === 'en' ? `${shown} shown, more available` : `已显示 ${shown} 条，还有更多`;
}

/** The search box's hint: what it finds. */
export function searchPlaceholder(lang: Lang): string {
  return lang === 'en'
    ? 'Number or its serial / name or pinyin initials / ID or last 4 / phone / account / address (F2)'
    : '申请编号或流水号 / 户名或拼音首字母 / 证件号或后4位 / 电话 / 户号 / 地址（F2）';
}

const KEY_LABELS: Record<SearchKeyKind, [string, string]> = {
  no: ['申请编号', 'application number'],
  ns: ['编号流水号', 'serial of the number'],
  n: ['户名', 'name'],
  py: ['拼音首字母', 'pinyin initials'],
  i: ['证件号码', 'ID number'],
  i4: ['证件后4位', 'ID last 4'],
  p: ['电话', 'phone'],
  p4: ['电话后4位', 'phone last 4'],
  a: ['户号', 'account number'],
  ad: ['地址', 'address'],
};

/** Modes worth trying when one found nothing, each with a short example. */
const SUGGEST: [SearchKeyKind, string, string][] = [
  ['ns', '流水号（如 0002）', 'serial (0002)'],
  ['py', '拼音首字母（如 wjg）', 'pinyin initials (wjg)'],
  ['n', '户名', 'name'],
  ['i4', '证件后4位', 'ID last 4'],
  ['p', '电话', 'phone'],
  ['ad', '地址', 'address'],
];

/**
 * What an empty result says: the text and the ways it was looked up, and other ways to try.
 * `kinds` are the key kinds the search used (searchPlan.ts planText; ['ad'] for address).
 */
export function emptySearchText(text: string, kinds: SearchKeyKind[], lang: Lang): string {
  const en = lang === 'en';
  const used = [...new Set(kinds)];
  const searched = used.map((k) => KEY_LABELS[k][en ? 1 : 0]).join(en ? ', ' : '、');
  const others = SUGGEST.filter(([k]) => !used.includes(k)).map(([, zh, e]) => (en ? e : zh));
  return en
    ? `Nothing found for “${text}” (searched by ${searched}). Try ${others.join(', ')}, or choose how to search on the left.`
    : `没有找到“${text}”（按${searched}查找）。可以试试：${others.join('、')}，或在左侧选择搜索方式。`;
}

/** The list's column titles. */
export function listHeadings(lang: Lang): string[] {
  return lang === 'en'
    ? ['Application no.', 'Customer / business', 'ID', 'Phone', 'Status', 'Deadline']
    : ['申请编号', '户名 / 业务', '证件号码', '电话', '状态', '时限'];
}

// What one row of 受理查询 shows of an application, as plain data: the React list and the
// start-up first paint (firstPaint.ts) draw the same rows from it, so they can never disagree.
import { findBusinessType } from '../../../shared/domain/businessTypes';
import { maskId, maskPhone } from '../../../shared/domain/mask';
import type { Application } from '../../../shared/domain/model';
import { isOverdue, stateLabel } from '../../../shared/domain/paths';
import type { Lang } from '../i18n';
import type { Catalogue } from '../../../shared/domain/catalogue';
import type { WorkCalendar } from '../../../shared/domain/workCalendar';

/** What a row needs of the configuration (desk/config.ts DeskConfig, or the paint's own). */
export interface RowConfig {
  catalogue: Pick<Catalogue, 'types'>;
  calendar: Pick<WorkCalendar, 'workingDaysBetweenProvisional'>;
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
    ? 'Number / name / ID or last 4 / phone / account / address (F2)'
    : '申请编号 / 户名 / 证件号或后4位 / 电话 / 户号 / 地址（F2）';
}

/** The list's column titles. */
export function listHeadings(lang: Lang): string[] {
  return lang === 'en'
    ? ['Application no.', 'Customer / business', 'ID', 'Phone', 'Status', 'Deadline']
    : ['申请编号', '户名 / 业务', '证件号码', '电话', '状态', '时限'];
}

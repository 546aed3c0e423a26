// The hall manager's supervision on the desk, from the desk's own records (works offline): the
// applications accepted in a date range (time index `t`), counted by shared/staff/supervision.ts,
// and the XLSX a supervisor sends upward (exceljs, loaded only when exporting).
import { addDays } from '../../../shared/domain/workCalendar';
import { hallInstant } from '../../../shared/domain/hallTime';
import type { Application } from '../../../shared/domain/model';
import { staffConfig } from '../../../shared/staff/roles';
import { supervise, type Figures } from '../../../shared/staff/supervision';
import type { HallDeskDB, StoredApplication } from '../db/db';
import { deskTimeZone } from '../db/hallZone';
import { timeKey } from '../db/keys';

export async function deskSupervision(
  db: HallDeskDB,
  from: string,
  to: string,
  today: string,
): Promise<{ clerks: Figures[]; hall: Figures }> {
  // The hall's days (its configured zone): from the first day's midnight to the last day's end.
  const timeZone = deskTimeZone();
  const lo = timeKey(hallInstant(from, '00:00', timeZone));
  const hi = timeKey(hallInstant(addDays(to, 1), '00:00', timeZone) - 1);
  const rows: StoredApplication[] = await db.applications
    .where('t')
    .between(lo, hi, true, true)
    .toArray();
  return supervise(rows as Application[], {
    from,
    to,
    today,
    timeZone,
    promisedDays: staffConfig.supervision.promisedDocumentDays,
  });
}

export const XLSX_COLUMNS = [
  ['工号', 'staffNo'],
  ['姓名', 'name'],
  ['受理', 'accepted'],
  ['忽略提示受理', 'overridden'],
  ['驳回', 'returned'],
  ['后补未交', 'promisedOutstanding'],
  ['超期', 'overdue'],
  ['评价', 'rated'],
  ['差评', 'badRatings'],
  ['差评原因', 'badReasons'],
] as const;

/** The figures as an XLSX workbook (one sheet per clerk table, total last). */
export async function supervisionXlsx(
  hallCode: string,
  from: string,
  to: string,
  data: { clerks: Figures[]; hall: Figures },
): Promise<Blob> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('工作监督');
  ws.addRow([`${hallCode} 工作监督 ${from} 至 ${to}`]);
  ws.addRow(XLSX_COLUMNS.map(([zh]) => zh));
  for (const f of [...data.clerks, data.hall]) {
    ws.addRow([
      f.staffNo === '*' ? '合计' : (f.staffNo ?? '未记录'),
      f.name,
      f.accepted,
      f.overridden,
      f.returned,
      f.promisedOutstanding,
      f.overdue,
      f.rated,
      f.badRatings,
      Object.entries(f.badReasons)
        .map(([k, v]) => `${k}×${v}`)
        .join('；'),
    ]);
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
}

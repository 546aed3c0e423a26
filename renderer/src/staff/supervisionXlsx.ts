// The supervision XLSX a supervisor sends upward (exceljs, loaded only when exporting), from the
// desk's figures or the centre's: the ranking with per-clerk figures (未记录 apart, the total
// last), return reasons, and a sheet of commendations and corrections.
import { NOTE_KIND_LABEL, type SupervisionNote } from '../../../shared/staff/notes';
import type { Figures } from '../../../shared/staff/supervision';

export const XLSX_COLUMNS = [
  ['排名', 'rank'],
  ['工号', 'staffNo'],
  ['姓名', 'name'],
  ['受理', 'accepted'],
  ['忽略提示受理', 'overridden'],
  ['退回/驳回', 'returned'],
  ['退回原因', 'returnReasons'],
  ['后补未交', 'promisedOutstanding'],
  ['超期', 'overdue'],
  ['评价', 'rated'],
  ['差评', 'badRatings'],
  ['差评原因', 'badReasons'],
  ['表彰', 'commendations'],
  ['纠错', 'corrections'],
] as const;

const counts = (r: Record<string, number>, label: (k: string) => string = (k) => k) =>
  Object.entries(r)
    .map(([k, v]) => `${label(k)}×${v}`)
    .join('；');

/** The figures as an XLSX workbook: 工作监督 (the ranking), 表彰与纠错 (the notes). */
export async function supervisionXlsx(
  hallCode: string,
  from: string,
  to: string,
  data: { clerks: Figures[]; hall: Figures },
  notes: readonly SupervisionNote[] = [],
  reasonLabel: (code: string) => string = (c) => c,
): Promise<Blob> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('工作监督');
  ws.addRow([`${hallCode} 工作监督 ${from} 至 ${to}`]);
  ws.addRow(XLSX_COLUMNS.map(([zh]) => zh));
  const noteCount = (staffNo: string | null, kind: SupervisionNote['kind']) =>
    notes.filter((n) => n.kind === kind && (staffNo === '*' || n.staffNo === staffNo)).length;
  let rank = 0;
  for (const f of [...data.clerks, data.hall]) {
    ws.addRow([
      f.staffNo === '*' || f.staffNo === null ? '' : ++rank,
      f.staffNo === '*' ? '合计' : (f.staffNo ?? '未记录'),
      f.name,
      f.accepted,
      f.overridden,
      f.returned,
      counts(f.returnReasons, reasonLabel),
      f.promisedOutstanding,
      f.overdue,
      f.rated,
      f.badRatings,
      counts(f.badReasons),
      noteCount(f.staffNo, 'commendation'),
      noteCount(f.staffNo, 'correction'),
    ]);
  }
  const ns = wb.addWorksheet('表彰与纠错');
  ns.addRow(['类别', '工号', '姓名', '期间', '事由', '涉及记录', '记录人', '记录时间']);
  for (const n of notes)
    ns.addRow([
      NOTE_KIND_LABEL[n.kind].zh,
      n.staffNo,
      n.staffName ?? '',
      `${n.periodFrom} 至 ${n.periodTo}`,
      n.text,
      n.ref ? (n.ref.label ?? n.ref.id) : '',
      n.createdByName ?? n.createdByStaffNo,
      n.createdAt,
    ]);
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  });
}

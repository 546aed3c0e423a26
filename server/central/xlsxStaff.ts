// Staff import from an XLSX workbook (the form a hall's first set-up usually arrives in): the
// first worksheet becomes the CSV text the import already checks, row for row, so a problem is
// reported with the spreadsheet's own row number and the all-or-nothing rule stays in one place.
import ExcelJS from 'exceljs';

/** A cell's shown text: rich text joined, formulas by their result, dates as YYYY-MM-DD. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return cellText(v.text as ExcelJS.CellValue);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return String(v.error);
    return '';
  }
  return String(v);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of the workbook's first worksheet; throws a Chinese message when it has none. */
export async function xlsxToCsv(data: ArrayBuffer | Uint8Array): Promise<string> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as ArrayBuffer);
  } catch {
    throw new Error('无法读取 XLSX 文件（文件损坏或不是 Excel 工作簿）');
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount === 0) throw new Error('XLSX 文件没有工作表或工作表是空的');
  const width = ws.getRow(1).cellCount;
  const lines: string[] = [];
  // Every row up to the last one, empty ones included, so line n of the CSV is row n.
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(width, row.cellCount); c++)
      cells.push(csvField(cellText(row.getCell(c).value).trim()));
    // Trailing empty cells beyond the header's width are not columns.
    while (cells.length > width && cells[cells.length - 1] === '') cells.pop();
    lines.push(cells.join(','));
  }
  return lines.join('\n');
}

// Staff import for a hall's first set-up: a CSV file (UTF-8, optional BOM, comma separated,
// quotes as RFC 4180) with the columns 工号, 姓名, 角色, 电话 (or staffNo, name, roles, phone).
// Roles are separated by ; 、 | or / and may be codes or their Chinese names. All or nothing:
// any bad row makes the whole file refused, with each bad row's number and reason.
import { CreateStaffRequest, type CreateStaffRequest as Row } from './directory';
import { ROLES, type Role, staffConfig } from './roles';

export interface ImportProblem {
  /** 1-based line number in the file (the header is line 1). */
  row: number;
  reason: string;
}

export type ImportParse = { ok: true; rows: Row[] } | { ok: false; problems: ImportProblem[] };

/** RFC 4180 records (quotes, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const src = text.replace(/^\uFEFF/, '');
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    out.push(row);
  }
  return out;
}

const COLUMNS: Record<string, 'staffNo' | 'name' | 'roles' | 'phone'> = {
  工号: 'staffNo',
  staffno: 'staffNo',
  姓名: 'name',
  name: 'name',
  角色: 'roles',
  roles: 'roles',
  电话: 'phone',
  phone: 'phone',
};

function roleOf(word: string): Role | null {
  const w = word.trim();
  if ((ROLES as readonly string[]).includes(w)) return w as Role;
  const hit = staffConfig.roles.find((r) => r.zh === w || r.en.toLowerCase() === w.toLowerCase());
  return hit ? hit.code : null;
}

/** Parses and checks the whole file; `hallCode` is the hall every row joins. */
export function parseStaffImport(text: string, hallCode: string | null): ImportParse {
  const records = parseCsv(text);
  const problems: ImportProblem[] = [];
  if (records.length === 0) return { ok: false, problems: [{ row: 1, reason: '文件是空的' }] };
  const header = records[0]!.map((h) => COLUMNS[h.trim().toLowerCase()] ?? COLUMNS[h.trim()]);
  for (const need of ['staffNo', 'name', 'roles'] as const) {
    if (!header.includes(need))
      problems.push({
        row: 1,
        reason: `缺少列：${need === 'staffNo' ? '工号' : need === 'name' ? '姓名' : '角色'}`,
      });
  }
  if (problems.length) return { ok: false, problems };
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    if (rec.every((f) => f.trim() === '')) return; // blank line
    if (rec.length !== header.length) {
      problems.push({ row: line, reason: `列数 ${rec.length} 与表头 ${header.length} 不符` });
      return;
    }
    const v: Partial<Record<'staffNo' | 'name' | 'roles' | 'phone', string>> = {};
    header.forEach((k, j) => {
      if (k) v[k] = rec[j]!.trim();
    });
    const roleWords = (v.roles ?? '').split(/[;；、|/]/).filter((w) => w.trim());
    const roles = roleWords.map(roleOf);
    const bad = roleWords.filter((_, j) => roles[j] === null);
    if (bad.length) {
      problems.push({ row: line, reason: `未知角色：${bad.join('、')}` });
      return;
    }
    const candidate = {
      staffNo: v.staffNo ?? '',
      name: v.name ?? '',
      hallCode,
      roles: [...new Set(roles as Role[])],
      ...(v.phone ? { phone: v.phone } : {}),
    };
    const r = CreateStaffRequest.safeParse(candidate);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const field = String(issue.path[0] ?? '');
      const zh: Record<string, string> = {
        staffNo: '工号',
        name: '姓名',
        roles: '角色',
        phone: '电话',
      };
      problems.push({ row: line, reason: `${zh[field] ?? field}：${issue.message}` });
      return;
    }
    const prev = seen.get(r.data.staffNo);
    if (prev) {
      problems.push({ row: line, reason: `工号 ${r.data.staffNo} 与第 ${prev} 行重复` });
      return;
    }
    seen.set(r.data.staffNo, line);
    rows.push(r.data);
  });
  if (problems.length) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [{ row: 2, reason: '没有数据行' }] };
  return { ok: true, rows };
}

// The back-office CLI's staff commands (`staff list|add|disable|enable|remove|reset|import`) and
// `audit verify`: formatting only, the work is the admin API's.
import type { StaffOut, StaffWithPassword } from '../../shared/staff/directory';
import { staffPaths } from '../../shared/staff/directory';
import { roleLabel, type Role } from '../../shared/staff/roles';

export const STAFF_USAGE = `  staff list [--hall CODE] [--all]          人员名单 (staff directory)
  staff add <工号> <姓名> --roles clerk,hall_manager [--hall CODE] [--phone 电话]
  staff disable|enable|remove <工号>        停用 / 启用 / 删除 (desks drop it at their next sync)
  staff roles <工号> <role,role>            改角色
  staff reset <工号>                        重置密码 (a temporary one; the person must change it)
  staff import <hallCode> <file.csv|xlsx>   首次建厅导入 (columns 工号,姓名,角色,电话; all or nothing)
  audit verify --hall CODE                  校验访问日志哈希链 (gaps and altered entries)`;

type Call = <T>(method: string, p: string, body?: unknown) => Promise<T>;

const staffLine = (s: StaffOut) =>
  `${s.staffNo}  ${s.name}  ${s.hallCode ?? '中心'}  ${s.roles.map((r) => roleLabel(r)).join('、')}  ${
    s.state === 'active' ? '在用' : s.state === 'disabled' ? '停用' : '已删除'
  }${s.mustChange ? '  (待改密码)' : ''}${s.phone ? `  ${s.phone}` : ''}`;

function rolesOf(v: string | undefined): Role[] {
  return (v ?? '')
    .split(/[,，;、]/)
    .map((x) => x.trim())
    .filter(Boolean) as Role[];
}

/** Returns false when the sub-command is not one of these (the caller prints the usage). */
export async function runStaffCommand(
  sub: string | undefined,
  rest: string[],
  flag: (k: string) => string | undefined,
  hasFlag: (k: string) => boolean,
  call: Call,
  out: (line: string) => void,
  need: (v: string | undefined, what: string) => string,
): Promise<boolean> {
  switch (sub) {
    case 'list': {
      const q = new URLSearchParams();
      const hall = flag('hall');
      if (hall) q.set('hall', hall);
      if (hasFlag('all')) q.set('all', '1');
      const r = await call<{ staff: StaffOut[] }>('GET', `${staffPaths.adminStaff}?${q}`);
      for (const s of r.staff) out(staffLine(s));
      if (r.staff.length === 0) out('没有人员 (no staff)');
      return true;
    }
    case 'add': {
      const staffNo = need(rest[0], '工号 (staff number)');
      const name = need(rest[1], '姓名 (name)');
      const phone = flag('phone');
      const r = await call<StaffWithPassword>('POST', staffPaths.adminStaff, {
        staffNo,
        name,
        hallCode: flag('hall') ?? null,
        roles: rolesOf(need(flag('roles'), '--roles')),
        ...(phone ? { phone } : {}),
      });
      out(staffLine(r.staff));
      out(`临时密码 (temporary password, shown once): ${r.temporaryPassword}`);
      return true;
    }
    case 'disable':
    case 'enable':
    case 'remove': {
      const no = need(rest[0], '工号 (staff number)');
      const state = sub === 'enable' ? 'active' : sub === 'disable' ? 'disabled' : 'removed';
      const r = await call<{ staff: StaffOut }>('PATCH', staffPaths.adminStaffMember(no), {
        state,
      });
      out(staffLine(r.staff));
      return true;
    }
    case 'roles': {
      const no = need(rest[0], '工号 (staff number)');
      const r = await call<{ staff: StaffOut }>('PATCH', staffPaths.adminStaffMember(no), {
        roles: rolesOf(need(rest[1], '角色 (roles)')),
      });
      out(staffLine(r.staff));
      return true;
    }
    case 'reset': {
      const no = need(rest[0], '工号 (staff number)');
      const r = await call<StaffWithPassword>('POST', staffPaths.adminStaffReset(no));
      out(`已重置 ${r.staff.staffNo} ${r.staff.name}`);
      out(`临时密码 (temporary password, shown once): ${r.temporaryPassword}`);
      return true;
    }
    case 'import': {
      const hall = need(rest[0], '营业厅代码 (hall code)');
      const file = need(rest[1], '文件 (file.csv | file.xlsx)');
      const fs = await import('node:fs');
      const csv = /\.xlsx$/i.test(file)
        ? await (await import('./xlsxStaff')).xlsxToCsv(fs.readFileSync(file))
        : fs.readFileSync(file, 'utf8');
      const r = await call<{ imported: StaffWithPassword[] }>(
        'POST',
        `${staffPaths.adminStaffImport}?hall=${encodeURIComponent(hall)}`,
        { csv },
      );
      out(`已导入 ${r.imported.length} 人 (temporary passwords, shown once):`);
      for (const x of r.imported)
        out(`${x.staff.staffNo}  ${x.staff.name}  ${x.temporaryPassword}`);
      return true;
    }
    default:
      return false;
  }
}

export interface ChainReport {
  hallCode: string;
  devices: Array<{
    deviceId: string;
    deviceName: string;
    entries: number;
    ok: boolean;
    problems: Array<{ localId: number; kind: string; detail: string }>;
  }>;
  ok: boolean;
}

export async function runAuditVerify(
  hall: string,
  call: Call,
  out: (line: string) => void,
): Promise<boolean> {
  const r = await call<ChainReport>(
    'GET',
    `${staffPaths.adminAuditVerify}?hall=${encodeURIComponent(hall)}`,
  );
  for (const d of r.devices) {
    out(
      `${d.deviceName} (${d.deviceId})  ${d.entries} 条  ${d.ok ? '完整 (intact)' : '有问题 (broken)'}`,
    );
    for (const p of d.problems) out(`  #${p.localId}  ${p.kind}  ${p.detail}`);
  }
  out(
    r.ok ? `${r.hallCode}: 访问日志链完整 (chain intact)` : `${r.hallCode}: 发现缺失或被改动的记录`,
  );
  return r.ok;
}

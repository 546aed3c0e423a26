// The console's staff section: each hall's people with their roles and state, lockouts reported
// by the desks, and the access-log chain problems found on arrival. Server-rendered HTML pieces
// (escaped), read-only; changes go through the CLI or the admin API.
import { roleLabel } from '../../shared/staff/roles';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import { listStaff } from './staff';
import { hallSupervision } from './supervision';

function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STATE = { active: '在用', disabled: '停用', removed: '已删除' } as const;

export async function consoleStaffSection(db: Db): Promise<string> {
  const [staff, flags, sup] = await Promise.all([
    listStaff(db, {}),
    db.query<{
      code: string;
      name: string;
      local_id: string;
      kind: string;
      detail: string;
      detected_at: unknown;
    }>(
      `SELECT h.code, d.name, f.local_id, f.kind, f.detail, f.detected_at
         FROM audit_chain_flags f JOIN halls h ON h.id = f.hall_id JOIN devices d ON d.id = f.device_id
        ORDER BY f.detected_at DESC LIMIT 50`,
    ),
    hallSupervision(db, {}, null),
  ]);
  const rows =
    staff
      .map(
        (
          s,
        ) => `<tr><td>${esc(s.staffNo)}</td><td>${esc(s.name)}</td><td>${esc(s.hallCode ?? '中心')}</td>
<td>${esc(s.roles.map((r) => roleLabel(r)).join('、'))}</td>
<td class="${s.state === 'active' ? 'ok' : 'bad'}">${STATE[s.state]}${s.mustChange ? '（待改密码）' : ''}</td>
<td class="num">${s.lockouts ? `<span class="warn">${s.lockouts}</span>` : 0}</td><td>${esc(s.phone ?? '')}</td></tr>`,
      )
      .join('') ||
    '<tr><td colspan="7" class="muted">还没有人员（<code>npm run backoffice -- staff add</code> 或 <code>staff import</code>）</td></tr>';
  const flagRows = flags.rows
    .map(
      (f) => `<tr><td>${esc(iso(f.detected_at))}</td><td>${esc(f.code)}</td><td>${esc(f.name)}</td>
<td class="num">${esc(f.local_id)}</td><td class="bad">${f.kind === 'gap' ? '缺失记录' : '记录被改动'}</td><td>${esc(f.detail)}</td></tr>`,
    )
    .join('');
  const supRows = sup.halls
    .flatMap((h) =>
      [...h.clerks, h.hall].map(
        (
          f,
        ) => `<tr${f.staffNo === '*' ? ' class="total"' : ''}><td>${esc(h.hallCode)}</td><td>${esc(f.staffNo === '*' ? '' : (f.staffNo ?? '未记录'))}</td>
<td>${esc(f.name)}</td><td class="num">${f.accepted}</td><td class="num">${f.overridden}</td><td class="num">${f.returned}</td>
<td class="num">${f.promisedOutstanding}</td><td class="num">${f.overdue}</td><td class="num">${f.rated}</td>
<td class="num">${f.badRatings ? `<span class="bad">${f.badRatings}</span>` : 0}</td>
<td>${esc(
          Object.entries(f.badReasons)
            .map(([k, v]) => `${k}×${v}`)
            .join('；'),
        )}</td></tr>`,
      ),
    )
    .join('');
  return `<section id="supervision"><h2>工作监督（${esc(sup.from)} 至 ${esc(sup.to)}） <span class="muted">Supervision per clerk and hall; <code>GET /api/v1/admin/supervision?hall=&amp;from=&amp;to=</code>; charts, records and notes: <a href="/workbench/#/workbench/supervision">工作台 · 工作监督</a></span></h2>
<table><thead><tr><th>营业厅</th><th>工号</th><th>姓名</th><th class="num">受理</th><th class="num">忽略提示受理</th><th class="num">退回/驳回</th><th class="num">后补未交</th><th class="num">超期</th><th class="num">评价</th><th class="num">差评</th><th>差评原因</th></tr></thead><tbody>
${supRows || '<tr><td colspan="11" class="muted">本月还没有受理</td></tr>'}
</tbody></table></section>

<section id="staff"><h2>人员 <span class="muted">Staff</span></h2>
<table><thead><tr><th>工号</th><th>姓名</th><th>营业厅</th><th>角色</th><th>状态</th><th class="num">锁定次数</th><th>电话</th></tr></thead><tbody>
${rows}
</tbody></table></section>

<section id="chain"><h2>访问日志完整性 <span class="muted">Access log chain (<code>npm run backoffice -- audit verify --hall CODE</code>)</span></h2>
${
  flagRows
    ? `<table><thead><tr><th>发现时间</th><th>营业厅</th><th>设备</th><th class="num">记录号</th><th>问题</th><th>说明</th></tr></thead><tbody>${flagRows}</tbody></table>`
    : '<p class="ok">没有发现缺失或被改动的记录</p>'
}
</section>`;
}

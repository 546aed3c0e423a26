// Central console: a small server-rendered HTML page for the administrator (halls and their
// last contact, backlog and errors, devices, applications by stage and deadline, enrollment
// codes). No external content, no inline script or style (strict CSP). Sign-in is a POST form
// with the admin token (never a URL: it would land in logs and history); the cookie then holds a
// random server-side session id (sessions.ts), not the token. Failed sign-ins are rate limited.
import { hallDateTime } from '../../shared/domain/hallTime';
import { hallTimeZone } from './hallZone';
import querystring from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATE_LABELS } from '../../shared/domain/paths';
import { AUDIT_ACTION_LABELS } from '../../shared/protocol';
import type { Db } from '../db/db';
import * as admin from './admin';
import { listAudit } from './audit';
import { checkAdminToken } from './auth';
import { consoleStaffSection } from './consoleStaff';
import { ApiFailure } from './errors';
import type { FailureLimiter } from './rateLimit';
import { escapeControls } from './safeText';
import type { SessionPolicy } from './sessions';
import { checkSession, createSession, endSession } from './sessions';

const COOKIE = 'hd_session';
const CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** HTML-escapes text for element content and quoted attributes; control characters show as `\uXXXX`. */
export function esc(v: unknown): string {
  return escapeControls(String(v ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function cookieSession(req: FastifyRequest): string | null {
  const raw = req.headers.cookie;
  if (!raw) return null;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

/**
 * `secure` comes from req.protocol: the socket's own TLS, or X-Forwarded-Proto only when
 * trustProxy names the proxy (off by default), so a client cannot talk the flag away.
 */
function setCookie(reply: FastifyReply, sessionId: string, maxAgeS: number, secure: boolean): void {
  reply.header(
    'set-cookie',
    `${COOKIE}=${sessionId}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`,
  );
}

function stateLabel(s: string): string {
  return (STATE_LABELS as Record<string, { zh: string } | undefined>)[s]?.zh ?? s;
}

/** Times on the page are the halls' own clock (shared/domain/hallTime.ts). */
function bj(isoTime: string | null | undefined, timeZone: string): string {
  return isoTime ? hallDateTime(isoTime, timeZone) : '';
}

/** "3 分钟前" style age of a timestamp. */
function ago(isoTime: string | null): string {
  if (!isoTime) return '从未';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(isoTime)) / 1000));
  if (s < 60) return `${s} 秒前`;
  if (s < 3600) return `${Math.floor(s / 60)} 分钟前`;
  if (s < 86400) return `${Math.floor(s / 3600)} 小时前`;
  return `${Math.floor(s / 86400)} 天前`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · 营业厅受理台中心端</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head><body>
<header><h1>营业厅受理台 · 中心控制台</h1><span class="en">HallDesk central console</span>
${title !== '登录' ? '<form method="post" action="/console/logout" class="logout"><button>退出登录</button></form>' : ''}
</header>
<main>${body}</main></body></html>`;
}

const CSS = `
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1f2329;background:#f5f6f8}
header{background:#0b5cad;color:#fff;padding:12px 24px;display:flex;align-items:baseline;gap:16px}
header h1{font-size:20px;margin:0}header .en{opacity:.8;font-size:13px}
header .logout{margin-left:auto}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border-radius:6px;padding:12px 16px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:16px;margin:4px 0 12px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e5e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f2f3f5;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#c9271c;font-weight:600}.warn{color:#b26a00;font-weight:600}.ok{color:#1a7f37}
.muted{color:#86909c}
.code{font-family:ui-monospace,monospace;font-size:22px;letter-spacing:2px;background:#fff7e6;padding:4px 10px;border:1px dashed #d48806}
form.inline{display:inline}
input,select,button{font:inherit;padding:4px 8px}
button{cursor:pointer}
.msg{padding:8px 12px;border-radius:4px;margin-bottom:12px}
.msg.error{background:#fdecea;color:#a8071a}.msg.info{background:#e6f4ff;color:#0b5cad}
`;

const JS = `// Central console: ask before destructive actions (buttons with data-confirm).
document.addEventListener('submit', function (e) {
  var b = e.target.querySelector('[data-confirm]');
  if (b && !window.confirm(b.getAttribute('data-confirm'))) e.preventDefault();
});
`;

function loginPage(error?: string): string {
  return page(
    '登录',
    `<section><h2>管理员登录 <span class="muted">Administrator sign-in</span></h2>
${error ? `<div class="msg error">${esc(error)}</div>` : ''}
<form method="post" action="/console/login">
<label>管理员令牌 (admin token) <input type="password" name="token" autocomplete="current-password" size="60" required></label>
<button type="submit">登录</button></form></section>`,
  );
}

async function dashboard(db: Db, notice?: string): Promise<string> {
  const tz = await hallTimeZone(db);
  const [halls, devices, rejected, codes, config, access] = await Promise.all([
    admin.listHalls(db),
    admin.listDevices(db),
    admin.listRejected(db, undefined, 50),
    admin.listEnrollmentCodes(db),
    admin.listConfig(db),
    listAudit(db, { limit: '50' }),
  ]);
  const staffSection = await consoleStaffSection(db);
  const overdue = await admin.listApplications(db, { due: 'overdue', limit: 200 });
  const near = (await admin.listApplications(db, { due: 'near', days: 2, limit: 200 })).filter(
    (r) => !r.overdue,
  );
  const stages = await db.query<{ code: string; status: string; n: number }>(
    // Kept per hall and status by a trigger (hall_app_counts): no scan of the applications.
    `SELECT h.code, c.status, c.n FROM hall_app_counts c JOIN halls h ON h.id = c.hall_id
      WHERE c.n > 0 ORDER BY h.code, c.status`,
  );
  const statuses = [...new Set(stages.rows.map((r) => r.status))];
  const byHall = new Map<string, Map<string, number>>();
  for (const r of stages.rows) {
    if (!byHall.has(r.code)) byHall.set(r.code, new Map());
    byHall.get(r.code)!.set(r.status, r.n);
  }
  const hallOptions = halls
    .map((h) => `<option value="${esc(h.code)}">${esc(h.code)} ${esc(h.name)}</option>`)
    .join('');

  const appRow = (r: admin.AdminApplicationRow) => `<tr>
<td>${esc(r.application.appNo)}</td><td>${esc(r.hallCode)}</td><td>${esc(r.application.businessCode)}</td>
<td>${esc(stateLabel(r.application.status))}</td><td class="${r.overdue ? 'bad' : 'warn'}">${esc(r.application.deadline)}</td>
<td>${esc(r.application.acceptedBy)}</td></tr>`;

  return page(
    '总览',
    `${notice ? `<div class="msg info">${notice}</div>` : ''}
<section id="halls"><h2>营业厅 <span class="muted">Halls</span></h2>
<table><thead><tr><th>编号</th><th>名称</th><th>最后联系</th><th class="num">设备(在用/全部)</th><th class="num">申请数</th><th class="num">积压(序号缺口)</th><th class="num">错误(被拒变更)</th></tr></thead><tbody>
${
  halls
    .map(
      (
        h,
      ) => `<tr><td>${esc(h.code)}</td><td>${esc(h.name)}</td><td title="${esc(h.lastContactAt ?? '')}">${esc(ago(h.lastContactAt))}</td>
<td class="num">${h.activeDevices}/${h.devices}</td><td class="num">${h.applications}</td>
<td class="num ${h.seqGaps > 0 ? 'warn' : ''}">${h.seqGaps}</td><td class="num ${h.rejectedChanges > 0 ? 'bad' : ''}">${h.rejectedChanges}</td></tr>`,
    )
    .join('') || '<tr><td colspan="7" class="muted">还没有营业厅</td></tr>'
}
</tbody></table>
<form method="post" action="/console/halls"><label>新营业厅编号 <input name="code" required pattern="[A-Z0-9]{1,16}" maxlength="16" title="1-16位大写字母或数字"></label>
<label>名称 <input name="name" required maxlength="100"></label> <button>创建营业厅</button></form>
</section>

<section id="stages"><h2>申请进度（按环节） <span class="muted">Applications by stage</span></h2>
<table><thead><tr><th>营业厅</th>${statuses.map((s) => `<th class="num">${esc(stateLabel(s))}</th>`).join('')}</tr></thead><tbody>
${
  [...byHall.entries()]
    .map(
      ([hall, m]) =>
        `<tr><td>${esc(hall)}</td>${statuses.map((s) => `<td class="num">${m.get(s) ?? 0}</td>`).join('')}</tr>`,
    )
    .join('') || '<tr><td class="muted">暂无申请</td></tr>'
}
</tbody></table></section>

<section id="deadlines"><h2>超期与临期申请 <span class="muted">Past or near their deadline</span></h2>
<table><thead><tr><th>申请编号</th><th>营业厅</th><th>业务</th><th>当前环节</th><th>办结期限</th><th>受理人</th></tr></thead><tbody>
${[...overdue, ...near].map(appRow).join('') || '<tr><td colspan="6" class="ok">没有超期或临期（2个工作日内）的申请</td></tr>'}
</tbody></table></section>

<section id="devices"><h2>设备 <span class="muted">Devices</span></h2>
<table><thead><tr><th>营业厅</th><th>受理台</th><th>设备名称</th><th>最后联系</th><th class="num">已确认序号</th><th class="num">最高序号</th><th>状态</th><th></th></tr></thead><tbody>
${
  devices
    .map(
      (
        d,
      ) => `<tr><td>${esc(d.hallCode)}</td><td>${esc(d.deskCode ?? '—')}</td><td>${esc(d.name)}</td><td>${esc(ago(d.lastSeenAt))}</td>
<td class="num">${d.ackSeq}</td><td class="num ${d.maxSeq > d.ackSeq ? 'warn' : ''}">${d.maxSeq}</td>
<td>${d.revokedAt ? '<span class="bad">已吊销</span>' : '<span class="ok">在用</span>'}</td>
<td>${d.revokedAt ? '' : `<form method="post" action="/console/devices/${esc(d.id)}/revoke" class="inline"><button data-confirm="确定吊销设备 ${esc(d.name)}？吊销后需重新登记。">吊销</button></form>`}</td></tr>`,
    )
    .join('') || '<tr><td colspan="8" class="muted">还没有设备</td></tr>'
}
</tbody></table></section>

<section id="access"><h2>个人信息访问记录 <span class="muted">Access log (latest 50; <code>npm run backoffice -- audit list</code> for more)</span></h2>
<table><thead><tr><th>时间</th><th>营业厅</th><th>设备</th><th>受理员</th><th>操作</th><th>记录</th><th>说明</th></tr></thead><tbody>
${
  access
    .map(
      (
        e,
      ) => `<tr><td>${esc(bj(e.at, tz))}</td><td>${esc(e.hallCode)}</td><td>${esc(e.deviceName)}</td><td>${esc(e.actor || '—')}</td>
<td>${esc(AUDIT_ACTION_LABELS[e.action][0])}</td><td>${esc(e.label)}</td><td>${esc(e.detail ?? '')}</td></tr>`,
    )
    .join('') || '<tr><td colspan="7" class="muted">还没有访问记录</td></tr>'
}
</tbody></table></section>

${staffSection}

<section id="errors"><h2>被拒绝的变更 <span class="muted">Rejected changes (latest 50)</span></h2>
<table><thead><tr><th>时间</th><th>营业厅</th><th>设备</th><th class="num">序号</th><th>类型</th><th>代码</th><th>原因</th></tr></thead><tbody>
${
  rejected
    .map(
      (
        r,
      ) => `<tr><td>${esc(bj(r.receivedAt, tz))}</td><td>${esc(r.hallCode)}</td><td>${esc(r.deviceName)}</td><td class="num">${r.seq}</td>
<td>${esc(r.entity)}</td><td class="bad">${esc(r.code)}</td><td>${esc(r.reason)}</td></tr>`,
    )
    .join('') || '<tr><td colspan="7" class="ok">没有被拒绝的变更</td></tr>'
}
</tbody></table></section>

<section id="codes"><h2>登记码 <span class="muted">Enrollment codes</span></h2>
<form method="post" action="/console/codes"><label>营业厅 <select name="hall" required>${hallOptions}</select></label>
<label>有效期(小时) <input name="hours" type="number" min="1" max="720" value="24" required></label>
<label>备注 <input name="note" maxlength="200"></label> <button>生成登记码</button></form>
<table><thead><tr><th>营业厅</th><th>生成时间</th><th>过期时间</th><th>状态</th><th>备注</th></tr></thead><tbody>
${
  codes
    .map((c) => {
      const state = c.usedAt
        ? `已使用（${esc(c.deviceName ?? '')}）`
        : Date.parse(c.expiresAt) < Date.now()
          ? '<span class="muted">已过期</span>'
          : '<span class="ok">可用</span>';
      return `<tr><td>${esc(c.hallCode)}</td><td>${esc(bj(c.createdAt, tz))}</td><td>${esc(bj(c.expiresAt, tz))}</td><td>${state}</td><td>${esc(c.note ?? '')}</td></tr>`;
    })
    .join('') || '<tr><td colspan="5" class="muted">没有登记码</td></tr>'
}
</tbody></table></section>

<section id="config"><h2>配置 <span class="muted">Configuration delivered to the halls</span></h2>
<table><thead><tr><th>项目</th><th class="num">版本</th><th>更新时间</th></tr></thead><tbody>
${config.map((c) => `<tr><td>${esc({ catalogue: '业务目录', calendar: '节假日日历', settings: '营业厅参数', keyCustomers: '重点客户名册' }[c.key])}</td><td class="num">${c.version}</td><td>${esc(bj(c.updatedAt, tz))}</td></tr>`).join('')}
</tbody></table></section>`,
  );
}

export interface ConsoleOptions {
  sessions: SessionPolicy;
  /** Failed sign-ins per client address. */
  loginLimiter: FailureLimiter;
}

export async function registerConsole(
  app: FastifyInstance,
  db: Db,
  opts: ConsoleOptions,
): Promise<void> {
  await app.register(async (c) => {
    c.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, querystring.parse(body as string)),
    );
    c.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
      reply.header('cache-control', 'no-store');
      return payload;
    });
    const authed = async (req: FastifyRequest) =>
      checkSession(db, cookieSession(req), opts.sessions);
    const html = (reply: FastifyReply, s: string, status = 200) =>
      reply.status(status).type('text/html; charset=utf-8').send(s);
    const field = (body: unknown, k: string): string => {
      const v = (body as Record<string, unknown> | null)?.[k];
      return typeof v === 'string' ? v : '';
    };

    c.get('/console/console.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').send(CSS),
    );
    c.get('/console/console.js', async (_req, reply) =>
      reply.type('text/javascript; charset=utf-8').send(JS),
    );
    c.get<{ Querystring: Record<string, unknown> }>('/console', async (req, reply) => {
      if (req.query.token !== undefined) {
        // Old ?token= links: a secret in a URL ends up in logs, history and Referer. Never
        // accepted, not even to sign in; the form below posts it instead.
        return html(
          reply,
          loginPage(
            '令牌不能写在网址里，请在下面输入 (a token in the URL is not accepted: type it below)',
          ),
          400,
        );
      }
      if (!(await authed(req))) return html(reply, loginPage());
      return html(reply, await dashboard(db));
    });
    c.post('/console/login', async (req, reply) => {
      const wait = opts.loginLimiter.blockedFor(req.ip);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        return html(
          reply,
          loginPage(`登录失败次数过多，请 ${wait} 秒后再试 (too many attempts)`),
          429,
        );
      }
      const token = field(req.body, 'token').trim();
      if (!(await checkAdminToken(db, token))) {
        opts.loginLimiter.failed(req.ip);
        return html(reply, loginPage('令牌无效 (invalid token)'), 401);
      }
      const id = await createSession(db, opts.sessions);
      setCookie(reply, id, opts.sessions.maxAgeMinutes * 60, req.protocol === 'https');
      return reply.redirect('/console', 303);
    });
    c.post('/console/logout', async (req, reply) => {
      await endSession(db, cookieSession(req));
      reply.header('set-cookie', `${COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`);
      return reply.redirect('/console', 303);
    });
    // Console actions: same functions as the admin API, with the answer shown on the page.
    const action =
      (fn: (req: FastifyRequest) => Promise<string>) =>
      async (req: FastifyRequest, reply: FastifyReply) => {
        if (!(await authed(req))) return html(reply, loginPage('请先登录 (sign in first)'), 401);
        let notice: string;
        try {
          notice = await fn(req);
        } catch (err) {
          if (!(err instanceof ApiFailure)) throw err;
          notice = `<span class="bad">${esc(err.message)}</span>`;
        }
        return html(reply, await dashboard(db, notice));
      };
    c.post(
      '/console/codes',
      action(async (req) => {
        const hours = Number(field(req.body, 'hours')) || 24;
        const note = field(req.body, 'note');
        const r = await admin.createEnrollmentCode(db, field(req.body, 'hall'), {
          ttlMinutes: Math.round(hours * 60),
          ...(note ? { note } : {}),
        });
        const tz = await hallTimeZone(db);
        return `营业厅 ${esc(r.hallCode)} 的登记码（只显示这一次）：<span class="code">${esc(r.code)}</span> 有效至 ${esc(bj(r.expiresAt, tz))}（营业厅时间 ${esc(tz)}）`;
      }),
    );
    c.post(
      '/console/halls',
      action(async (req) => {
        const h = await admin.createHall(db, {
          code: field(req.body, 'code'),
          name: field(req.body, 'name'),
        });
        return `已创建营业厅 ${esc(h.code)} ${esc(h.name)}`;
      }),
    );
    c.post<{ Params: { id: string } }>(
      '/console/devices/:id/revoke',
      action(async (req) => {
        const d = await admin.revokeDevice(db, (req.params as { id: string }).id);
        return `已吊销设备 ${esc(d.name)}（${esc(d.hallCode)}）`;
      }),
    );
  });
}

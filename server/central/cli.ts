// `npm run backoffice -- <command>`: the back office on the command line, over the central
// endpoint's admin HTTP API (safe while the endpoint runs; PGlite allows one process only).
// Endpoint from HALLDESK_CENTRAL_URL (default http://127.0.0.1:8600), token HALLDESK_ADMIN_TOKEN.
import { STATE_LABELS } from '../../shared/domain/paths';
import type { Application } from '../../shared/domain/model';
import { AUDIT_ACTION_LABELS, paths, type AuditEventOut } from '../../shared/protocol';
import { STAFF_USAGE, runAuditVerify, runStaffCommand } from './cliStaff';
import { escapeControls } from './safeText';

const USAGE = `用法 (usage): npm run backoffice -- <command>

  transition <appNo|id> <state> --actor 张三 [--note 说明]   推进申请环节 (e.g. site_survey, archived)
  transition <appNo|id> <current state> --actor 张三 --customer-part start|end
                                                登记客户环节（设计/施工/缴费）开始或结束：期间时限暂停计时
  transition <appNo|id> <earlier state> --actor 张三 --reason 原因代码 [--note 说明]
                                                退回/补正到已经过的环节 (reason codes: settings.workbench.returnReasons)
  edit <appNo|id> --actor 张三 [--deadline YYYY-MM-DD] [--notes 文本] [--address 地址]
  show <appNo|id>
  apps list [--hall CODE] [--status STATE] [--overdue | --near DAYS]
  halls list
  halls create <code> <name>
  codes create <hallCode> [--hours 24] [--note 文本] [--desk D03]
                                                登记码含营业厅和受理台编码（受理台离线即可按其编号）；
                                                --desk 为某受理台重发（原码过期而该台尚未连通中心时）
  codes list
  devices list [--hall CODE]
  devices revoke <deviceId>
  audit list [--hall CODE] [--record <id>] [--limit N]   个人信息访问记录 (who read or changed what)
  calendar load-year <year> <file.json>   载入一年节假日 (the file holds { "holidays": [...] })
  config put <catalogue|calendar|settings> <file.json>   发布配置，各营业厅同步后生效
  config list                             配置版本 (configuration versions)
${STAFF_USAGE}

环境变量: HALLDESK_CENTRAL_URL (默认 http://127.0.0.1:8600), HALLDESK_ADMIN_TOKEN`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(a.slice(2), next);
        i++;
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

class CliError extends Error {}

export async function runCli(
  argv: string[],
  env: { url: string; token: string | undefined },
  rawOut: (line: string) => void,
): Promise<void> {
  // Everything printed passes here: names, labels, notes and reasons come from desks, and a
  // control character in them (ESC [, a carriage return, a bidi override) must not act on the
  // administrator's terminal. Each output line is one line: an embedded newline shows as \n.
  const out = (line: string) => rawOut(escapeControls(line));
  const { positional, flags } = parseArgs(argv);
  const flag = (k: string): string | undefined => {
    const v = flags.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new CliError(`缺少 ${what}\n\n${USAGE}`);
    return v;
  };
  const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    if (!env.token) throw new CliError('请设置 HALLDESK_ADMIN_TOKEN (admin token required)');
    const res = await fetch(new URL(p, env.url), {
      method,
      headers: {
        authorization: `Bearer ${env.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => null)) as
      (T & { error?: { code: string; message: string } }) | null;
    if (!res.ok) {
      throw new CliError(
        escapeControls(
          `失败 (${res.status} ${json?.error?.code ?? ''}): ${json?.error?.message ?? res.statusText}`,
        ),
      );
    }
    return json as T;
  };
  const label = (s: string) =>
    (STATE_LABELS as Record<string, { zh: string } | undefined>)[s]?.zh ?? s;
  const showApp = (a: Application) =>
    out(
      `${a.appNo}  ${a.id}  ${a.hallCode}  业务 ${a.businessCode}  ${label(a.status)} (${a.status})  期限 ${a.deadline}  v${a.serverVersion}  ${a.customer.name}`,
    );
  const [cmd, sub, ...rest] = positional;
  const readJson = async (file: string): Promise<unknown> => {
    const fs = await import('node:fs');
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  };

  switch (cmd) {
    case 'transition': {
      const id = need(sub, '申请编号 (appNo or id)');
      const to = need(rest[0], '目标环节 (state)');
      const actor = need(flag('actor'), '--actor');
      const note = flag('note');
      const part = flag('customer-part');
      if (part !== undefined && part !== 'start' && part !== 'end')
        throw new Error('--customer-part 取 start 或 end (start or end)');
      const r = await call<{ application: Application }>('POST', paths.adminTransition(id), {
        to,
        actor,
        ...(note ? { note } : {}),
        ...(part ? { customerPart: part } : {}),
        ...(flag('reason') ? { reasonCode: flag('reason') } : {}),
      });
      out(`已推进 (moved) → ${label(r.application.status)}`);
      showApp(r.application);
      return;
    }
    case 'edit': {
      const id = need(sub, '申请编号 (appNo or id)');
      const changes: Record<string, unknown> = {};
      for (const k of ['deadline', 'notes', 'address']) {
        const v = flag(k);
        if (v !== undefined) changes[k] = v;
      }
      const r = await call<{ application: Application }>('PATCH', paths.adminApplication(id), {
        actor: need(flag('actor'), '--actor'),
        changes,
      });
      showApp(r.application);
      return;
    }
    case 'show': {
      const r = await call<{ application: Application }>(
        'GET',
        paths.adminApplication(need(sub, 'appNo|id')),
      );
      // JSON escapes C0 controls in strings but not C1 or bidi ones: out() takes each line.
      for (const line of JSON.stringify(r.application, null, 2).split('\n')) out(line);
      return;
    }
    case 'apps': {
      if (sub !== 'list') break;
      const q = new URLSearchParams();
      if (flag('hall')) q.set('hall', flag('hall')!);
      if (flag('status')) q.set('status', flag('status')!);
      if (flags.has('overdue')) q.set('due', 'overdue');
      if (flags.has('near')) {
        q.set('due', 'near');
        q.set('days', flag('near') ?? '2');
      }
      const r = await call<{ applications: Array<{ application: Application; overdue: boolean }> }>(
        'GET',
        `${paths.adminApplications}?${q.toString()}`,
      );
      for (const a of r.applications) {
        out(
          `${a.overdue ? '超期 ' : ''}${a.application.appNo}  ${a.application.hallCode}  ${label(a.application.status)}  期限 ${a.application.deadline}`,
        );
      }
      out(`共 ${r.applications.length} 件`);
      return;
    }
    case 'halls': {
      if (sub === 'list') {
        const r = await call<{
          halls: Array<{
            code: string;
            name: string;
            lastContactAt: string | null;
            applications: number;
          }>;
        }>('GET', paths.adminHalls);
        for (const h of r.halls)
          out(
            `${h.code}  ${h.name}  申请 ${h.applications}  最后联系 ${h.lastContactAt ?? '从未'}`,
          );
        return;
      }
      if (sub === 'create') {
        const r = await call<{ hall: { code: string; name: string } }>('POST', paths.adminHalls, {
          code: need(rest[0], '营业厅编号 (code)'),
          name: need(rest.slice(1).join(' ') || undefined, '营业厅名称 (name)'),
        });
        out(`已创建营业厅 ${r.hall.code} ${r.hall.name}`);
        return;
      }
      break;
    }
    case 'codes': {
      if (sub === 'create') {
        const hours = Number(flag('hours') ?? 24);
        const note = flag('note');
        const desk = flag('desk');
        const r = await call<{
          code: string;
          hallCode: string;
          deskCode?: string;
          expiresAt: string;
        }>('POST', paths.adminEnrollmentCodes(need(rest[0], '营业厅编号 (hallCode)')), {
          ttlMinutes: Math.round(hours * 60),
          ...(note ? { note } : {}),
          ...(desk ? { deskCode: desk } : {}),
        });
        out(
          `登记码 (enrollment code): ${r.code}  营业厅 ${r.hallCode}${r.deskCode ? `  受理台 ${r.deskCode}` : ''}  有效至 ${r.expiresAt}`,
        );
        return;
      }
      if (sub === 'list') {
        const r = await call<{
          codes: Array<{ hallCode: string; expiresAt: string; usedAt: string | null }>;
        }>('GET', paths.adminEnrollmentCodeList);
        for (const c of r.codes)
          out(
            `${c.hallCode}  有效至 ${c.expiresAt}  ${c.usedAt ? `已使用 ${c.usedAt}` : '未使用'}`,
          );
        return;
      }
      break;
    }
    case 'devices': {
      if (sub === 'list') {
        const hall = flag('hall');
        const r = await call<{
          devices: Array<{
            id: string;
            name: string;
            hallCode: string;
            deskCode?: string;
            lastSeenAt: string | null;
            revokedAt: string | null;
            ackSeq: number;
            maxSeq: number;
          }>;
        }>('GET', `${paths.adminDevices}${hall ? `?hall=${encodeURIComponent(hall)}` : ''}`);
        for (const d of r.devices) {
          out(
            `${d.id}  ${d.hallCode}${d.deskCode ? `-${d.deskCode}` : ''}  ${d.name}  ack ${d.ackSeq}/${d.maxSeq}  最后联系 ${d.lastSeenAt ?? '从未'}${d.revokedAt ? '  已吊销' : ''}`,
          );
        }
        return;
      }
      if (sub === 'revoke') {
        const r = await call<{ device: { name: string; revokedAt: string } }>(
          'POST',
          paths.adminRevokeDevice(need(rest[0], 'deviceId')),
        );
        out(`已吊销 ${r.device.name} (${r.device.revokedAt})`);
        return;
      }
      break;
    }
    case 'staff': {
      if (await runStaffCommand(sub, rest, flag, (k) => flags.has(k), call, out, need)) return;
      break;
    }
    case 'audit': {
      if (sub === 'verify') {
        if (!(await runAuditVerify(need(flag('hall'), '--hall'), call, out))) {
          throw new CliError('访问日志链校验未通过 (audit chain check failed)');
        }
        return;
      }
      if (sub === 'list') {
        const q = new URLSearchParams();
        for (const [name, param] of [
          ['hall', 'hall'],
          ['record', 'entityId'],
          ['limit', 'limit'],
        ] as const) {
          const v = flag(name);
          if (v) q.set(param, v);
        }
        const r = await call<{ events: AuditEventOut[] }>('GET', `${paths.adminAudit}?${q}`);
        for (const e of r.events) {
          out(
            `${e.at}  ${e.hallCode} ${e.deviceName}  ${e.actor || '(未设置受理员)'}  ${AUDIT_ACTION_LABELS[e.action][0]}  ${e.label}${e.detail ? `  ${e.detail}` : ''}`,
          );
        }
        if (r.events.length === 0) out('没有记录 (no entries)');
        return;
      }
      break;
    }
    case 'calendar': {
      if (sub !== 'load-year') break;
      const year = Number(need(rest[0], '年份 (year)'));
      const data = await readJson(need(rest[1], '文件 (file)'));
      const r = await call<{ version: number }>('PUT', paths.adminCalendarYear(year), { data });
      out(`已载入 ${year} 年日历，配置版本 ${r.version}`);
      return;
    }
    case 'config': {
      if (sub === 'list') {
        const r = await call<{
          config: Array<{ key: string; version: number; updatedAt: string }>;
        }>('GET', paths.adminConfig);
        for (const c of r.config) out(`${c.key}  版本 ${c.version}  ${c.updatedAt}`);
        return;
      }
      if (sub !== 'put') break;
      const key = need(rest[0], 'catalogue|calendar|settings');
      const data = await readJson(need(rest[1], '文件 (file)'));
      const r = await call<{ version: number }>('PUT', paths.adminConfigKey(key), { data });
      out(`已更新 ${key}，配置版本 ${r.version}`);
      return;
    }
    default:
      break;
  }
  throw new CliError(USAGE);
}

// Run only when executed directly (tests import runCli).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  runCli(
    process.argv.slice(2),
    {
      url: process.env.HALLDESK_CENTRAL_URL || 'http://127.0.0.1:8600',
      token: process.env.HALLDESK_ADMIN_TOKEN,
    },
    (line) => console.log(line),
  ).catch((err: unknown) => {
    console.error(err instanceof CliError ? err.message : err);
    process.exit(1);
  });
}

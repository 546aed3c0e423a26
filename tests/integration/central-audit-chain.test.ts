// Central endpoint: the desks' access-log hash chains are checked on arrival (a gap or an altered
// entry is flagged and shown in the console) and `backoffice audit verify` re-checks a hall.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../server/central/cli';
import { paths, type AuditRecord } from '../../shared/protocol';
import { GENESIS_HASH, chainHash } from '../../shared/staff/chain';
import { centralForSuite } from '../support/centralSuite';
import type { TestCentral } from '../support/server';
import { call, createHall, enrollDevice, forEachDb } from '../support/server';

function chain(count: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let n = 1; n <= count; n++) {
    const e = {
      localId: n,
      at: new Date(Date.UTC(2026, 11, 7, 1, n)).toISOString(),
      actor: '张三',
      staffNo: 'C001',
      action: 'view' as const,
      entity: 'application' as const,
      entityId: `app-${n}`,
      label: `ST01-D01-20261207-${String(n).padStart(4, '0')}`,
      n,
      prevHash: prev,
      hash: '',
    };
    e.hash = chainHash(e);
    prev = e.hash;
    out.push(e);
  }
  return out;
}

for (const { variant, skipReason } of forEachDb()) {
  describe.skipIf(!!skipReason)(`access log chain at the centre (${variant})`, () => {
    let c: TestCentral;
    let good = '';
    let bad = '';
    centralForSuite(variant, 'chain', async (central) => {
      c = central;
      await createHall(c, 'CH01');
      good = (await enrollDevice(c, 'CH01', '一号窗口')).token;
      bad = (await enrollDevice(c, 'CH01', '二号窗口')).token;
    });

    it('flags a gap and an altered entry on arrival, and audit verify finds them', async () => {
      const rows = chain(6);
      // An intact device, in two uploads (the second links to the first), plus a resend.
      expect(
        (
          await call(c.url, 'POST', paths.audit, {
            token: good,
            body: { entries: rows.slice(0, 3) },
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(c.url, 'POST', paths.audit, { token: good, body: { entries: rows.slice(2) } }))
          .status,
      ).toBe(200);
      // A device whose row 3 was deleted and row 5 edited before upload.
      const tampered = rows
        .filter((r) => r.n !== 3)
        .map((r) => (r.n === 5 ? { ...r, label: 'ST01-D01-20261207-9999' } : r));
      expect(
        (await call(c.url, 'POST', paths.audit, { token: bad, body: { entries: tampered } }))
          .status,
      ).toBe(200);

      const listed = await call(c.url, 'GET', `${paths.adminAudit}?hall=CH01`, {
        token: c.adminToken,
      });
      expect(listed.body.events[0].staffNo).toBe('C001');

      const lines: string[] = [];
      await expect(
        runCli(['audit', 'verify', '--hall', 'CH01'], { url: c.url, token: c.adminToken }, (l) =>
          lines.push(l),
        ),
      ).rejects.toThrow('校验未通过');
      const text = lines.join('\n');
      expect(text).toMatch(/一号窗口 .* 6 条 {2}完整/);
      expect(text).toMatch(/二号窗口 .* 5 条 {2}有问题/);
      expect(text).toContain('gap');
      expect(text).toContain('altered');

      // The console signs in with a POST form; the cookie holds a session id (console.ts).
      const login = await fetch(new URL('/console/login', c.url), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: c.adminToken }).toString(),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const consoleHtml = await fetch(new URL('/console', c.url), {
        headers: { cookie },
      }).then((r) => r.text());
      expect(consoleHtml).toContain('访问日志完整性');
      expect(consoleHtml).toContain('缺失记录');
      expect(consoleHtml).toContain('记录被改动');
    });
  });
}

// Child-process entry for the workbench e2e test (Playwright's loader cannot import the domain's
// JSON catalogue): on the centre at SEED_URL with SEED_TOKEN, creates hall SEED_HALL, enrolls a
// desk and pushes SEED_COUNT valid applications through the device API; with SEED_SCAN=1 the
// first one gets a scan (a real PNG, metadata pushed and bytes uploaded as a desk does); prints
// {"apps":[{id,appNo}],"deviceToken":...,"scan":{id,fileName}|null,"ownId":...} on one line.
import crypto from 'node:crypto';
import { paths } from '../../shared/protocol';
import { call, type TestCentral } from './server';
import { appFor, change, device, push } from './serverClient';
import { enrollDevice, createHall } from './server';
import { makeAttachmentMeta } from '../unit/domain/factories';
import { residentId } from '../e2e/support/ids';

const url = process.env.SEED_URL!;
const token = process.env.SEED_TOKEN!;
const hall = process.env.SEED_HALL ?? 'WBE2E';
const count = Number(process.env.SEED_COUNT ?? 3);
// The helpers take a TestCentral; only url and token are used over HTTP.
const c = { url, adminToken: token } as TestCentral;
await createHall(c, hall, `${hall} 营业厅`);
const dev = device(await enrollDevice(c, hall));
// The second one has a name of its own, found by its pinyin initials (OYNN), and an ID number of
// its own (a customer apart from the others, SEED_OWN_ID); accepted a minute apart so that the
// list's order (newest first) is the reverse of this one.
const OWN_ID = residentId('110101', '19900101', '021');
const base = Date.parse('2026-12-01T09:00:00+08:00');
const apps = Array.from({ length: count }, (_, i) =>
  appFor(dev, {
    acceptedAt: new Date(base + i * 60_000).toISOString(),
    customer: {
      name: i === 1 ? '欧阳娜娜' : `种子客户${i}`,
      phone: `1390000${String(i).padStart(4, '0')}`,
      ...(i === 1 ? { idNumber: OWN_ID } : {}),
    },
  }),
);
for (let i = 0; i < apps.length; i += 50) {
  const r = await push(
    c,
    dev,
    apps.slice(i, i + 50).map((a) => change(dev, 'application', a)),
  );
  if (r.status !== 200 || !r.body.results.every((x) => x.status === 'applied'))
    throw new Error(`seed push failed: ${r.status} ${JSON.stringify(r.body)}`);
}
let scan: { id: string; fileName: string } | null = null;
if (process.env.SEED_SCAN === '1' && apps[0]) {
  // A 2×1 PNG: small, but an image the browser really decodes.
  const bytes = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGM4IQcEJwAHIwIJ5FiIOQAAAABJRU5ErkJggg==',
    'base64',
  );
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  const meta = makeAttachmentMeta({
    applicationId: apps[0].id,
    sha256: sha,
    size: bytes.length,
    mimeType: 'image/png',
    fileName: '身份证正面.png',
    documentCode: 'id_card',
  });
  const r = await push(c, dev, [change(dev, 'attachment', meta)]);
  if (r.status !== 200 || !r.body.results.every((x) => x.status === 'applied'))
    throw new Error(`seed scan push failed: ${r.status} ${JSON.stringify(r.body)}`);
  const up = await call(url, 'PUT', `${paths.attachment(sha)}?offset=0&size=${bytes.length}`, {
    token: dev.token,
    rawBody: new Uint8Array(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (up.status !== 200) throw new Error(`seed scan upload failed: ${up.status}`);
  scan = { id: meta.id, fileName: meta.fileName };
}
// Make sure the device can read them back (sanity: the seed really went through the API).
const check = await call(url, 'GET', `${paths.pull}?limit=10`, { token: dev.token });
if (check.status !== 200) throw new Error(`seed pull failed: ${check.status}`);
process.stdout.write(
  `${JSON.stringify({ apps: apps.map((a) => ({ id: a.id, appNo: a.appNo })), deviceToken: dev.token, scan, ownId: OWN_ID })}\n`,
);

// Child-process entry for the workbench supervision e2e test (Playwright's loader cannot import
// the domain's JSON catalogue): on the centre at SEED_URL with SEED_TOKEN, two halls with their
// clerks, each hall's desk pushing applications accepted now by them through the device API;
// prints {"SVA01":[appNo…],"SVB01":[…]} on one line.
import { call, createHall, enrollDevice, type TestCentral } from './server';
import { appFor, change, device, push } from './serverClient';

const url = process.env.SEED_URL!;
const token = process.env.SEED_TOKEN!;
const c = { url, adminToken: token } as TestCentral;
const now = new Date().toISOString();
const out: Record<string, string[]> = {};
for (const [hall, clerks] of [
  ['SVA01', ['A1', 'A1', 'A2']],
  ['SVB01', ['B1']],
] as const) {
  await createHall(c, hall, `${hall} 营业厅`);
  for (const no of new Set(clerks)) {
    const r = await call(url, 'POST', '/api/v1/admin/staff', {
      token,
      body: { staffNo: no, name: `员工${no}`, hallCode: hall, roles: ['clerk'] },
    });
    if (r.status !== 201) throw new Error(`staff ${no}: ${r.status}`);
  }
  const dev = device(await enrollDevice(c, hall));
  const apps = clerks.map((no) => appFor(dev, { acceptedByStaffNo: no, acceptedAt: now }));
  const r = await push(
    c,
    dev,
    apps.map((a) => change(dev, 'application', a)),
  );
  if (r.status !== 200 || !r.body.results.every((x) => x.status === 'applied'))
    throw new Error(`seed push failed: ${r.status} ${JSON.stringify(r.body)}`);
  out[hall] = apps.map((a) => a.appNo);
}
process.stdout.write(`${JSON.stringify(out)}\n`);

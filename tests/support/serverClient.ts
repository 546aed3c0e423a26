// Shared pieces of the central endpoint's integration tests: a device client that numbers its
// changes, and application changes built from the domain factories.
import crypto from 'node:crypto';
import type { Application } from '../../shared/domain/model';
import type { Change, EnrollResponse, PushResponse } from '../../shared/protocol';
import { paths } from '../../shared/protocol';
import { makeApplication } from '../unit/domain/factories';
import type { ApplicationOverrides } from '../unit/domain/factories';
import type { JsonResponse, TestCentral } from './server';
import { call } from './server';

export interface TestDevice extends EnrollResponse {
  nextSeq: number;
}

export function device(e: EnrollResponse): TestDevice {
  return { ...e, nextSeq: 1 };
}

export function appFor(dev: TestDevice, overrides: ApplicationOverrides = {}): Application {
  return makeApplication({ hallCode: dev.hallCode, ...overrides });
}

export function change(
  dev: TestDevice,
  entity: Change['entity'],
  payload: unknown,
  opts: { op?: Change['op']; seq?: number; entityId?: string; changeId?: string } = {},
): Change {
  const seq = opts.seq ?? dev.nextSeq++;
  const id = opts.entityId ?? (payload as { id?: string }).id ?? crypto.randomUUID();
  return {
    changeId: opts.changeId ?? crypto.randomUUID(),
    seq,
    entity,
    entityId: id,
    op: opts.op ?? 'create',
    payload,
  };
}

export function push(
  c: TestCentral,
  dev: TestDevice,
  changes: Change[],
): Promise<JsonResponse<PushResponse & { error?: { code: string; message: string } }>> {
  return call(c.url, 'POST', paths.push, {
    token: dev.token,
    body: { deviceId: dev.deviceId, changes },
  });
}

export async function countRows(
  c: TestCentral,
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await c.server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return rows[0]!.n;
}

// The outlet's optional limits on the attachment lane (issue 17): a bandwidth cap and hours for
// scans. The lane runs against a small in-memory attachment centre on a fake clock that moves
// only when the lane waits, so a cap that were ignored would show as bytes taken in no time.
import { describe, expect, it } from 'vitest';
import { createSyncStatusStore } from '../../../renderer/src/sync/status';
import type { SyncStore, UploadItem, UploadLimits } from '../../../renderer/src/sync/store';
import type { Timers } from '../../../renderer/src/sync/timers';
import { ApiClient, type FetchLike } from '../../../renderer/src/sync/transport';
import { Uploader } from '../../../renderer/src/sync/uploadStage';

/** A clock that jumps to each timer's due time when it fires (the lane's waits cost nothing). */
function fakeClock() {
  let now = 1_000_000;
  const t: Timers & { waited: number } = {
    waited: 0,
    now: () => now,
    setTimeout(fn, ms) {
      const h = setTimeout(() => {
        now += Math.max(0, ms);
        t.waited += Math.max(0, ms);
        fn();
      }, 0);
      return h;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return t;
}

/** The centre's attachment endpoints: status and resumable chunk PUTs, stamped on the clock. */
function attachmentCentre(clock: Timers) {
  const files = new Map<string, { size: number; received: number }>();
  const puts: { at: number; bytes: number }[] = [];
  const status = (sha: string) => {
    const f = files.get(sha);
    return {
      sha256: sha,
      size: f?.size ?? null,
      received: f?.received ?? 0,
      complete: !!f && f.received === f.size,
    };
  };
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(input);
    const m = /\/api\/v1\/attachments\/([0-9a-f]{64})$/.exec(url.pathname);
    const reply = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    if (url.pathname === '/api/v1/health') {
      return reply({ ok: true, service: 'halldesk-central', apiVersion: 1, time: '', db: 'pg' });
    }
    if (!m) return new Response('{}', { status: 404 });
    const sha = m[1]!;
    if (init?.method === 'PUT') {
      const body = new Uint8Array(init.body as Uint8Array);
      const size = Number(url.searchParams.get('size'));
      const f = files.get(sha) ?? { size, received: 0 };
      f.received += body.length;
      files.set(sha, f);
      puts.push({ at: clock.now(), bytes: body.length });
    }
    return reply(status(sha));
  };
  return { fetch, puts, files };
}

/** The store side of the lane: a queue of files of `size` bytes each. */
function queueStore(items: UploadItem[], limits: UploadLimits): SyncStore {
  const queue = [...items];
  const store: Partial<SyncStore> = {
    uploadQueue: async () => [...queue],
    uploadFirst: async () => null,
    uploadLimits: async () => limits,
    hasUnsentChanges: async () => false,
    readAttachment: async (id, offset, length) => {
      const item = items.find((i) => i.attachmentId === id)!;
      return new Uint8Array(Math.max(0, Math.min(length, item.size - offset))).fill(7);
    },
    finishUpload: async (id) => {
      queue.splice(
        queue.findIndex((i) => i.attachmentId === id),
        1,
      );
    },
  };
  return store as SyncStore;
}

const files = (n: number, size: number): UploadItem[] =>
  Array.from({ length: n }, (_, i) => ({
    attachmentId: `att-${i}`,
    applicationId: `app-${i}`,
    sha256: String(i).padStart(64, 'a'),
    size,
    queuedAt: `2026-12-07T00:00:0${i}.000Z`,
  }));

function lane(items: UploadItem[], limits: UploadLimits, at = new Date(2026, 11, 7, 20, 0)) {
  const clock = fakeClock();
  const centre = attachmentCentre(clock);
  const uploader = new Uploader({
    store: queueStore(items, limits),
    status: createSyncStatusStore(),
    timers: clock,
    random: () => 0.5,
    clock: () => at,
  });
  const client = new ApiClient({ endpoint: 'http://centre.test', token: 't', fetch: centre.fetch });
  return { clock, centre, uploader, client };
}

describe('attachment upload limits', () => {
  it('a bandwidth cap: the centre never takes bytes faster than the cap', async () => {
    const kbps = 64; // 8,000 bytes a second
    const { clock, centre, uploader, client } = lane(files(2, 100_000), { kbps });
    const started = clock.now();
    const run = await uploader.run(client);
    expect(run).toEqual({ kind: 'done', uploaded: 2 });
    const total = centre.puts.reduce((s, p) => s + p.bytes, 0);
    expect(total).toBe(200_000);
    // Each chunk is followed by the time the cap gives it before the next one may go.
    for (let i = 1; i < centre.puts.length; i++) {
      const prev = centre.puts[i - 1]!;
      expect(centre.puts[i]!.at - prev.at).toBeGreaterThanOrEqual((prev.bytes * 8) / kbps - 1);
    }
    // Over the whole run: at most the cap.
    const elapsed = clock.now() - started;
    expect((total * 8) / elapsed).toBeLessThanOrEqual(kbps + 0.01);
  });

  it('without a cap the lane never waits (the test above measures the cap, not the clock)', async () => {
    const { clock, centre, uploader, client } = lane(files(2, 100_000), {});
    const run = await uploader.run(client);
    expect(run).toEqual({ kind: 'done', uploaded: 2 });
    expect(centre.puts.reduce((s, p) => s + p.bytes, 0)).toBe(200_000);
    expect(clock.waited).toBe(0);
  });

  it('outside the attachment hours nothing goes up; the lane says when the hours open', async () => {
    const at = new Date(2026, 11, 7, 10, 0); // 10:00, the hours are 18:00–08:00
    const { clock, centre, uploader, client } = lane(
      files(2, 50_000),
      { hours: { from: '18:00', to: '08:00' } },
      at,
    );
    const run = await uploader.run(client);
    expect(run).toEqual({ kind: 'waiting', uploaded: 0, resumeAt: clock.now() + 8 * 3_600_000 });
    expect(centre.puts).toHaveLength(0);
    expect(uploader['o'].status.getState().uploads.state).toBe('waitingHours');
  });

  it('inside the attachment hours every scan goes up', async () => {
    const { centre, uploader, client } = lane(files(2, 50_000), {
      hours: { from: '18:00', to: '08:00' },
    });
    expect(await uploader.run(client)).toEqual({ kind: 'done', uploaded: 2 });
    expect(centre.files.size).toBe(2);
    expect([...centre.files.values()].every((f) => f.received === f.size)).toBe(true);
  });
});

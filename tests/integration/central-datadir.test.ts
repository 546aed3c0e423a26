// Central endpoint on PGlite: the data folder (every customer record, the WAL among them) is
// private to the service account: folders 0700, files 0600, whether PGlite creates the folder
// or an older version (or a copy) left it readable.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../server/db/db';
import { pgliteDataDir } from '../support/server';

/** Modes found in the folder, e.g. { 'd700': 26, 'f600': 970 }. */
function modes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const f = path.join(p, e.name);
      const key = `${e.isDirectory() ? 'd' : 'f'}${(fs.statSync(f).mode & 0o777).toString(8)}`;
      out[key] = (out[key] ?? 0) + 1;
      if (e.isDirectory()) walk(f);
    }
  };
  out[`root${(fs.statSync(dir).mode & 0o777).toString(8)}`] = 1;
  walk(dir);
  return out;
}

describe.skipIf(process.platform === 'win32')('PGlite data folder modes', () => {
  it('closes an existing readable folder when it opens it, and keeps new files private', async () => {
    const dir = await pgliteDataDir('modes');
    try {
      fs.chmodSync(dir, 0o755);
      // As initdb leaves it (and as the template copy keeps it): world-readable files.
      expect(Object.keys(modes(dir)).some((k) => k === 'f666' || k === 'f644')).toBe(true);
      const db = await openDb({ dataDir: dir });
      await db.exec(
        "CREATE TABLE secrets (v text); INSERT INTO secrets SELECT repeat('x', 500) FROM generate_series(1, 5000); CHECKPOINT;",
      );
      await db.close();
      const m = modes(dir);
      expect(m.root700).toBe(1);
      expect(Object.keys(m).sort()).toEqual(['d700', 'f600', 'root700']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a new folder 0700 with files 0600', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-modes-'));
    const dir = path.join(parent, 'central');
    try {
      const db = await openDb({ dataDir: dir });
      await db.query('SELECT 1');
      await db.close();
      const m = modes(dir);
      expect(Object.keys(m).sort()).toEqual(['d700', 'f600', 'root700']);
      expect(m.f600).toBeGreaterThan(500);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

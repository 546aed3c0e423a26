// `npm start` reuses dist/renderer only when its stamp matches the renderer's inputs now.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFreshness, inputsHash, writeStamp } from '../../../scripts/rendererBuild';

const INPUTS = ['renderer', 'shared', 'vite.config.ts'];
let root: string;
let out: string;

function put(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

/** What a build does: output, then the stamp of the inputs it started from. */
function build(): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'index.html'), '<!doctype html>');
  writeStamp(out, inputsHash(root, INPUTS));
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-build-'));
  out = path.join(root, 'dist', 'renderer');
  put('renderer/src/main.tsx', 'main');
  put('shared/domain/a.ts', 'a');
  put('vite.config.ts', 'cfg');
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('renderer build freshness', () => {
  it('needs a build when there is none, or the build has no stamp', () => {
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(false);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'index.html'), 'x');
    expect(buildFreshness(root, out, INPUTS)).toMatchObject({ fresh: false });
  });

  it('reuses a build of the current sources, also after their mtimes change', () => {
    build();
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(true);
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'shared/domain/a.ts'), later, later);
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(true);
  });

  it('is stale after a source edit, a new file, a removed file or a config change', () => {
    build();
    put('shared/domain/a.ts', 'a2');
    expect(buildFreshness(root, out, INPUTS)).toMatchObject({ fresh: false });
    build();
    put('renderer/src/new.tsx', 'n');
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(false);
    build();
    fs.rmSync(path.join(root, 'renderer/src/new.tsx'));
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(false);
    build();
    put('vite.config.ts', 'cfg2');
    expect(buildFreshness(root, out, INPUTS).fresh).toBe(false);
  });

  it('a renamed file changes the hash even with the same content', () => {
    const before = inputsHash(root, INPUTS);
    fs.renameSync(path.join(root, 'shared/domain/a.ts'), path.join(root, 'shared/domain/b.ts'));
    expect(inputsHash(root, INPUTS)).not.toBe(before);
  });
});

// Size-based log rotation on a real temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '../../../electron/logFile';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'halldesk-log-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const now = () => new Date('2026-03-02T01:02:03.000Z');
const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');

describe('RotatingLog', () => {
  it('writes timestamped one-line entries', () => {
    const log = new RotatingLog({ dir, name: 'main', maxBytes: 1024, maxFiles: 3, now });
    log.write('info', 'started');
    log.write('error', 'line one\nline two');
    expect(read('main.log')).toBe(
      '2026-03-02T01:02:03.000Z INFO started\n2026-03-02T01:02:03.000Z ERROR line one\\nline two\n',
    );
  });

  it('rotates before a line would pass maxBytes and keeps maxFiles old files', () => {
    const log = new RotatingLog({ dir, name: 'main', maxBytes: 300, maxFiles: 2, now });
    // Each line is 24 + 1 + 4 + 1 + 99 + 1 = 130 bytes: two fit in 300, the third rotates.
    const line = (n: number) => `${String(n).padStart(3, '0')}${'x'.repeat(96)}`;
    for (let i = 1; i <= 7; i++) log.write('info', line(i));
    expect(fs.readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    expect(read('main.log')).toContain(line(7));
    expect(read('main.1.log')).toContain(line(5));
    expect(read('main.1.log')).toContain(line(6));
    expect(read('main.2.log')).toContain(line(3));
    // Lines 1 and 2 were in the file that fell off the end.
    const all = fs.readdirSync(dir).map(read).join('');
    expect(all).not.toContain(line(1));
    for (const f of fs.readdirSync(dir))
      expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(300);
  });

  it('continues the size count of an existing file after a restart', () => {
    fs.writeFileSync(path.join(dir, 'main.log'), 'x'.repeat(290));
    const log = new RotatingLog({ dir, name: 'main', maxBytes: 300, maxFiles: 1, now });
    log.write('warn', 'after restart');
    expect(read('main.1.log')).toBe('x'.repeat(290));
    expect(read('main.log')).toContain('after restart');
  });

  it('never throws when the folder disappears', () => {
    const log = new RotatingLog({ dir, name: 'main', maxBytes: 300, maxFiles: 1, now });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.writeFileSync(dir, 'a file where the folder was');
    expect(() => log.write('info', 'lost')).not.toThrow();
    fs.rmSync(dir);
    fs.mkdirSync(dir);
  });
});

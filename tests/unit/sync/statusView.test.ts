// One truth in the status bar: the link text, the pending count with its one oldest age and the
// next retry are all derived from one state; an unreachable centre is never shown as "online".
import { describe, expect, it } from 'vitest';
import { statusView } from '../../../renderer/src/sync/statusView';

const zh = (a: string) => a;
const now = Date.parse('2026-12-07T02:00:00Z');
const outbox = { pending: 3, oldestPendingAt: '2026-12-07T01:55:00Z', rejected: 0 };

describe('statusView', () => {
  it('centre unreachable with the network up: one offline text, the retry with its tries', () => {
    const v = statusView(
      { phase: 'offline', nextAttemptAt: now + 30_000, failedRounds: 4, lastError: null },
      outbox,
      true,
      now,
      zh,
    );
    expect(v.link.tone).toBe('off');
    expect(v.link.text).toContain('离线');
    expect(v.link.text).not.toContain('在线');
    expect(v.pending).toBe('待上传 3 条，最早 5 分钟前');
    expect(v.retry).toBe('已试 4 次，30 秒后重试');
  });

  it('no network at all wins over a stale engine phase', () => {
    const v = statusView(
      { phase: 'synced', nextAttemptAt: null, failedRounds: 0, lastError: null },
      outbox,
      false,
      now,
      zh,
    );
    expect(v.link.phase).toBe('no_network');
    expect(v.link.text).toContain('离线');
    expect(v.retry).toBeNull();
  });

  it('synced: connected, nothing pending, no retry', () => {
    const v = statusView(
      { phase: 'synced', nextAttemptAt: now + 60_000, failedRounds: 0, lastError: null },
      { pending: 0, oldestPendingAt: null, rejected: 0 },
      true,
      now,
      zh,
    );
    expect(v.link.text).toBe('已同步');
    expect(v.pending).toBe('全部变更已上传');
    expect(v.retry).toBeNull();
  });
});

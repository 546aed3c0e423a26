// The sync UI renders what the engine reports (server-side render in Node: no browser needed
// for the labels; the live behaviour is exercised by the engine tests).
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { hallTime } from '../../../shared/domain/hallTime';
import { SyncPanel } from '../../../renderer/src/sync/SyncPanel';
import { SyncStatusIndicator } from '../../../renderer/src/sync/SyncStatusIndicator';
import {
  createSyncStatusStore,
  initialSyncStatus,
  type SyncStatus,
} from '../../../renderer/src/sync/status';

/** A status store holding `state` (server rendering reads a store's initial state). */
const storeOf = (state: Partial<SyncStatus>) =>
  createSyncStatusStore({ ...initialSyncStatus, ...state });

describe('SyncStatusIndicator', () => {
  it('shows offline with the pending count and the age of the oldest item', () => {
    const store = storeOf({
      phase: 'offline',
      pending: 3,
      oldestPendingAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      lastError: '无法连接中心端，稍后自动重试',
    });
    const html = renderToString(<SyncStatusIndicator store={store} />);
    expect(html).toContain('离线');
    expect(html).toContain('待上传 3');
    expect(html).toContain('5 分钟');
    expect(html).toContain('data-phase="offline"');
  });

  it('shows synced with the time of the last success, and errors with the parked count', () => {
    const at = new Date();
    const synced = renderToString(
      <SyncStatusIndicator store={storeOf({ phase: 'synced', lastSuccessAt: at.toISOString() })} />,
    );
    expect(synced).toContain('已同步');
    // On the hall's clock (Asia/Shanghai by default), whatever the zone this test runs in.
    expect(synced).toContain(hallTime(at));
    expect(synced).not.toContain('待上传');
    const error = renderToString(
      <SyncStatusIndicator store={storeOf({ phase: 'error', rejected: 2 })} />,
    );
    expect(error).toContain('同步错误');
    expect(renderToString(<SyncStatusIndicator store={storeOf({ phase: 'syncing' })} />)).toContain(
      '同步中',
    );
    expect(renderToString(<SyncStatusIndicator />)).toContain('未登记');
  });
});

describe('scans waiting (issue 17)', () => {
  it('the status bar shows scans uploaded of total, bytes, rate and time left while they wait', () => {
    const store = storeOf({
      phase: 'synced',
      pending: 0,
      lastSuccessAt: new Date().toISOString(),
      uploadsWaiting: 599,
      uploads: {
        state: 'uploading',
        filesTotal: 600,
        filesDone: 1,
        bytesTotal: 170 * 1024 * 1024,
        bytesDone: 300 * 1024,
        rateBytesPerSec: 60 * 1024,
        etaMs: 48 * 60_000,
        currentApplicationId: 'a',
        resumeAt: null,
        lastError: null,
      },
    });
    const html = renderToString(<SyncStatusIndicator store={store} />);
    expect(html).toContain('附件 1/600');
    expect(html).toContain('170.0 MB');
    expect(html).toContain('60 KB/s');
    expect(html).toContain('48 分钟');
    expect(html).not.toContain('待发送 0');
    const panel = renderToString(<SyncPanel store={store} />);
    expect(panel).toContain('附件上传中');
    expect(panel).toContain('附件 1/600');
  });

  it('scans waiting before the lane started are shown too (never "nothing pending")', () => {
    const html = renderToString(
      <SyncStatusIndicator store={storeOf({ phase: 'offline', uploadsWaiting: 120 })} />,
    );
    expect(html).toContain('附件 0/120');
  });
});

describe('SyncPanel', () => {
  it('renders the state, the sync-now button, the progress of a large backlog and enrollment', () => {
    const store = storeOf({ phase: 'syncing', pending: 800, progress: { total: 1000, done: 200 } });
    const html = renderToString(<SyncPanel store={store} />);
    expect(html).toContain('数据同步');
    expect(html).toContain('立即同步');
    expect(html).toContain('200 / 1000');
    expect(html).toContain('中心与登记');
  });
});

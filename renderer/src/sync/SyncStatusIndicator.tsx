// Status-bar segment of the desk: the link to the centre (statusView.ts derives it from the
// engine's state, the network flag and the outbox), the next retry and the last success.
// Clicking opens the sync page.
import {
  CloudOutlined,
  CloudSyncOutlined,
  DisconnectOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Badge, Space, Tooltip } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useT } from '../i18n';
import { timeText } from './format';
import { startSync } from './runtime';
import { syncStatusStore, type SyncPhase, type SyncStatusStore } from './status';
import { UploadStatusSegment } from './UploadProgress';
import { type LinkTone, type OutboxCounts, statusView } from './statusView';

const COLORS: Record<LinkTone, string> = {
  off: '#8c8c8c',
  busy: '#1677ff',
  ok: '#52c41a',
  error: '#ff4d4f',
};

/** Re-render every `ms` so that ages stay true without new events. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const h = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(h);
  }, [ms]);
  return now;
}

export function SyncStatusIndicator({
  store = syncStatusStore,
  outbox,
  online = true,
}: {
  /** The status store to show (the app's engine's by default). */
  store?: SyncStatusStore;
  /** The outbox's live counts (the status bar's): the one pending count and oldest age. */
  outbox?: OutboxCounts;
  /** The browser's network flag. */
  online?: boolean;
}): ReactNode {
  const t = useT();
  const s = useStore(store);
  const now = useNow(15_000);
  useEffect(() => startSync(), []);

  // Without the status bar's live counts (tests, other hosts) the engine's own are used.
  const counts: OutboxCounts = outbox ?? {
    pending: s.pending,
    oldestPendingAt: s.oldestPendingAt,
    rejected: s.rejected,
  };
  const view = statusView(s, counts, online, now, t);
  const icon: Record<SyncPhase | 'no_network', ReactNode> = {
    no_network: <DisconnectOutlined />,
    unconfigured: <DisconnectOutlined />,
    offline: <DisconnectOutlined />,
    syncing: <CloudSyncOutlined spin />,
    synced: <CloudOutlined />,
    error: <WarningOutlined />,
  };
  const tip = [
    s.lastError,
    s.lastSuccessAt
      ? t(`上次成功同步：${timeText(s.lastSuccessAt)}`, `Last sync: ${timeText(s.lastSuccessAt)}`)
      : t('尚未成功同步', 'Never synced'),
    counts.rejected > 0 ? t(`${counts.rejected} 条被拒收`, `${counts.rejected} rejected`) : null,
  ]
    .filter(Boolean)
    .join('；');

  return (
    <Tooltip title={tip}>
      <a
        href="#/sync"
        data-testid="sync-status"
        data-phase={s.phase}
        data-link={view.link.phase}
        style={{ color: COLORS[view.link.tone], whiteSpace: 'nowrap' }}
      >
        <Space size={4}>
          {icon[view.link.phase]}
          <span data-testid="link-state">{view.link.text}</span>
          {/* Without the status bar around it, the pending count is shown here (one place). */}
          {!outbox && counts.pending > 0 && <span data-testid="sync-pending">{view.pending}</span>}
          {view.retry && <span data-testid="sync-retry">{view.retry}</span>}
          {counts.rejected > 0 && (
            <Badge count={counts.rejected} size="small" title={t('被拒收', 'Rejected')} />
          )}
          <UploadStatusSegment store={store} />
          {counts.pending === 0 &&
            s.uploadsWaiting === 0 &&
            s.lastSuccessAt &&
            s.phase === 'synced' && (
              <span style={{ color: '#8c8c8c' }}>{timeText(s.lastSuccessAt)}</span>
            )}
        </Space>
      </a>
    </Tooltip>
  );
}

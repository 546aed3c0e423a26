// Status-bar segment of the desk: offline / syncing / synced / error, with the pending count,
// the age of the oldest unsent item and the last success. Clicking opens the sync page.
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
import { ageText, timeText } from './format';
import { startSync } from './runtime';
import { syncStatusStore, type SyncPhase, type SyncStatusStore } from './status';
import { UploadStatusSegment } from './UploadProgress';

const COLORS: Record<SyncPhase, string> = {
  unconfigured: '#8c8c8c',
  offline: '#8c8c8c',
  syncing: '#1677ff',
  synced: '#52c41a',
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
}: {
  /** The status store to show (the app's engine's by default). */
  store?: SyncStatusStore;
}): ReactNode {
  const t = useT();
  const s = useStore(store);
  const now = useNow(15_000);
  useEffect(() => startSync(), []);

  const label: Record<SyncPhase, string> = {
    unconfigured: t('未登记', 'Not enrolled'),
    offline: t('离线', 'Offline'),
    syncing: t('同步中', 'Syncing'),
    synced: t('已同步', 'Synced'),
    error: t('同步错误', 'Sync error'),
  };
  const icon: Record<SyncPhase, ReactNode> = {
    unconfigured: <DisconnectOutlined />,
    offline: <DisconnectOutlined />,
    syncing: <CloudSyncOutlined spin />,
    synced: <CloudOutlined />,
    error: <WarningOutlined />,
  };
  const oldestAge = s.oldestPendingAt ? now - Date.parse(s.oldestPendingAt) : null;
  const tip = [
    s.lastError,
    s.lastSuccessAt
      ? t(`上次成功同步：${timeText(s.lastSuccessAt)}`, `Last sync: ${timeText(s.lastSuccessAt)}`)
      : t('尚未成功同步', 'Never synced'),
    s.pending > 0 && oldestAge !== null
      ? t(`最早一条已等待 ${ageText(oldestAge, t)}`, `Oldest waiting ${ageText(oldestAge, t)}`)
      : null,
    s.rejected > 0 ? t(`${s.rejected} 条被拒收`, `${s.rejected} rejected`) : null,
  ]
    .filter(Boolean)
    .join('；');

  return (
    <Tooltip title={tip}>
      <a
        href="#/sync"
        data-testid="sync-status"
        data-phase={s.phase}
        style={{ color: COLORS[s.phase], whiteSpace: 'nowrap' }}
      >
        <Space size={4}>
          {icon[s.phase]}
          <span>{label[s.phase]}</span>
          {s.pending > 0 && (
            <span data-testid="sync-pending">
              {t(`待发送 ${s.pending}`, `${s.pending} pending`)}
              {oldestAge !== null && oldestAge > 60_000 ? ` · ${ageText(oldestAge, t)}` : ''}
            </span>
          )}
          <UploadStatusSegment store={store} />
          {s.rejected > 0 && (
            <Badge count={s.rejected} size="small" title={t('被拒收', 'Rejected')} />
          )}
          {s.pending === 0 &&
            s.uploadsWaiting === 0 &&
            s.lastSuccessAt &&
            s.phase !== 'syncing' && (
              <span style={{ color: '#8c8c8c' }}>{timeText(s.lastSuccessAt)}</span>
            )}
        </Space>
      </a>
    </Tooltip>
  );
}

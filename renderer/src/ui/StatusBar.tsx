// Bottom status bar: the real number of changes not yet sent (the outbox) and the age of the
// oldest one, the link to the centre (sync segment; or the network being down), and the desk.
import { DisconnectOutlined } from '@ant-design/icons';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { outboxStats } from '../db/repo';
import { statusView } from '../sync/statusView';
import { useDeskConfig, useProfile } from '../desk/config';
import { type Tr, useT } from '../i18n';
import { lazyPage } from './lazyPage';

// The sync engine's segment comes with the sync chunk (loaded after the first page).
const SyncStatusIndicator = lazyPage(
  () => import('../sync/SyncStatusIndicator').then((m) => m.SyncStatusIndicator),
  'SyncStatusIndicator',
  { quiet: true },
);

function subscribeOnline(cb: () => void): () => void {
  window.addEventListener('online', cb);
  window.addEventListener('offline', cb);
  return () => {
    window.removeEventListener('online', cb);
    window.removeEventListener('offline', cb);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** Re-renders every `ms` so relative ages stay current. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The status view's inputs that the engine owns, before the sync chunk is loaded. */
const NO_ENGINE = {
  phase: 'unconfigured',
  nextAttemptAt: null,
  failedRounds: 0,
  lastError: null,
} as const;

export function formatAge(fromIso: string, now: number, t: Tr): string {
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (s < 60) return t('不到1分钟', 'under a minute');
  const m = Math.floor(s / 60);
  if (m < 60) return t(`${m}分钟`, `${m} min`);
  const h = Math.floor(m / 60);
  if (h < 48) return t(`${h}小时${m % 60}分钟`, `${h} h ${m % 60} min`);
  return t(`${Math.floor(h / 24)}天`, `${Math.floor(h / 24)} days`);
}

export function StatusBar() {
  const t = useT();
  const online = useOnline();
  const now = useNow();
  const stats = useLiveQuery(() => outboxStats(), []);
  const profile = useProfile();
  const cfg = useDeskConfig();
  const year = new Date().getFullYear();
  const calendarOk = cfg.calendar.hasYear(year);
  // One truth: the link (engine phase + network flag) is the sync segment's; the pending count
  // and its one oldest age come from the outbox here; nothing else speaks about the network.
  const view = statusView(NO_ENGINE, stats, online, now, t);
  return (
    <footer className="status-bar" role="status" aria-live="polite" data-testid="status-bar">
      {!online && (
        <span className="sb-offline" data-testid="net-state">
          <DisconnectOutlined /> {view.link.text}
        </span>
      )}
      <span data-testid="outbox-state">
        {view.pending ?? t('待上传：…', 'Unsent: …')}
        {stats && stats.rejected > 0 && (
          <a href="#/sync" className="sb-rejected">
            {' '}
            {t(`${stats.rejected} 条被中心退回`, `${stats.rejected} refused by the centre`)}
          </a>
        )}
      </span>
      {online && (
        <span>
          <SyncStatusIndicator {...(stats ? { outbox: stats } : {})} online={online} />
        </span>
      )}
      {!calendarOk && (
        <span className="sb-warn" role="alert">
          {t(
            `缺少${year}年节假日安排，办理时限按周一至周五暂估`,
            `The ${year} holiday calendar is missing: deadlines are provisional (Mon–Fri)`,
          )}
        </span>
      )}
      <span className="sb-right">
        {profile
          ? `${profile.hallCode}-${profile.deskCode} · ${profile.clerkName || t('未设置受理员', 'no clerk set')}`
          : t('受理台未设置', 'Desk not set up')}
      </span>
    </footer>
  );
}

// What the status bar says about the link to the centre, derived from one state: the sync
// engine's phase and retry schedule, the browser's own network flag, and the outbox's live counts.
// One connection text (never "网络在线" beside "离线"), one pending count with one oldest age, and
// the next retry while the centre cannot be reached.
import type { Tr } from '../i18n';
import { ageText } from './format';
import type { SyncPhase, SyncStatus } from './status';

export interface OutboxCounts {
  pending: number;
  oldestPendingAt: string | null;
  rejected: number;
}

export type LinkTone = 'ok' | 'busy' | 'off' | 'error';

export interface StatusView {
  /** The connection, in one phrase. */
  link: { phase: SyncPhase | 'no_network'; tone: LinkTone; text: string };
  /** Unsent changes: count and the age of the oldest (undefined while the outbox is read). */
  pending: string | undefined;
  /** When the engine tries again, and how many tries failed in a row (offline / error only). */
  retry: string | null;
}

export function statusView(
  sync: Pick<SyncStatus, 'phase' | 'nextAttemptAt' | 'failedRounds' | 'lastError'>,
  outbox: OutboxCounts | undefined,
  browserOnline: boolean,
  now: number,
  t: Tr,
): StatusView {
  const link: StatusView['link'] = !browserOnline
    ? {
        phase: 'no_network',
        tone: 'off',
        text: t(
          '离线：本机没有网络，受理照常，数据保存在本机',
          'Offline: no network here; intake continues, data is kept on this computer',
        ),
      }
    : sync.phase === 'unconfigured'
      ? {
          phase: 'unconfigured',
          tone: 'off',
          text: t('未登记到中心：数据保存在本机', 'Not enrolled: data is kept on this computer'),
        }
      : sync.phase === 'offline'
        ? {
            phase: 'offline',
            tone: 'off',
            text: t(
              '离线：连不上中心，受理照常，数据保存在本机',
              'Offline: the centre cannot be reached; intake continues, data is kept here',
            ),
          }
        : sync.phase === 'syncing'
          ? { phase: 'syncing', tone: 'busy', text: t('同步中', 'Syncing') }
          : sync.phase === 'synced'
            ? { phase: 'synced', tone: 'ok', text: t('已同步', 'Synced') }
            : {
                phase: 'error',
                tone: 'error',
                text: t('同步错误', 'Sync error') + (sync.lastError ? `：${sync.lastError}` : ''),
              };
  const pending =
    outbox === undefined
      ? undefined
      : outbox.pending === 0
        ? t('全部变更已上传', 'All changes sent')
        : outbox.oldestPendingAt
          ? t(
              `待上传 ${outbox.pending} 条，最早 ${ageText(now - Date.parse(outbox.oldestPendingAt), t)}前`,
              `${outbox.pending} unsent, oldest ${ageText(now - Date.parse(outbox.oldestPendingAt), t)} ago`,
            )
          : t(`待上传 ${outbox.pending} 条`, `${outbox.pending} unsent`);
  const retrying =
    browserOnline &&
    (sync.phase === 'offline' || sync.phase === 'error') &&
    sync.nextAttemptAt !== null &&
    (sync.failedRounds ?? 0) > 0;
  const retry = retrying
    ? t(
        `已试 ${sync.failedRounds} 次，${ageText(Math.max(0, sync.nextAttemptAt! - now), t)}后重试`,
        `${sync.failedRounds} tries, next in ${ageText(Math.max(0, sync.nextAttemptAt! - now), t)}`,
      )
    : null;
  return { link, pending, retry };
}

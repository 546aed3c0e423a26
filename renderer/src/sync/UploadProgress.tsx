// The attachment lane's progress for the clerk: scans uploaded of the backlog, bytes, the
// current rate and the time left (status bar, sync page), and one application's scans on its
// detail page with "上传优先" to move them to the front of the queue.
import { CloudUploadOutlined } from '@ant-design/icons';
import { Button, Progress, Space, Tag, Tooltip, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { useT, type Tr } from '../i18n';
import { ageText, bytesText, rateText, timeText } from './format';
import { getSyncEngine, syncDb } from './runtime';
import { syncStatusStore, type SyncStatusStore, type UploadProgress } from './status';
import { META, type UploadItem } from './store';

function stateText(u: UploadProgress, t: Tr): string {
  switch (u.state) {
    case 'uploading':
      return t('附件上传中', 'Uploading scans');
    case 'retrying':
      return t('连接中断，正在续传', 'Link dropped, resuming');
    case 'offline':
      return t('中心未应答，稍后续传', 'Centre not answering, will resume');
    case 'waitingHours':
      return u.resumeAt
        ? t(
            `按设定时段上传，${timeText(new Date(u.resumeAt).toISOString())} 开始`,
            `Outside upload hours, resumes ${timeText(new Date(u.resumeAt).toISOString())}`,
          )
        : t('按设定时段上传', 'Outside upload hours');
    case 'error':
      return u.lastError ?? t('附件上传失败', 'Upload failed');
    default:
      return t('附件等待上传', 'Scans waiting');
  }
}

/** One line: "附件 12/120 · 3.1/32.7 MB · 52 KB/s · 约 9 分钟". */
export function uploadSummary(u: UploadProgress, waiting: number, t: Tr): string {
  const total = Math.max(u.filesTotal, u.filesDone + waiting);
  const parts = [t(`附件 ${u.filesDone}/${total}`, `Scans ${u.filesDone}/${total}`)];
  if (u.bytesTotal > 0) parts.push(`${bytesText(u.bytesDone)}/${bytesText(u.bytesTotal)}`);
  if (u.state === 'uploading' && u.rateBytesPerSec) parts.push(rateText(u.rateBytesPerSec));
  if (u.state === 'uploading' && u.etaMs !== null)
    parts.push(t(`约 ${ageText(u.etaMs, t)}`, `~${ageText(u.etaMs, t)} left`));
  return parts.join(' · ');
}

/** The status bar's segment: shown while scans wait (never "待发送 0" with scans waiting). */
export function UploadStatusSegment({ store = syncStatusStore }: { store?: SyncStatusStore }) {
  const t = useT();
  const s = useStore(store);
  if (s.uploadsWaiting === 0 && s.uploads.state === 'idle') return null;
  return (
    <Tooltip title={stateText(s.uploads, t)}>
      <span data-testid="sync-uploads" data-state={s.uploads.state}>
        <CloudUploadOutlined /> {uploadSummary(s.uploads, s.uploadsWaiting, t)}
      </span>
    </Tooltip>
  );
}

/** The sync page's card body: a progress bar with rate and time left. */
export function UploadProgressView({ store = syncStatusStore }: { store?: SyncStatusStore }) {
  const t = useT();
  const s = useStore(store);
  const u = s.uploads;
  if (s.uploadsWaiting === 0 && u.state === 'idle') return null;
  const pct = u.bytesTotal > 0 ? Math.floor((u.bytesDone / u.bytesTotal) * 100) : 0;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="upload-progress">
      <Typography.Text>{stateText(u, t)}</Typography.Text>
      <Progress percent={pct} status={u.state === 'error' ? 'exception' : 'active'} />
      <Typography.Text type="secondary">{uploadSummary(u, s.uploadsWaiting, t)}</Typography.Text>
    </Space>
  );
}

/**
 * One application's scans on its detail page: how many are at the centre, how many wait, and
 * a button that moves them to the front of the upload queue.
 */
export function ApplicationUploads({ applicationId }: { applicationId: string }): ReactNode {
  const t = useT();
  const db = syncDb();
  const info = useLiveQuery(async () => {
    if (!db) return null;
    const [total, waitingRows, first] = await Promise.all([
      db.attachments.where('applicationId').equals(applicationId).count(),
      db.meta.where('key').startsWith(META.uploadPrefix).toArray(),
      db.meta.get(META.uploadFirst),
    ]);
    const waiting = waitingRows
      .map((r) => r.value as UploadItem)
      .filter((u) => u.applicationId === applicationId && !u.error);
    return {
      total,
      waiting: waiting.length,
      waitingBytes: waiting.reduce((n, w) => n + w.size, 0),
      first: first?.value === applicationId,
    };
  }, [db, applicationId]);
  const s = useStore(syncStatusStore);
  if (!info || info.total === 0 || info.waiting === 0) return null;
  const current = s.uploads.currentApplicationId === applicationId;
  return (
    <Space wrap data-testid="app-uploads">
      <Tag color={current ? 'processing' : 'default'}>
        {t(
          `附件已上传 ${info.total - info.waiting}/${info.total}`,
          `Scans uploaded ${info.total - info.waiting}/${info.total}`,
        )}
      </Tag>
      <Typography.Text type="secondary">
        {t(`待传 ${bytesText(info.waitingBytes)}`, `${bytesText(info.waitingBytes)} to go`)}
        {current && s.uploads.rateBytesPerSec
          ? ` · ${rateText(s.uploads.rateBytesPerSec)}` +
            (s.uploads.rateBytesPerSec > 0
              ? ` · ${t('约', '~')}${ageText((info.waitingBytes / s.uploads.rateBytesPerSec) * 1000, t)}`
              : '')
          : ''}
      </Typography.Text>
      {!info.first && (
        <Button
          size="small"
          data-testid="upload-first"
          onClick={() => void getSyncEngine()?.uploadFirst(applicationId)}
        >
          {t('优先上传本件附件', 'Upload these scans first')}
        </Button>
      )}
      {info.first && <Tag color="blue">{t('已设为优先上传', 'Uploading first')}</Tag>}
    </Space>
  );
}

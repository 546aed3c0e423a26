// The sync page (#/sync): state and "sync now", a progress bar for large backlogs, the outbox
// with each item's state and error, parked (rejected) items with retry / discard, conflict
// notes, and the endpoint with enrollment.
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Popconfirm,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { OutboxEntry } from '../../../shared/domain/model';
import { useT } from '../i18n';
import { publicEnrollment } from './credentials';
import { enrollHint } from '../desk/FirstStart';
import { EnrollmentForm } from './EnrollmentForm';
import { ageText, timeText } from './format';
import { getSyncEngine, startSync, syncDb } from './runtime';
import { syncStatusStore, type SyncStatusStore } from './status';
import { readNotes, wirePayload } from './store';
import { UploadProgressView } from './UploadProgress';

const ENTITY_LABEL: Record<OutboxEntry['entity'], [string, string]> = {
  application: ['受理申请', 'Application'],
  feedback: ['意见反馈', 'Feedback'],
  attachment: ['附件', 'Attachment'],
  queue_event: ['排队记录', 'Queue event'],
  supervision_note: ['表彰/纠错', 'Commendation / correction'],
};

function describe(e: OutboxEntry): string {
  const p = wirePayload(e) as { appNo?: string; feedbackNo?: string; fileName?: string };
  return p?.appNo ?? p?.feedbackNo ?? p?.fileName ?? e.entityId.slice(0, 8);
}

export function SyncPanel({
  store = syncStatusStore,
  query,
}: {
  /** The status store to show (the app's engine's by default). */
  store?: SyncStatusStore;
  /** The route's query: `npm start` passes the centre's address and the hall (?centre=&hall=). */
  query?: URLSearchParams;
}): ReactNode {
  const hint = enrollHint(query);
  const t = useT();
  const s = useStore(store);
  const [reenroll, setReenroll] = useState(false);
  useEffect(() => startSync(), []);
  const db = syncDb();

  const enrollment = useLiveQuery(
    async () => (db ? ((await publicEnrollment(db)) ?? false) : false),
    [db],
  );
  const unsent = useLiveQuery(
    async () =>
      db
        ? (await db.outbox.where('state').anyOf('pending', 'sending').limit(200).toArray()).sort(
            (a, b) => a.seq - b.seq,
          )
        : [],
    [db],
  );
  const rejected = useLiveQuery(
    async () => (db ? db.outbox.where('state').equals('rejected').toArray() : []),
    [db],
  );
  const notes = useLiveQuery(async () => (db ? readNotes(db) : []), [db]);
  const [busy, setBusy] = useState(false);

  const engine = getSyncEngine();
  const phaseTag = {
    unconfigured: <Tag>{t('未登记', 'Not enrolled')}</Tag>,
    offline: <Tag>{t('离线', 'Offline')}</Tag>,
    syncing: <Tag color="processing">{t('同步中', 'Syncing')}</Tag>,
    synced: <Tag color="success">{t('已同步', 'Synced')}</Tag>,
    error: <Tag color="error">{t('同步错误', 'Sync error')}</Tag>,
  }[s.phase];
  const stateTag = (e: OutboxEntry) =>
    e.state === 'sending' ? (
      <Tag color="processing">{t('发送中', 'Sending')}</Tag>
    ) : e.state === 'rejected' ? (
      <Tag color="error">{t('被拒收', 'Rejected')}</Tag>
    ) : (
      <Tag>{t('待发送', 'Pending')}</Tag>
    );
  const now = Date.now();
  const progress = s.progress;
  const showProgress = progress !== null && progress.total >= 20;

  return (
    <Space
      direction="vertical"
      size="middle"
      style={{ width: '100%', padding: 16 }}
      data-testid="sync-panel"
    >
      <Card
        title={t('数据同步', 'Sync')}
        extra={
          <Button
            type="primary"
            loading={busy || s.phase === 'syncing'}
            disabled={!enrollment}
            data-testid="sync-now"
            onClick={() => {
              setBusy(true);
              void (engine?.syncNow() ?? Promise.resolve()).finally(() => setBusy(false));
            }}
          >
            {t('立即同步', 'Sync now')}
          </Button>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('状态', 'State')}>{phaseTag}</Descriptions.Item>
          <Descriptions.Item label={t('待发送', 'Pending')}>
            <span data-testid="sync-panel-pending">{s.pending}</span>
            {s.oldestPendingAt &&
              t(
                `（最早 ${ageText(now - Date.parse(s.oldestPendingAt), t)}前）`,
                ` (oldest ${ageText(now - Date.parse(s.oldestPendingAt), t)} ago)`,
              )}
          </Descriptions.Item>
          <Descriptions.Item label={t('上次成功', 'Last success')}>
            {s.lastSuccessAt ? timeText(s.lastSuccessAt) : t('从未', 'Never')}
          </Descriptions.Item>
        </Descriptions>
        {s.lastError && s.phase !== 'synced' && (
          <Alert type={s.phase === 'offline' ? 'info' : 'warning'} showIcon message={s.lastError} />
        )}
        {showProgress && (
          <Progress
            data-testid="sync-progress"
            percent={Math.floor((progress.done / Math.max(1, progress.total)) * 100)}
            format={() => `${progress.done} / ${progress.total}`}
          />
        )}
        <UploadProgressView store={store} />
      </Card>

      {rejected && rejected.length > 0 && (
        <Card title={t(`被中心拒收（${rejected.length}）`, `Rejected (${rejected.length})`)}>
          <Table<OutboxEntry>
            size="small"
            rowKey="seq"
            pagination={false}
            dataSource={rejected}
            columns={[
              { title: t('类型', 'Type'), render: (_, e) => t(...ENTITY_LABEL[e.entity]) },
              { title: t('编号', 'Number'), render: (_, e) => describe(e) },
              {
                title: t('原因', 'Reason'),
                render: (_, e) => (
                  <Typography.Text type="danger">{e.lastError ?? ''}</Typography.Text>
                ),
              },
              {
                title: t('操作', 'Actions'),
                render: (_, e) => (
                  <Space>
                    <Button size="small" onClick={() => void engine?.retryRejected(e.seq)}>
                      {t('重新发送', 'Retry')}
                    </Button>
                    <Popconfirm
                      title={t('放弃这条修改？', 'Discard this change?')}
                      description={t(
                        '放弃后这条修改不会再发送到中心，本机将以中心的记录为准。',
                        'It will never be sent; the desk takes the centre’s record.',
                      )}
                      okText={t('放弃', 'Discard')}
                      cancelText={t('取消', 'Cancel')}
                      okButtonProps={{ danger: true }}
                      onConfirm={() => engine?.discardRejected(e.seq)}
                    >
                      <Button size="small" danger>
                        {t('放弃', 'Discard')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      )}

      {notes && notes.length > 0 && (
        <Card title={t('中心已受理，本机修改未采用', 'Centre took over: local edits not applied')}>
          <Table
            size="small"
            rowKey="id"
            pagination={{ pageSize: 10 }}
            dataSource={notes}
            columns={[
              { title: t('时间', 'Time'), render: (_, n) => timeText(n.at) },
              { title: t('申请编号', 'Application'), render: (_, n) => n.appNo ?? n.entityId },
              {
                title: t('未采用的内容', 'Not applied'),
                render: (_, n) => n.notApplied.join('、'),
              },
              { title: t('说明', 'Reason'), render: (_, n) => n.reason },
            ]}
          />
        </Card>
      )}

      <Card title={t(`待发送（${s.pending}）`, `Waiting to send (${s.pending})`)}>
        {unsent && unsent.length > 0 ? (
          <Table<OutboxEntry>
            size="small"
            rowKey="seq"
            dataSource={unsent}
            pagination={{ pageSize: 20 }}
            columns={[
              { title: '#', dataIndex: 'seq' },
              { title: t('类型', 'Type'), render: (_, e) => t(...ENTITY_LABEL[e.entity]) },
              { title: t('编号', 'Number'), render: (_, e) => describe(e) },
              { title: t('状态', 'State'), render: (_, e) => stateTag(e) },
              {
                title: t('尝试次数', 'Attempts'),
                // Pushes made with this entry, and while the centre cannot be reached the rounds
                // that failed in a row (each tried it, though none got as far as a push).
                render: (_, e) =>
                  (s.phase === 'offline' || s.phase === 'error') && s.failedRounds > 0
                    ? t(
                        `${e.attempts}（连续 ${s.failedRounds} 轮未连通）`,
                        `${e.attempts} (${s.failedRounds} rounds failed in a row)`,
                      )
                    : e.attempts,
              },
              {
                title: t('等待', 'Waiting'),
                render: (_, e) => ageText(now - Date.parse(e.createdAt), t),
              },
              { title: t('错误', 'Error'), render: (_, e) => e.lastError ?? '' },
            ]}
          />
        ) : (
          <Empty description={t('没有待发送的数据', 'Nothing waiting')} />
        )}
      </Card>

      <Card title={t('中心与登记', 'Endpoint and enrollment')}>
        {enrollment && !reenroll ? (
          <Space direction="vertical">
            <Descriptions size="small" column={1}>
              <Descriptions.Item label={t('中心地址', 'Endpoint')}>
                {enrollment.endpoint}
              </Descriptions.Item>
              <Descriptions.Item label={t('营业厅', 'Hall')}>
                {enrollment.hallName
                  ? `${enrollment.hallName}（${enrollment.hallCode}）`
                  : enrollment.hallCode}
              </Descriptions.Item>
              <Descriptions.Item label={t('本机', 'Device')}>
                {enrollment.deviceName ?? ''} {enrollment.deviceId}
              </Descriptions.Item>
            </Descriptions>
            <Popconfirm
              title={t('重新登记本机？', 'Enroll again?')}
              description={t(
                '未发送的数据会保留，登记后继续发送。',
                'Unsent data is kept and sent after enrolling.',
              )}
              okText={t('重新登记', 'Enroll again')}
              cancelText={t('取消', 'Cancel')}
              onConfirm={() => setReenroll(true)}
            >
              <Button>{t('重新登记', 'Enroll again')}</Button>
            </Popconfirm>
          </Space>
        ) : (
          <EnrollmentForm
            {...(enrollment
              ? { initialEndpoint: enrollment.endpoint }
              : hint.centre
                ? { initialEndpoint: hint.centre }
                : {})}
            {...(hint.hall && !enrollment ? { hallHint: hint.hall } : {})}
            onDone={() => setReenroll(false)}
          />
        )}
      </Card>
    </Space>
  );
}

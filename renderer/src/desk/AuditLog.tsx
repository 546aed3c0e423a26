// The access audit trail on screen (PIPL Art. 51): the collapsible 访问记录 of one application
// (detail page), the 审计日志 card of the settings page, and the hook that records a view.
import { Button, Card, Collapse, Empty, Table, Tag, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import {
  type AuditAction,
  type AuditEntry,
  type AuditInput,
  listAudit,
  listAuditFor,
  maskSensitive,
  recordAccess,
} from '../db/audit';
import { AUDIT_ACTION_LABELS } from '../../../shared/protocol';
import { useT } from '../i18n';
import { useDeskConfig } from './config';
import { formatDateTime } from './Receipt';

const ACTION_COLORS: Partial<Record<AuditAction, string>> = {
  create: 'green',
  update: 'blue',
  print: 'purple',
  export: 'orange',
};

function ActionTag(props: { action: AuditAction }) {
  const t = useT();
  const [zh, en] = AUDIT_ACTION_LABELS[props.action] ?? [props.action, props.action];
  return <Tag color={ACTION_COLORS[props.action]}>{t(zh, en)}</Tag>;
}

// React's development double-mount (and a quick re-render with the same record) must not log
// the same view twice: one row per record and action within a few seconds.
const recent = new Map<string, number>();
const DEDUPE_MS = 3000;

/** Records `action` (default view) on `entityId` once when the page shows it. */
export function useRecordAccess(
  input: (Omit<AuditInput, 'actor' | 'action' | 'at'> & { action?: AuditAction }) | null,
): void {
  const key = input ? `${input.action ?? 'view'}|${input.entityId}|${input.detail ?? ''}` : '';
  useEffect(() => {
    if (!input || !key) return;
    const now = Date.now();
    const last = recent.get(key);
    if (last !== undefined && now - last < DEDUPE_MS) return;
    recent.set(key, now);
    void recordAccess({ ...input, action: input.action ?? 'view' });
    // Only the identity of what is shown matters; the label is stable for one record.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** 访问记录: who accepted, changed, viewed or printed this application, newest first. */
export function AccessLog(props: { entityId: string }) {
  const t = useT();
  const rows = useLiveQuery(() => listAuditFor(props.entityId, 200), [props.entityId]);
  const list = rows ?? [];
  return (
    <Collapse
      size="small"
      style={{ marginTop: 12 }}
      data-testid="access-log"
      items={[
        {
          key: 'log',
          label: `${t('访问记录', 'Access log')} (${list.length})`,
          children:
            list.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('暂无记录', 'None')} />
            ) : (
              <div data-testid="access-log-rows">
                {list.map((r) => (
                  <div
                    key={r.id}
                    data-testid="access-log-row"
                    data-action={r.action}
                    style={{ padding: '2px 0' }}
                  >
                    <Typography.Text type="secondary">{formatDateTime(r.at)}</Typography.Text>{' '}
                    <ActionTag action={r.action} /> {r.actor || t('（未设置受理员）', '(no clerk)')}
                    {r.detail ? ` · ${maskSensitive(r.detail)}` : ''}
                  </div>
                ))}
              </div>
            ),
        },
      ]}
    />
  );
}

const PAGE_SIZE = 50;
const MAX_ROWS = 200;

/** 审计日志: the latest 200 entries of this desk, 50 a page; labels are masked. */
export function AuditLogCard() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [page, setPage] = useState(1);
  const data = useLiveQuery(
    () =>
      open
        ? listAudit({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
        : Promise.resolve(null),
    [open, page],
  );
  const total = Math.min(MAX_ROWS, data?.total ?? 0);
  const days = useDeskConfig().settings.retention.auditDays;
  return (
    <Card
      size="small"
      title={t('审计日志', 'Audit log')}
      style={{ marginBottom: 16 }}
      data-testid="audit-log"
      extra={
        <Button size="small" onClick={() => setOpen((o) => !o)} data-testid="audit-log-toggle">
          {open ? t('收起', 'Hide') : t('显示最近200条', 'Show latest 200')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: open ? 8 : 0 }}>
        {t(
          `记录本受理台对个人信息的受理、修改、查看、打印和导出（个人信息保护法第五十一条）。登记到中心后随同步上传中心留存；本机保留 ${days} 天（不随个人信息清理，未上传的不清理）。`,
          `Records who accepted, changed, viewed, printed or exported personal data on this desk (PIPL Art. 51). Once enrolled, it is uploaded to the centre with each sync; kept here ${days} days (not removed with the personal data, never before it is uploaded).`,
        )}
      </Typography.Paragraph>
      {open && (
        <Table<AuditEntry>
          size="small"
          rowKey={(r) => String(r.id)}
          loading={data === undefined}
          dataSource={data?.rows ?? []}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total,
            showSizeChanger: false,
            onChange: setPage,
          }}
          columns={[
            {
              title: t('时间', 'Time'),
              dataIndex: 'at',
              width: 170,
              render: (v: string) => formatDateTime(v),
            },
            { title: t('受理员', 'Clerk'), dataIndex: 'actor', width: 100 },
            {
              title: t('操作', 'Action'),
              dataIndex: 'action',
              width: 100,
              render: (v: AuditAction) => <ActionTag action={v} />,
            },
            {
              title: t('对象', 'Record'),
              dataIndex: 'label',
              render: (v: string) => maskSensitive(v),
            },
            {
              title: t('说明', 'Detail'),
              dataIndex: 'detail',
              render: (v: string | undefined) => (v ? maskSensitive(v) : ''),
            },
          ]}
        />
      )}
    </Card>
  );
}

// 工作监督 → 排队叫号 on the desk (issue 13 §3): each clerk's queue work for the range, from the
// hall queue service (closed days it keeps, plus today): customers called and served, no-shows,
// handling time (call → finish), their customers' wait (ticket → call), ratings and the reasons
// of bad ones. Tickets served with nobody signed in show as 未记录.
import { Alert, Card, Table } from 'antd';
import { useEffect, useState } from 'react';
import { HALL_PATHS, type StaffFiguresResponse } from '../../../shared/queue';
import { avgMs, type ClerkQueueFigures } from '../../../shared/staff/queueFigures';
import { activeDb } from '../db/db';
import { tr, useT } from '../i18n';
import { HallApiError, hallRequest } from '../queue/client';
import { loadDirectory } from './local';

const minutes = (ms: number) => (ms ? (ms / 60_000).toFixed(1) : '—');

export function QueueFiguresSection(props: { from: string; to: string }) {
  const t = useT();
  const [rows, setRows] = useState<Array<ClerkQueueFigures & { name: string }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    const q = new URLSearchParams({ from: props.from, to: props.to });
    void Promise.all([
      hallRequest<StaffFiguresResponse>(`${HALL_PATHS.staffFigures}?${q.toString()}`, {
        auth: 'counter',
      }),
      loadDirectory(activeDb()),
    ])
      .then(([r, dir]) => {
        const names = new Map((dir?.staff ?? []).map((s) => [s.staffNo, s.name]));
        if (live)
          setRows(
            r.clerks.map((f) => ({
              ...f,
              name: f.staffNo ? (names.get(f.staffNo) ?? '') : tr('未记录', 'Not recorded'),
            })),
          );
      })
      .catch((e: unknown) => {
        if (!live) return;
        setRows([]);
        setError(
          e instanceof HallApiError
            ? e.message
            : tr('无法读取排队数据', 'Could not read the queue figures'),
        );
      });
    return () => {
      live = false;
    };
  }, [props.from, props.to]);
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={t('排队叫号（按受理员）', 'Queue work per clerk')}
      data-testid="supervision-queue"
    >
      {error && <Alert type="warning" showIcon title={error} style={{ marginBottom: 8 }} />}
      <Table<ClerkQueueFigures & { name: string }>
        size="small"
        loading={rows === null}
        pagination={false}
        rowKey={(f) => f.staffNo ?? '-'}
        dataSource={rows ?? []}
        columns={[
          {
            title: t('工号', 'Staff no.'),
            render: (_: unknown, f) => f.staffNo ?? t('未记录', 'Not recorded'),
          },
          { title: t('姓名', 'Name'), dataIndex: 'name' },
          { title: t('叫号', 'Called'), dataIndex: 'called', align: 'right' },
          { title: t('服务', 'Served'), dataIndex: 'served', align: 'right' },
          { title: t('过号', 'No-shows'), dataIndex: 'noShows', align: 'right' },
          {
            title: t('平均办理(分)', 'Avg handling (min)'),
            align: 'right',
            render: (_: unknown, f) => minutes(avgMs(f.handlingMsSum, f.handlingN)),
          },
          {
            title: t('客户平均等候(分)', 'Avg customer wait (min)'),
            align: 'right',
            render: (_: unknown, f) => minutes(avgMs(f.waitMsSum, f.waitN)),
          },
          { title: t('评价', 'Rated'), dataIndex: 'rated', align: 'right' },
          { title: t('差评', 'Bad'), dataIndex: 'badRatings', align: 'right' },
          {
            title: t('差评原因', 'Reasons'),
            render: (_: unknown, f) =>
              Object.entries(f.badReasons)
                .map(([k, v]) => `${k}×${v}`)
                .join('；'),
          },
        ]}
      />
    </Card>
  );
}

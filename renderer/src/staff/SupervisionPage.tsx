// 工作监督 on the desk: the hall manager's per-clerk figures for a range (this month by default),
// from the desk's own data, with a drill-down to the applications behind a clerk's row and the
// XLSX export. Needs supervision.hall.
import { Button, Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import type { Figures } from '../../../shared/staff/supervision';
import { activeDb } from '../db/db';
import { localDate } from '../db/search';
import { useT } from '../i18n';
import { Link } from '../ui/router';
import { RequirePermission } from './Guard';
import { deskSupervision, supervisionXlsx } from './supervisionData';

export function SupervisionPage() {
  const t = useT();
  return (
    <div>
      <Typography.Title level={3}>{t('工作监督', 'Supervision')}</Typography.Title>
      <RequirePermission need="supervision.hall" what={t('工作监督', 'Supervision')}>
        <SupervisionBody />
      </RequirePermission>
    </div>
  );
}

function SupervisionBody() {
  const t = useT();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const [data, setData] = useState<{ clerks: Figures[]; hall: Figures } | null>(null);
  const [open, setOpen] = useState<Figures | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  useEffect(() => {
    let live = true;
    void deskSupervision(activeDb(), from, to, localDate()).then((d) => {
      if (live) setData(d);
    });
    return () => {
      live = false;
    };
  }, [from, to]);
  const rows = data ? [...data.clerks, data.hall] : [];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
        <Button
          data-testid="supervision-export"
          disabled={!data}
          onClick={async () => {
            if (!data) return;
            const blob = await supervisionXlsx('本厅', from, to, data);
            const a = document.createElement('a');
            a.href = URL.createObjectURL(blob);
            a.download = `工作监督-${from}-${to}.xlsx`;
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
          }}
        >
          {t('导出 XLSX', 'Export XLSX')}
        </Button>
      </Space>
      <Table<Figures>
        size="small"
        data-testid="supervision-table"
        loading={!data}
        pagination={false}
        rowKey={(f) => f.staffNo ?? '-'}
        dataSource={rows}
        onRow={(f) => ({ onClick: () => setOpen(f), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('工号', 'Staff no.'),
            render: (_: unknown, f) =>
              f.staffNo === '*' ? t('合计', 'Total') : (f.staffNo ?? t('未记录', 'Not recorded')),
          },
          { title: t('姓名', 'Name'), dataIndex: 'name' },
          { title: t('受理', 'Accepted'), dataIndex: 'accepted', align: 'right' },
          { title: t('忽略提示受理', 'Past warnings'), dataIndex: 'overridden', align: 'right' },
          { title: t('驳回', 'Returned'), dataIndex: 'returned', align: 'right' },
          {
            title: t('后补未交', 'Promised, missing'),
            dataIndex: 'promisedOutstanding',
            align: 'right',
          },
          { title: t('超期', 'Overdue'), dataIndex: 'overdue', align: 'right' },
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
      {open && (
        <Card
          size="small"
          style={{ marginTop: 12 }}
          title={`${open.name} · ${t('明细', 'Records')} (${open.ids.length})`}
          data-testid="supervision-drill"
        >
          <Space wrap>
            {open.ids.slice(0, 200).map((id) => (
              <Link key={id} to={`/desk/app/${id}`}>
                {id.slice(0, 8)}
              </Link>
            ))}
          </Space>
        </Card>
      )}
    </>
  );
}

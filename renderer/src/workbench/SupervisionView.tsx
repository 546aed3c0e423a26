// 工作监督 at the centre (workbench, #/workbench/supervision): every hall in the operator's scope
// from GET /api/v1/admin/supervision (counted in SQL at the centre), per hall a table whose every
// figure opens the records behind it (GET /api/v1/admin/supervision/records, keyset pages), the
// ranking and trend charts (lazy ECharts), the hall's commendations and corrections, and the XLSX.
import { Button, Card, DatePicker, Empty, Select, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import type { SupervisionNote } from '../../../shared/staff/notes';
import { staffPaths } from '../../../shared/staff/directory';
import type { FigureKey, Figures } from '../../../shared/staff/supervision';
import { useT } from '../i18n';
import { lazyPage } from '../ui/lazyPage';
import { FIGURE_COLUMNS, staffKey } from '../staff/figureColumns';
import type { DrillTarget } from '../staff/SupervisionCharts';
import { supervisionXlsx } from '../staff/supervisionXlsx';
import { ApiError, savedToken } from './api';
import { CentreNotes } from './SupervisionNotesCentre';

const SupervisionCharts = lazyPage(
  () => import('../staff/SupervisionCharts').then((m) => m.default),
  'SupervisionCharts',
  { quiet: true },
);

interface HallSupervision {
  hallCode: string;
  hallName: string;
  clerks: Figures[];
  hall: Figures;
  notes: SupervisionNote[];
}

interface SupervisionRecord {
  id: string;
  appNo: string;
  businessCode: string | null;
  status: string;
  acceptedAt: string;
  staffNo: string | null;
  customerName: string | null;
}

async function get<T>(path: string): Promise<T> {
  const token = savedToken();
  const res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const json = (await res.json().catch(() => null)) as
    (T & { error?: { code: string; message: string } }) | null;
  if (!res.ok)
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'E_HTTP',
      json?.error?.message ?? `HTTP ${res.status}`,
    );
  return json as T;
}

export function SupervisionView(props: { onError: (e: unknown) => void }) {
  const t = useT();
  const { onError } = props;
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const [hall, setHall] = useState<string | undefined>();
  const [data, setData] = useState<{ halls: HallSupervision[] } | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  useEffect(() => {
    let live = true;
    setData(null);
    const q = new URLSearchParams({ from, to, ...(hall ? { hall } : {}) });
    get<{ halls: HallSupervision[] }>(`${staffPaths.adminSupervision}?${q}`)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && onError(e));
    return () => {
      live = false;
    };
  }, [from, to, hall, onError]);
  return (
    <div data-testid="wb-supervision">
      <Typography.Title level={4}>{t('工作监督', 'Supervision')}</Typography.Title>
      <Space style={{ marginBottom: 12 }} wrap>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('全部营业厅', 'Every hall')}
          value={hall}
          onChange={(v: string | undefined) => setHall(v)}
          options={(data?.halls ?? []).map((h) => ({
            value: h.hallCode,
            label: `${h.hallCode} ${h.hallName}`,
          }))}
        />
      </Space>
      {!data ? (
        <Card loading />
      ) : data.halls.length === 0 ? (
        <Empty />
      ) : (
        data.halls.map((h) => (
          <HallCard key={h.hallCode} h={h} from={from} to={to} onError={onError} />
        ))
      )}
    </div>
  );
}

function HallCard(props: {
  h: HallSupervision;
  from: string;
  to: string;
  onError: (e: unknown) => void;
}) {
  const t = useT();
  const { h, from, to } = props;
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  // Edits and withdrawals answered by the centre replace the note here.
  const [notes, setNotes] = useState(h.notes);
  useEffect(() => setNotes(h.notes), [h.notes]);
  const rows = [...h.clerks, h.hall];
  const cell = (figure: FigureKey) => (v: number, f: Figures) => (
    <a
      data-testid={`wb-sup-${h.hallCode}-${staffKey(f.staffNo)}-${figure}`}
      onClick={() => setDrill({ staffNo: f.staffNo, figure })}
    >
      {v}
    </a>
  );
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid={`wb-sup-hall-${h.hallCode}`}
      title={`${h.hallCode} ${h.hallName}`}
      extra={
        <Button
          size="small"
          onClick={async () => {
            // A withdrawn note no longer stands: left out of the form sent upward.
            const standing = notes.filter((n) => !n.withdrawnAt);
            const blob = await supervisionXlsx(h.hallCode, from, to, h, standing);
            const a = document.createElement('a');
            a.href = URL.createObjectURL(blob);
            a.download = `工作监督-${h.hallCode}-${from}-${to}.xlsx`;
            a.click();
            setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
          }}
        >
          {t('导出 XLSX', 'Export XLSX')}
        </Button>
      }
    >
      <Table<Figures>
        size="small"
        pagination={false}
        rowKey={(f) => staffKey(f.staffNo)}
        dataSource={rows}
        columns={[
          {
            title: t('工号', 'Staff no.'),
            render: (_: unknown, f) =>
              f.staffNo === '*' ? t('合计', 'Total') : (f.staffNo ?? t('未记录', 'Not recorded')),
          },
          { title: t('姓名', 'Name'), dataIndex: 'name' },
          ...FIGURE_COLUMNS.map((c) => ({
            title: t(c.zh, c.en),
            dataIndex: c.figure,
            align: 'right' as const,
            render: cell(c.figure),
          })),
          {
            title: t('退回原因', 'Return reasons'),
            render: (_: unknown, f: Figures) =>
              Object.entries(f.returnReasons)
                .map(([k, v]) => `${k}×${v}`)
                .join('；'),
          },
        ]}
      />
      {drill && (
        <Records hallCode={h.hallCode} from={from} to={to} drill={drill} onError={props.onError} />
      )}
      {h.hall.accepted > 0 && (
        <div style={{ marginTop: 12 }}>
          <SupervisionCharts
            clerks={h.clerks}
            hall={h.hall}
            from={from}
            to={to}
            selected={drill && drill.staffNo !== '*' ? drill.staffNo : undefined}
            onDrill={setDrill}
          />
        </div>
      )}
      {notes.length > 0 && (
        <CentreNotes
          notes={notes}
          onChanged={(n) => setNotes((all) => all.map((x) => (x.id === n.id ? n : x)))}
        />
      )}
    </Card>
  );
}

function Records(props: {
  hallCode: string;
  from: string;
  to: string;
  drill: DrillTarget;
  onError: (e: unknown) => void;
}) {
  const t = useT();
  const { hallCode, from, to, drill, onError } = props;
  const [rows, setRows] = useState<SupervisionRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const load = useCallback(
    async (after: string | null) => {
      // A trend point (one day) narrows the range to that day.
      const q = new URLSearchParams({
        hall: hallCode,
        from: drill.day ?? from,
        to: drill.day ?? to,
        figure: drill.figure,
        ...(drill.staffNo === '*' ? {} : { staff: drill.staffNo ?? '-' }),
        ...(after ? { after } : {}),
      });
      try {
        const r = await get<{ records: SupervisionRecord[]; next: string | null }>(
          `${staffPaths.adminSupervisionRecords}?${q}`,
        );
        setRows((old) => (after ? [...old, ...r.records] : r.records));
        setNext(r.next);
      } catch (e) {
        onError(e);
      }
    },
    [hallCode, from, to, drill, onError],
  );
  useEffect(() => {
    void load(null);
  }, [load]);
  const col = FIGURE_COLUMNS.find((c) => c.figure === drill.figure)!;
  return (
    <Card
      size="small"
      style={{ marginTop: 12 }}
      data-testid="wb-sup-drill"
      title={`${drill.staffNo === '*' ? t('全厅', 'Hall') : (drill.staffNo ?? t('未记录', 'Not recorded'))} · ${t(col.zh, col.en)}${drill.day ? ` · ${drill.day}` : ''}`}
    >
      <Table<SupervisionRecord>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('申请编号', 'Number'),
            render: (_: unknown, r) => (
              <a href={`#/workbench/app/${r.id}`} data-testid="wb-drill-row">
                {r.appNo}
              </a>
            ),
          },
          { title: t('客户', 'Customer'), dataIndex: 'customerName' },
          { title: t('业务', 'Business'), dataIndex: 'businessCode' },
          { title: t('状态', 'Status'), dataIndex: 'status' },
          {
            title: t('受理时间', 'Accepted'),
            render: (_: unknown, r) => dayjs(r.acceptedAt).format('MM-DD HH:mm'),
          },
          { title: t('工号', 'Staff no.'), dataIndex: 'staffNo' },
        ]}
      />
      {next && (
        <Button style={{ marginTop: 8 }} onClick={() => void load(next)}>
          {t('更多', 'More')}
        </Button>
      )}
    </Card>
  );
}

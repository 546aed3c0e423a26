// 工作监督 on the desk: the hall manager's per-clerk figures for a range (this month by default),
// from the desk's own data; every figure opens the records behind it (table cells and the
// charts), ranking and trend charts (ECharts, own chunk, after the first figures), commendations
// and corrections, and the XLSX export. Needs supervision.hall.
import { Button, Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { hallDateTime } from '../../../shared/domain/hallTime';
import { deskTimeZone } from '../db/hallZone';
import { useEffect, useState } from 'react';
import type { Application } from '../../../shared/domain/model';
import type { FigureKey, Figures } from '../../../shared/staff/supervision';
import { activeDb } from '../db/db';
import { localDate } from '../db/search';
import { useDeskConfig, useProfile } from '../desk/config';
import { pick, useLang, useT } from '../i18n';
import { lazyPage } from '../ui/lazyPage';
import { Link } from '../ui/router';
import { FIGURE_COLUMNS, staffKey } from './figureColumns';
import { RequirePermission, useMay } from './Guard';
import { listNotes } from './notes';
import { QueueFiguresSection } from './QueueFiguresSection';
import type { DrillTarget } from './SupervisionCharts';
import { NotesPanel, type NoteDraft } from './SupervisionNotes';
import {
  deskSupervision,
  drillRecords,
  supervisionRecords,
  type DeskSupervision,
  type SupervisionRecords,
} from './supervisionData';
import { defaultPeriod, takePrefetched } from './supervisionPrefetch';
import { supervisionXlsx } from './supervisionXlsx';

const SupervisionCharts = lazyPage(
  () => import('./SupervisionCharts').then((m) => m.default),
  'SupervisionCharts',
  { quiet: true },
);

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
  const lang = useLang();
  const cfg = useDeskConfig();
  const profile = useProfile();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => {
    const p = defaultPeriod();
    return [dayjs(p.from), dayjs(p.to)];
  });
  const [data, setData] = useState<DeskSupervision | null>(null);
  const [drill, setDrill] = useState<DrillTarget | null>(null);
  const [draft, setDraft] = useState<NoteDraft | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  useEffect(() => {
    let live = true;
    setData(null);
    setDrill(null);
    // Marks for bench:local (supervisionFirstMs): the counting starts, the first figures are in.
    performance.mark('halldesk:supervision-start');
    const today = localDate();
    const early = takePrefetched(from, to, today);
    const counted = early
      ? early.catch(() => deskSupervision(activeDb(), from, to, today))
      : deskSupervision(activeDb(), from, to, today);
    void counted.then((d) => {
      if (!live) return;
      setData(d);
      requestAnimationFrame(() => performance.mark('halldesk:supervision-figures'));
    });
    return () => {
      live = false;
    };
  }, [from, to]);
  // The records behind the figures: read when a figure is first opened (the first figures come
  // from the day counters and need none of them).
  const [records, setRecords] = useState<SupervisionRecords | null>(null);
  const wantRecords = !!data && !!drill;
  useEffect(() => {
    setRecords(null);
  }, [from, to]);
  useEffect(() => {
    if (!wantRecords || records || !data) return;
    let live = true;
    void supervisionRecords(activeDb(), data.options).then((r) => {
      if (live) setRecords(r);
    });
    return () => {
      live = false;
    };
  }, [wantRecords, records, data]);
  const reasons = cfg.settings.workbench.returnReasons;
  const reasonLabel = (code: string) => {
    const r = reasons.find((x) => x.code === code);
    return r ? pick(lang, r.label, r.labelEn) : code;
  };
  const rows = data ? [...data.clerks, data.hall] : [];
  const cell = (figure: FigureKey) => (v: number, f: Figures) => (
    <a
      data-testid={`sup-${staffKey(f.staffNo)}-${figure}`}
      onClick={(e) => {
        e.stopPropagation();
        setDrill({ staffNo: f.staffNo, figure });
      }}
    >
      {v}
    </a>
  );
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
            // A withdrawn note no longer stands: not counted or listed in the form sent upward.
            const notes = (await listNotes(activeDb(), from, to)).filter((n) => !n.withdrawnAt);
            const blob = await supervisionXlsx(
              profile?.hallCode || '本厅',
              from,
              to,
              data,
              notes,
              (c) => reasons.find((x) => x.code === c)?.label ?? c,
            );
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
        rowKey={(f) => staffKey(f.staffNo)}
        dataSource={rows}
        onRow={(f) => ({
          onClick: () => setDrill({ staffNo: f.staffNo, figure: 'accepted' }),
          style: { cursor: 'pointer' },
        })}
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
                .map(([k, v]) => `${reasonLabel(k)}×${v}`)
                .join('；'),
          },
          {
            title: t('差评原因', 'Reasons'),
            render: (_: unknown, f: Figures) =>
              Object.entries(f.badReasons)
                .map(([k, v]) => `${k}×${v}`)
                .join('；'),
          },
        ]}
      />
      <QueueFiguresSection from={from} to={to} />
      {data && drill && (
        <DrillCard
          data={data}
          records={records}
          drill={drill}
          onCorrect={(a) =>
            setDraft({
              kind: 'correction',
              ...(a.acceptedByStaffNo ? { staffNo: a.acceptedByStaffNo } : {}),
              ref: { entity: 'application', id: a.id, label: a.appNo },
            })
          }
        />
      )}
      {data && data.hall.accepted > 0 && (
        <div style={{ marginTop: 12 }}>
          <SupervisionCharts
            clerks={data.clerks}
            hall={data.hall}
            from={from}
            to={to}
            selected={drill && drill.staffNo !== '*' ? drill.staffNo : undefined}
            onDrill={setDrill}
          />
        </div>
      )}
      {data && (
        <NotesPanel
          from={from}
          to={to}
          clerks={data.clerks}
          staffNo={drill && drill.staffNo !== '*' ? drill.staffNo : undefined}
          draft={draft}
          setDraft={setDraft}
        />
      )}
    </>
  );
}

function DrillCard(props: {
  data: DeskSupervision;
  records: SupervisionRecords | null;
  drill: DrillTarget;
  onCorrect: (a: Application) => void;
}) {
  const t = useT();
  const canNote = useMay('supervision.commend');
  const { data, drill } = props;
  const records = props.records
    ? drillRecords(props.records, drill.staffNo, drill.figure, drill.day)
    : [];
  const who =
    drill.staffNo === '*'
      ? t('全厅', 'Hall')
      : drill.staffNo === null
        ? t('未记录', 'Not recorded')
        : (data.clerks.find((c) => c.staffNo === drill.staffNo)?.name ?? drill.staffNo);
  const col = FIGURE_COLUMNS.find((c) => c.figure === drill.figure)!;
  return (
    <Card
      size="small"
      style={{ marginTop: 12 }}
      title={`${who} · ${t(col.zh, col.en)}${drill.day ? ` · ${drill.day}` : ''}${props.records ? ` (${records.length})` : ''}`}
      data-testid="supervision-drill"
    >
      <Table<Application>
        size="small"
        rowKey="id"
        loading={!props.records}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        dataSource={records}
        columns={[
          {
            title: t('申请编号', 'Number'),
            render: (_: unknown, a) => (
              <Link to={`/desk/app/${a.id}`} data-testid="drill-row">
                {a.appNo}
              </Link>
            ),
          },
          { title: t('客户', 'Customer'), render: (_: unknown, a) => a.customer.name },
          { title: t('业务', 'Business'), dataIndex: 'businessCode' },
          {
            title: t('受理时间', 'Accepted'),
            render: (_: unknown, a) => hallDateTime(a.acceptedAt, deskTimeZone()).slice(5),
          },
          { title: t('受理人', 'Clerk'), dataIndex: 'acceptedBy' },
          {
            title: '',
            render: (_: unknown, a) =>
              canNote && (
                <Button size="small" type="link" onClick={() => props.onCorrect(a)}>
                  {t('记纠错', 'Correction')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}

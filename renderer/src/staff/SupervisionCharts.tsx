// Ranking and trend charts of the supervision figures (ECharts, tree-shaken). Loaded as its own
// chunk by the supervision pages (desk and workbench) after the table's first figures are shown;
// a click on a bar or a point opens the records behind it (onDrill).
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { FigureKey, Figures } from '../../../shared/staff/supervision';
import { useT } from '../i18n';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

type Option = Parameters<echarts.ECharts['setOption']>[0];

export interface DrillTarget {
  /** A clerk's staff number, null for 未记录, '*' for the whole hall. */
  staffNo: string | null;
  figure: FigureKey;
  /** Only this Shanghai day (a trend point). */
  day?: string;
}

function Chart(props: {
  option: Option;
  height: number;
  testId: string;
  onClick?: (p: { seriesIndex?: number; dataIndex: number; name: string }) => void;
}) {
  const el = useRef<HTMLDivElement | null>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(props.onClick);
  click.current = props.onClick;
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current);
    chart.current = c;
    c.on('click', (p) =>
      click.current?.({
        dataIndex: p.dataIndex,
        name: p.name,
        ...(p.seriesIndex === undefined ? {} : { seriesIndex: p.seriesIndex }),
      }),
    );
    const onResize = () => c.resize();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(onResize);
    observer?.observe(el.current);
    return () => {
      observer?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(props.option, true);
  }, [props.option]);
  return (
    <div ref={el} data-testid={props.testId} style={{ width: '100%', height: props.height }} />
  );
}

/** Days from..to inclusive (YYYY-MM-DD). */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out.slice(0, 400);
}

const RANKED: { figure: FigureKey; zh: string; en: string }[] = [
  { figure: 'accepted', zh: '受理', en: 'Accepted' },
  { figure: 'returned', zh: '退回/驳回', en: 'Returned' },
  { figure: 'overridden', zh: '忽略提示', en: 'Past warnings' },
  { figure: 'promisedOutstanding', zh: '后补未交', en: 'Promised, missing' },
  { figure: 'badRatings', zh: '差评', en: 'Bad ratings' },
];

export default function SupervisionCharts(props: {
  clerks: Figures[];
  hall: Figures;
  from: string;
  to: string;
  /** The clerk whose trend is drawn beside the hall's. */
  selected?: string | null;
  onDrill: (d: DrillTarget) => void;
}) {
  const t = useT();
  const { clerks, hall, from, to, selected, onDrill } = props;
  const label = (f: Figures) => (f.staffNo === null ? t('未记录', 'Not recorded') : f.name);
  // Ranking: most accepted at the top (ECharts draws a category axis bottom-up).
  const ranked = useMemo(() => [...clerks].reverse(), [clerks]);
  const ranking = useMemo<Option>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: ranked.map(label) },
      series: RANKED.map((r) => ({
        name: t(r.zh, r.en),
        type: 'bar',
        data: ranked.map((f) => f[r.figure] as number),
      })),
    }),
    // label depends on t only
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ranked, t],
  );
  const days = useMemo(() => daysOf(from, to), [from, to]);
  const mine = selected === undefined ? undefined : clerks.find((c) => c.staffNo === selected);
  const trend = useMemo<Option>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: t('全厅受理', 'Hall accepted'),
          type: 'line',
          data: days.map((d) => hall.byDay[d] ?? 0),
        },
        ...(mine
          ? [{ name: label(mine), type: 'line', data: days.map((d) => mine.byDay[d] ?? 0) }]
          : []),
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [days, hall, mine, t],
  );
  return (
    <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12, marginBottom: 12 }}>
      <Chart
        testId="supervision-ranking"
        option={ranking}
        height={Math.max(220, 40 + ranked.length * 28)}
        onClick={(p) => {
          const f = ranked[p.dataIndex];
          const r = RANKED[p.seriesIndex ?? 0];
          if (f && r) onDrill({ staffNo: f.staffNo, figure: r.figure });
        }}
      />
      <Chart
        testId="supervision-trend"
        option={trend}
        height={260}
        onClick={(p) => {
          const day = days[p.dataIndex];
          if (!day) return;
          onDrill({
            staffNo: p.seriesIndex === 1 && mine ? mine.staffNo : '*',
            figure: 'accepted',
            day,
          });
        }}
      />
    </div>
  );
}

// Hall manager's queue view (#/queue/manager): live alarms, today's statistics per category and
// counter with charts, daily history, and the queue configuration editor.
import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Col,
  Flex,
  Input,
  InputNumber,
  Radio,
  Row,
  Select,
  Statistic,
  Switch,
  Table,
  Tabs,
  Typography,
} from 'antd';
import {
  HALL_PATHS,
  QueueConfig,
  RATING_LEVELS_3,
  RATING_LEVELS_5,
  type CounterConfig,
  type StatsResponse,
  type TicketCategory,
} from '../../../shared/queue';
import { HallApiError, hallRequest } from './client';
import { EChart, type ChartOption } from './EChart';
import { useHallQueue } from './store';

const min = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

function useStats(seq: number): { stats: StatsResponse | null; error: string | null } {
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), 10_000);
    return () => window.clearInterval(t);
  }, []);
  useEffect(() => {
    // Live events move the numbers: refetch at most every 2 s.
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      hallRequest<StatsResponse>(HALL_PATHS.stats, { signal: ctrl.signal })
        .then((s) => {
          setStats(s);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!ctrl.signal.aborted)
            setError(e instanceof HallApiError ? e.message : '统计加载失败');
        });
    }, 300);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [seq, tick]);
  return { stats, error };
}

function StatsTab({ stats }: { stats: StatsResponse }) {
  const { state } = useHallQueue();
  const catName = (id: string) => state?.config.categories.find((c) => c.id === id)?.name ?? id;
  const t = stats.today;
  const catIds = Object.keys(t.categories);
  const counterIds = Object.keys(t.counters);
  const ratingLevels = state?.config.ratingLevels ?? [];

  const catOption = useMemo<ChartOption>(
    () => ({
      title: { text: '各类别取号与等候', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 64, left: 48, right: 48, bottom: 32 },
      xAxis: { type: 'category', data: catIds.map(catName) },
      yAxis: [
        { type: 'value', name: '人数' },
        { type: 'value', name: '分钟' },
      ],
      series: [
        { name: '取号', type: 'bar', data: catIds.map((id) => t.categories[id]?.tickets ?? 0) },
        { name: '等候中', type: 'bar', data: catIds.map((id) => t.categories[id]?.waiting ?? 0) },
        {
          name: '平均等候(分)',
          type: 'line',
          yAxisIndex: 1,
          data: catIds.map((id) => min(t.categories[id]?.avgWaitMs ?? 0)),
        },
        {
          name: '最长等候(分)',
          type: 'line',
          yAxisIndex: 1,
          data: catIds.map((id) => min(t.categories[id]?.maxWaitMs ?? 0)),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats],
  );
  const counterOption = useMemo<ChartOption>(
    () => ({
      title: { text: '各窗口办理与服务时长', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 64, left: 48, right: 48, bottom: 32 },
      xAxis: { type: 'category', data: counterIds.map((n) => `${n}号`) },
      yAxis: [
        { type: 'value', name: '人数' },
        { type: 'value', name: '分钟' },
      ],
      series: [
        { name: '办结', type: 'bar', data: counterIds.map((n) => t.counters[n]?.served ?? 0) },
        { name: '过号', type: 'bar', data: counterIds.map((n) => t.counters[n]?.noShows ?? 0) },
        {
          name: '平均服务(分)',
          type: 'line',
          yAxisIndex: 1,
          data: counterIds.map((n) => min(t.counters[n]?.avgServiceMs ?? 0)),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats],
  );
  const ratingOption = useMemo<ChartOption>(
    () => ({
      title: { text: '满意度', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: ratingLevels.map((l) => ({
            name: l.label,
            value: t.total.ratings[String(l.value)] ?? 0,
          })),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats],
  );
  const historyOption = useMemo<ChartOption>(
    () => ({
      title: { text: '历史（按日）', textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 24 },
      grid: { top: 64, left: 48, right: 48, bottom: 32 },
      xAxis: { type: 'category', data: stats.history.map((d) => d.day) },
      yAxis: [
        { type: 'value', name: '人数' },
        { type: 'value', name: '分钟' },
      ],
      series: [
        { name: '取号', type: 'bar', data: stats.history.map((d) => d.total.tickets) },
        {
          name: '平均等候(分)',
          type: 'line',
          yAxisIndex: 1,
          data: stats.history.map((d) => min(d.total.avgWaitMs)),
        },
      ],
    }),
    [stats],
  );

  const rows = catIds.map((id) => ({
    key: id,
    name: `${id} ${catName(id)}`,
    ...t.categories[id]!,
  }));
  const counterRows = counterIds.map((n) => ({ key: n, name: `${n}号窗口`, ...t.counters[n]! }));
  const columns = [
    { title: '名称', dataIndex: 'name' },
    { title: '取号/接待', dataIndex: 'tickets' },
    { title: '办结', dataIndex: 'served' },
    { title: '过号', dataIndex: 'noShows' },
    { title: '等候中', dataIndex: 'waiting' },
    { title: '平均等候(分)', dataIndex: 'avgWaitMs', render: (v: number) => min(v) },
    { title: '最长等候(分)', dataIndex: 'maxWaitMs', render: (v: number) => min(v) },
    { title: '平均服务(分)', dataIndex: 'avgServiceMs', render: (v: number) => min(v) },
    { title: '差评', dataIndex: 'badRatings' },
  ];

  return (
    <Flex vertical gap={16}>
      <Row gutter={16}>
        <Col span={4}>
          <Statistic title="今日取号" value={t.total.tickets} />
        </Col>
        <Col span={4}>
          <Statistic title="已办结" value={t.total.served} />
        </Col>
        <Col span={4}>
          <Statistic title="等候中" value={t.total.waiting} />
        </Col>
        <Col span={4}>
          <Statistic title="过号" value={t.total.noShows} />
        </Col>
        <Col span={4}>
          <Statistic title="平均等候(分)" value={min(t.total.avgWaitMs)} />
        </Col>
        <Col span={4}>
          <Statistic title="平均服务(分)" value={min(t.total.avgServiceMs)} />
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card size="small">
            <EChart option={catOption} />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small">
            <EChart option={counterOption} />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={8}>
          <Card size="small">
            <EChart option={ratingOption} />
          </Card>
        </Col>
        <Col span={16}>
          <Card size="small">
            <EChart option={historyOption} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title="按类别">
        <Table size="small" pagination={false} dataSource={rows} columns={columns} />
      </Card>
      <Card size="small" title="按窗口">
        <Table size="small" pagination={false} dataSource={counterRows} columns={columns} />
      </Card>
    </Flex>
  );
}

function ConfigTab() {
  const [draft, setDraft] = useState<QueueConfig | null>(null);
  const [keyText, setKeyText] = useState('');
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    hallRequest<{ config: QueueConfig }>(HALL_PATHS.config)
      .then(({ config }) => {
        setDraft(config);
        setKeyText(
          config.keyCustomers.map((k) => [k.ref, k.categoryId ?? ''].join(',')).join('\n'),
        );
      })
      .catch((e: unknown) =>
        setMessage({ type: 'error', text: e instanceof HallApiError ? e.message : '配置加载失败' }),
      );
  }, []);

  if (!draft) return message ? <Alert type="error" title={message.text} /> : <p>正在加载配置…</p>;

  const set = (patch: Partial<QueueConfig>) => setDraft({ ...draft, ...patch });
  const setCat = (i: number, patch: Partial<TicketCategory>) =>
    set({ categories: draft.categories.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setCounter = (i: number, patch: Partial<CounterConfig>) =>
    set({ counters: draft.counters.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const catOptions = draft.categories.map((c) => ({ value: c.id, label: `${c.id} ${c.name}` }));

  async function save() {
    if (!draft) return;
    const keyCustomers = keyText
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [ref, cat] = l.split(/[,，]/).map((s) => s.trim());
        return { ref: ref ?? '', ...(cat ? { categoryId: cat } : {}) };
      });
    const parsed = QueueConfig.safeParse({ ...draft, keyCustomers });
    if (!parsed.success) {
      setMessage({ type: 'error', text: parsed.error.issues.map((i) => i.message).join('；') });
      return;
    }
    setSaving(true);
    try {
      const res = await hallRequest<{ config: QueueConfig }>(HALL_PATHS.config, {
        method: 'PUT',
        body: { config: parsed.data },
      });
      setDraft(res.config);
      setMessage({ type: 'success', text: '配置已保存，各屏幕即时生效' });
    } catch (e) {
      setMessage({ type: 'error', text: e instanceof HallApiError ? e.message : '保存失败' });
    } finally {
      setSaving(false);
    }
  }

  const label = (text: string) => <Typography.Text type="secondary">{text}</Typography.Text>;
  return (
    <Flex vertical gap={16}>
      {message && (
        <Alert type={message.type} title={message.text} closable onClose={() => setMessage(null)} />
      )}
      <Card size="small" title="基本设置">
        <Row gutter={[16, 12]}>
          <Col span={8}>
            {label('营业厅名称')}
            <Input value={draft.hallName} onChange={(e) => set({ hallName: e.target.value })} />
          </Col>
          <Col span={4}>
            {label('每日清号时间')}
            <Input
              value={draft.dailyClearTime}
              onChange={(e) => set({ dailyClearTime: e.target.value })}
            />
          </Col>
          <Col span={4}>
            {label('重呼上限')}
            <InputNumber
              min={0}
              max={20}
              value={draft.recallLimit}
              onChange={(v) => set({ recallLimit: v ?? 0 })}
            />
          </Col>
          <Col span={4}>
            {label('播报次数')}
            <InputNumber
              min={1}
              max={5}
              value={draft.announcementRepeat}
              onChange={(v) => set({ announcementRepeat: v ?? 1 })}
            />
          </Col>
          <Col span={4}>
            {label('号票纸宽')}
            <Select
              value={draft.ticketWidthMm}
              onChange={(v: 58 | 80) => set({ ticketWidthMm: v })}
              options={[
                { value: 58, label: '58 mm' },
                { value: 80, label: '80 mm' },
              ]}
            />
          </Col>
          <Col span={8}>
            {label('评价等级')}
            <br />
            <Radio.Group
              value={draft.ratingLevels.length}
              onChange={(e) =>
                set({ ratingLevels: e.target.value === 5 ? RATING_LEVELS_5 : RATING_LEVELS_3 })
              }
              options={[
                { value: 3, label: '三级' },
                { value: 5, label: '五级（政务）' },
              ]}
            />
          </Col>
          <Col span={16}>
            {label('播报模板（{ticket} 号码，{counter} 窗口号）')}
            <Input
              value={draft.announcementTemplate}
              onChange={(e) => set({ announcementTemplate: e.target.value })}
            />
          </Col>
          <Col span={12}>
            {label('号票提示语')}
            <Input value={draft.ticketText} onChange={(e) => set({ ticketText: e.target.value })} />
          </Col>
          <Col span={12}>
            {label('滚动通知')}
            <Input
              value={draft.scrollingNotice}
              onChange={(e) => set({ scrollingNotice: e.target.value })}
            />
          </Col>
        </Row>
      </Card>
      <Card
        size="small"
        title="取号类别"
        extra={
          <Button
            size="small"
            onClick={() => {
              const used = new Set(draft.categories.map((c) => c.id));
              const id = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').find((l) => !used.has(l)) ?? 'Z';
              set({
                categories: [
                  ...draft.categories,
                  {
                    id,
                    name: '新类别',
                    businessCodes: [],
                    priority: 0,
                    greenChannel: true,
                    keyLane: false,
                    waitAlarmMinutes: 15,
                    defaultServiceMinutes: 6,
                    enabled: true,
                  },
                ],
              });
            }}
          >
            添加类别
          </Button>
        }
      >
        <Table
          size="small"
          pagination={false}
          rowKey={(_, i) => String(i)}
          dataSource={draft.categories}
          columns={[
            {
              title: '前缀',
              render: (_, c, i) => (
                <Input
                  style={{ width: 56 }}
                  value={c.id}
                  onChange={(e) => setCat(i, { id: e.target.value.toUpperCase() })}
                />
              ),
            },
            {
              title: '名称',
              render: (_, c, i) => (
                <Input value={c.name} onChange={(e) => setCat(i, { name: e.target.value })} />
              ),
            },
            {
              title: '业务类型代码',
              render: (_, c, i) => (
                <Input
                  value={c.businessCodes.join(',')}
                  onChange={(e) =>
                    setCat(i, { businessCodes: e.target.value.split(/[,，\s]+/).filter(Boolean) })
                  }
                />
              ),
            },
            {
              title: '优先级',
              render: (_, c, i) => (
                <InputNumber
                  min={0}
                  max={9}
                  value={c.priority}
                  onChange={(v) => setCat(i, { priority: v ?? 0 })}
                />
              ),
            },
            {
              title: '绿色通道',
              render: (_, c, i) => (
                <Switch checked={c.greenChannel} onChange={(v) => setCat(i, { greenChannel: v })} />
              ),
            },
            {
              title: '重点客户通道',
              render: (_, c, i) => (
                <Switch checked={c.keyLane} onChange={(v) => setCat(i, { keyLane: v })} />
              ),
            },
            {
              title: '等候告警(分)',
              render: (_, c, i) => (
                <InputNumber
                  min={1}
                  max={600}
                  value={c.waitAlarmMinutes}
                  onChange={(v) => setCat(i, { waitAlarmMinutes: v ?? 15 })}
                />
              ),
            },
            {
              title: '启用',
              render: (_, c, i) => (
                <Switch checked={c.enabled} onChange={(v) => setCat(i, { enabled: v })} />
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title="窗口"
        extra={
          <Button
            size="small"
            onClick={() => {
              const no = Math.max(0, ...draft.counters.map((c) => c.no)) + 1;
              set({
                counters: [
                  ...draft.counters,
                  { no, name: `${no}号窗口`, categories: [draft.categories[0]?.id ?? 'A'] },
                ],
              });
            }}
          >
            添加窗口
          </Button>
        }
      >
        <Table
          size="small"
          pagination={false}
          rowKey={(_, i) => String(i)}
          dataSource={draft.counters}
          columns={[
            {
              title: '窗口号',
              render: (_, c, i) => (
                <InputNumber
                  min={1}
                  max={999}
                  value={c.no}
                  onChange={(v) => setCounter(i, { no: v ?? 1 })}
                />
              ),
            },
            {
              title: '名称',
              render: (_, c, i) => (
                <Input value={c.name} onChange={(e) => setCounter(i, { name: e.target.value })} />
              ),
            },
            {
              title: '服务类别（按优先顺序）',
              render: (_, c, i) => (
                <Select
                  mode="multiple"
                  style={{ minWidth: 260 }}
                  value={c.categories}
                  options={catOptions}
                  onChange={(v: string[]) => setCounter(i, { categories: v })}
                />
              ),
            },
            {
              title: '',
              render: (_, _c, i) => (
                <Button
                  size="small"
                  danger
                  onClick={() => set({ counters: draft.counters.filter((_x, j) => j !== i) })}
                >
                  删除
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title="重点客户（每行：户号或手机号[,类别前缀]；只保存在本厅排队服务，不在任何屏幕显示）"
      >
        <Input.TextArea rows={4} value={keyText} onChange={(e) => setKeyText(e.target.value)} />
      </Card>
      <Flex gap={8}>
        <Button type="primary" loading={saving} onClick={() => void save()}>
          保存配置
        </Button>
      </Flex>
    </Flex>
  );
}

export function ManagerPage() {
  const { seq, connected } = useHallQueue();
  const { stats, error } = useStats(seq);
  return (
    <div style={{ padding: 16 }} data-testid="queue-manager">
      <Typography.Title level={3}>排队管理</Typography.Title>
      {!connected && (
        <Alert
          type="warning"
          title="未连接排队服务，数据可能不是最新"
          style={{ marginBottom: 12 }}
        />
      )}
      {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
      {stats?.alarms.map((a) => (
        <Alert
          key={a.categoryId}
          type="error"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="queue-alarm"
          title={`等候超时告警：${a.categoryName}（${a.categoryId}）有 ${a.waiting} 人等候，最长已等 ${Math.floor(a.longestWaitMs / 60_000)} 分钟（上限 ${a.limitMs / 60_000} 分钟）`}
        />
      ))}
      <Tabs
        items={[
          {
            key: 'stats',
            label: '统计',
            children: stats ? <StatsTab stats={stats} /> : <p>正在加载…</p>,
          },
          { key: 'config', label: '配置', children: <ConfigTab /> },
        ]}
      />
    </div>
  );
}

// Hall manager's queue view (#/queue/manager): live alarms, today's statistics per category and
// counter with charts, daily history, the queue configuration editor, and the paired counter
// devices (pairing codes, revocation). Everything here needs the hall's manager secret.
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
  appointmentSettings,
  type CounterConfig,
  type StatsResponse,
  type TicketCategory,
} from '../../../shared/queue';
import { useT, type Tr } from '../i18n';
import {
  HallApiError,
  adoptManagerKeyFromUrl,
  hallRequest,
  setManagerKey,
  useHallCredentials,
} from './client';
import { AppointmentsTab } from './Appointments';
import { DevicesTab } from './Devices';
import { EChart, type ChartOption } from './EChart';
import { useHallQueue } from './store';

const min = (ms: number) => Math.round((ms / 60_000) * 10) / 10;

const chartTitle = (text: string) => ({ text, textStyle: { fontSize: 14 } });

// A series of the people-and-minutes charts: counts are bars on the left axis, durations in
// minutes are lines on the right one.
type PeopleOrMinutes =
  | { name: string; type: 'bar'; data: number[] }
  | { name: string; type: 'line'; yAxisIndex: 1; data: number[] };
const bar = (name: string, data: number[]): PeopleOrMinutes => ({ name, type: 'bar', data });
const minutesLine = (name: string, data: number[]): PeopleOrMinutes => ({
  name,
  type: 'line',
  yAxisIndex: 1,
  data,
});

// The category, counter and history charts share one layout; only the title, the x axis and the
// series differ.
function peopleAndMinutesChart(
  t: Tr,
  title: string,
  xData: string[],
  series: PeopleOrMinutes[],
): ChartOption {
  return {
    title: chartTitle(title),
    tooltip: { trigger: 'axis' },
    legend: { top: 24 },
    grid: { top: 64, left: 48, right: 48, bottom: 32 },
    xAxis: { type: 'category', data: xData },
    yAxis: [
      { type: 'value', name: t('人数', 'People') },
      { type: 'value', name: t('分钟', 'Minutes') },
    ],
    series,
  };
}

function useStats(seq: number): { stats: StatsResponse | null; error: string | null } {
  const t = useT();
  const [stats, setStats] = useState<StatsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), 10_000);
    return () => window.clearInterval(timer);
  }, []);
  useEffect(() => {
    // Live events move the numbers: refetch at most every 2 s.
    const ctrl = new AbortController();
    const timer = window.setTimeout(() => {
      hallRequest<StatsResponse>(HALL_PATHS.stats, { signal: ctrl.signal, auth: 'manager' })
        .then((s) => {
          setStats(s);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!ctrl.signal.aborted)
            setError(
              e instanceof HallApiError
                ? e.message
                : t('统计加载失败', 'Could not load statistics'),
            );
        });
    }, 300);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seq, tick]);
  return { stats, error };
}

function StatsTab({ stats }: { stats: StatsResponse }) {
  const { state } = useHallQueue();
  const catName = (id: string) => state?.config.categories.find((c) => c.id === id)?.name ?? id;
  const t = useT();
  const day = stats.today;
  const catIds = Object.keys(day.categories);
  const counterIds = Object.keys(day.counters);
  const ratingLevels = state?.config.ratingLevels ?? [];

  const catOption = useMemo<ChartOption>(
    () =>
      peopleAndMinutesChart(
        t,
        t('各类别取号与等候', 'Tickets and waits by category'),
        catIds.map(catName),
        [
          bar(
            t('取号', 'Tickets'),
            catIds.map((id) => day.categories[id]?.tickets ?? 0),
          ),
          bar(
            t('等候中', 'Waiting'),
            catIds.map((id) => day.categories[id]?.waiting ?? 0),
          ),
          minutesLine(
            t('平均等候(分)', 'Avg wait (min)'),
            catIds.map((id) => min(day.categories[id]?.avgWaitMs ?? 0)),
          ),
          minutesLine(
            t('最长等候(分)', 'Longest wait (min)'),
            catIds.map((id) => min(day.categories[id]?.maxWaitMs ?? 0)),
          ),
        ],
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats, t],
  );
  const counterOption = useMemo<ChartOption>(
    () =>
      peopleAndMinutesChart(
        t,
        t('各窗口办理与服务时长', 'Served and service time by counter'),
        counterIds.map((n) => t(`${n}号`, `No. ${n}`)),
        [
          bar(
            t('办结', 'Served'),
            counterIds.map((n) => day.counters[n]?.served ?? 0),
          ),
          bar(
            t('过号', 'No-shows'),
            counterIds.map((n) => day.counters[n]?.noShows ?? 0),
          ),
          minutesLine(
            t('平均服务(分)', 'Avg service (min)'),
            counterIds.map((n) => min(day.counters[n]?.avgServiceMs ?? 0)),
          ),
        ],
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats, t],
  );
  const ratingOption = useMemo<ChartOption>(
    () => ({
      title: chartTitle(t('满意度', 'Satisfaction')),
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: ratingLevels.map((l) => ({
            name: l.label,
            value: day.total.ratings[String(l.value)] ?? 0,
          })),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [stats, t],
  );
  const historyOption = useMemo<ChartOption>(
    () =>
      peopleAndMinutesChart(
        t,
        t('历史（按日）', 'History (by day)'),
        stats.history.map((d) => d.day),
        [
          bar(
            t('取号', 'Tickets'),
            stats.history.map((d) => d.total.tickets),
          ),
          minutesLine(
            t('平均等候(分)', 'Avg wait (min)'),
            stats.history.map((d) => min(d.total.avgWaitMs)),
          ),
        ],
      ),
    [stats, t],
  );

  const rows = catIds.map((id) => ({
    key: id,
    name: `${id} ${catName(id)}`,
    ...day.categories[id]!,
  }));
  const counterRows = counterIds.map((n) => ({
    key: n,
    name: t(`${n}号窗口`, `Counter ${n}`),
    ...day.counters[n]!,
  }));
  const columns = [
    { title: t('名称', 'Name'), dataIndex: 'name' },
    { title: t('取号/接待', 'Tickets'), dataIndex: 'tickets' },
    { title: t('办结', 'Served'), dataIndex: 'served' },
    { title: t('过号', 'No-shows'), dataIndex: 'noShows' },
    { title: t('等候中', 'Waiting'), dataIndex: 'waiting' },
    {
      title: t('平均等候(分)', 'Avg wait (min)'),
      dataIndex: 'avgWaitMs',
      render: (v: number) => min(v),
    },
    {
      title: t('最长等候(分)', 'Longest wait (min)'),
      dataIndex: 'maxWaitMs',
      render: (v: number) => min(v),
    },
    {
      title: t('平均服务(分)', 'Avg service (min)'),
      dataIndex: 'avgServiceMs',
      render: (v: number) => min(v),
    },
    { title: t('差评', 'Bad ratings'), dataIndex: 'badRatings' },
  ];

  return (
    <Flex vertical gap={16}>
      <Row gutter={16}>
        <Col span={4}>
          <Statistic title={t('今日取号', 'Tickets today')} value={day.total.tickets} />
        </Col>
        <Col span={4}>
          <Statistic title={t('已办结', 'Served')} value={day.total.served} />
        </Col>
        <Col span={4}>
          <Statistic title={t('等候中', 'Waiting')} value={day.total.waiting} />
        </Col>
        <Col span={4}>
          <Statistic title={t('过号', 'No-shows')} value={day.total.noShows} />
        </Col>
        <Col span={4}>
          <Statistic title={t('平均等候(分)', 'Avg wait (min)')} value={min(day.total.avgWaitMs)} />
        </Col>
        <Col span={4}>
          <Statistic
            title={t('平均服务(分)', 'Avg service (min)')}
            value={min(day.total.avgServiceMs)}
          />
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
      <Card size="small" title={t('按类别', 'By category')}>
        <Table size="small" pagination={false} dataSource={rows} columns={columns} />
      </Card>
      <Card size="small" title={t('按窗口', 'By counter')}>
        <Table size="small" pagination={false} dataSource={counterRows} columns={columns} />
      </Card>
    </Flex>
  );
}

function ConfigTab() {
  const t = useT();
  const [draft, setDraft] = useState<QueueConfig | null>(null);
  const [keyText, setKeyText] = useState('');
  const [message, setMessage] = useState<{ type: 'success' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    hallRequest<{ config: QueueConfig }>(HALL_PATHS.config, { auth: 'manager' })
      .then(({ config }) => {
        setDraft(config);
        setKeyText(
          config.keyCustomers.map((k) => [k.ref, k.categoryId ?? ''].join(',')).join('\n'),
        );
      })
      .catch((e: unknown) =>
        setMessage({
          type: 'error',
          text:
            e instanceof HallApiError
              ? e.message
              : t('配置加载失败', 'Could not load the configuration'),
        }),
      );
    // Loaded once when the tab opens (a language switch must not discard the draft).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (!draft)
    return message ? (
      <Alert type="error" title={message.text} />
    ) : (
      <p>{t('正在加载配置…', 'Loading the configuration…')}</p>
    );

  const set = (patch: Partial<QueueConfig>) => setDraft({ ...draft, ...patch });
  const appt = appointmentSettings(draft);
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
        auth: 'manager',
      });
      setDraft(res.config);
      setMessage({
        type: 'success',
        text: t('配置已保存，各屏幕即时生效', 'Configuration saved; screens update at once'),
      });
    } catch (e) {
      setMessage({
        type: 'error',
        text: e instanceof HallApiError ? e.message : t('保存失败', 'Save failed'),
      });
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
      <Card size="small" title={t('基本设置', 'General')}>
        <Row gutter={[16, 12]}>
          <Col span={8}>
            {label(t('营业厅名称', 'Hall name'))}
            <Input value={draft.hallName} onChange={(e) => set({ hallName: e.target.value })} />
          </Col>
          <Col span={4}>
            {label(t('每日清号时间', 'Daily clear time'))}
            <Input
              value={draft.dailyClearTime}
              onChange={(e) => set({ dailyClearTime: e.target.value })}
            />
          </Col>
          <Col span={4}>
            {label(t('重呼上限', 'Recall limit'))}
            <InputNumber
              min={0}
              max={20}
              value={draft.recallLimit}
              onChange={(v) => set({ recallLimit: v ?? 0 })}
            />
          </Col>
          <Col span={4}>
            {label(t('播报次数', 'Announcement repeats'))}
            <InputNumber
              min={1}
              max={5}
              value={draft.announcementRepeat}
              onChange={(v) => set({ announcementRepeat: v ?? 1 })}
            />
          </Col>
          <Col span={4}>
            {label(t('号票纸宽', 'Ticket paper width'))}
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
            {label(t('评价等级', 'Rating levels'))}
            <br />
            <Radio.Group
              value={draft.ratingLevels.length}
              onChange={(e) =>
                set({ ratingLevels: e.target.value === 5 ? RATING_LEVELS_5 : RATING_LEVELS_3 })
              }
              options={[
                { value: 3, label: t('三级', 'Three levels') },
                { value: 5, label: t('五级（政务）', 'Five levels (government)') },
              ]}
            />
          </Col>
          <Col span={16}>
            {label(
              t(
                '播报模板（{ticket} 号码，{counter} 窗口号）',
                'Announcement template (zh-CN; {ticket} number, {counter} counter)',
              ),
            )}
            <Input
              value={draft.announcementTemplate}
              onChange={(e) => set({ announcementTemplate: e.target.value })}
            />
          </Col>
          <Col span={12}>
            {label(t('号票提示语', 'Ticket text'))}
            <Input value={draft.ticketText} onChange={(e) => set({ ticketText: e.target.value })} />
          </Col>
          <Col span={12}>
            {label(t('滚动通知', 'Scrolling notice'))}
            <Input
              value={draft.scrollingNotice}
              onChange={(e) => set({ scrollingNotice: e.target.value })}
            />
          </Col>
          <Col span={4}>
            {label(t('预约取号', 'Appointments'))}
            <br />
            <Switch
              checked={appt.enabled}
              onChange={(v) => set({ appointments: { ...appt, enabled: v } })}
              data-testid="config-appointments"
            />
          </Col>
          <Col span={4}>
            {label(t('预约时段(分)', 'Slot (min)'))}
            <InputNumber
              min={5}
              max={240}
              value={appt.slotMinutes}
              onChange={(v) => set({ appointments: { ...appt, slotMinutes: v ?? 30 } })}
            />
          </Col>
          <Col span={4}>
            {label(t('每时段名额', 'Bookings per slot'))}
            <InputNumber
              min={1}
              max={100}
              value={appt.perSlot}
              onChange={(v) => set({ appointments: { ...appt, perSlot: v ?? 4 } })}
            />
          </Col>
          <Col span={6}>
            {label(t('签到：提前 / 迟到(分)', 'Check-in: early / late (min)'))}
            <Flex gap={4}>
              <InputNumber
                min={0}
                max={120}
                value={appt.earlyMinutes}
                onChange={(v) => set({ appointments: { ...appt, earlyMinutes: v ?? 0 } })}
              />
              <InputNumber
                min={0}
                max={120}
                value={appt.lateMinutes}
                onChange={(v) => set({ appointments: { ...appt, lateMinutes: v ?? 0 } })}
              />
            </Flex>
          </Col>
        </Row>
      </Card>
      <Card
        size="small"
        title={t('取号类别', 'Ticket categories')}
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
            {t('添加类别', 'Add category')}
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
              title: t('前缀', 'Prefix'),
              render: (_, c, i) => (
                <Input
                  style={{ width: 56 }}
                  value={c.id}
                  onChange={(e) => setCat(i, { id: e.target.value.toUpperCase() })}
                />
              ),
            },
            {
              title: t('名称', 'Name'),
              render: (_, c, i) => (
                <Input value={c.name} onChange={(e) => setCat(i, { name: e.target.value })} />
              ),
            },
            {
              title: t('业务类型代码', 'Business type codes'),
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
              title: t('优先级', 'Priority'),
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
              title: t('绿色通道', 'Green channel'),
              render: (_, c, i) => (
                <Switch checked={c.greenChannel} onChange={(v) => setCat(i, { greenChannel: v })} />
              ),
            },
            {
              title: t('重点客户通道', 'Key-customer lane'),
              render: (_, c, i) => (
                <Switch checked={c.keyLane} onChange={(v) => setCat(i, { keyLane: v })} />
              ),
            },
            {
              title: t('等候告警(分)', 'Wait alarm (min)'),
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
              title: t('启用', 'Enabled'),
              render: (_, c, i) => (
                <Switch checked={c.enabled} onChange={(v) => setCat(i, { enabled: v })} />
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t('窗口', 'Counters')}
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
            {t('添加窗口', 'Add counter')}
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
              title: t('窗口号', 'No.'),
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
              title: t('名称', 'Name'),
              render: (_, c, i) => (
                <Input value={c.name} onChange={(e) => setCounter(i, { name: e.target.value })} />
              ),
            },
            {
              title: t('服务类别（按优先顺序）', 'Categories served (in priority order)'),
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
                  {t('删除', 'Delete')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card
        size="small"
        title={t(
          '重点客户（每行：户号或手机号[,类别前缀]；只保存在本厅排队服务，不在任何屏幕显示）',
          'Key customers (one per line: account no. or phone[,category prefix]; kept on this hall service only, never shown on a screen)',
        )}
      >
        <Input.TextArea rows={4} value={keyText} onChange={(e) => setKeyText(e.target.value)} />
      </Card>
      <Flex gap={8}>
        <Button type="primary" loading={saving} onClick={() => void save()}>
          {t('保存配置', 'Save configuration')}
        </Button>
      </Flex>
    </Flex>
  );
}

/** The manager secret for this browser session (the printed manager URL fills it in). */
function ManagerLogin() {
  const t = useT();
  const [key, setKey] = useState('');
  return (
    <Card size="small" style={{ maxWidth: 560 }} data-testid="queue-manager-login">
      <Flex vertical gap={8}>
        <Typography.Text>
          {t(
            '请输入营业厅管理密钥（排队服务首次启动时生成，保存在其数据目录的 manager.secret 中；npm start 会打印管理地址）。',
            'Enter the hall manager secret (generated when the queue service first started, kept in manager.secret in its data folder; npm start prints the manager URL).',
          )}
        </Typography.Text>
        <Flex gap={8}>
          <Input.Password
            value={key}
            onChange={(e) => setKey(e.target.value)}
            onPressEnter={() => key.trim() && setManagerKey(key)}
            aria-label={t('管理密钥', 'Manager secret')}
            data-testid="queue-manager-key"
          />
          <Button type="primary" disabled={!key.trim()} onClick={() => setManagerKey(key)}>
            {t('进入', 'Enter')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}

export function ManagerPage() {
  const t = useT();
  // The printed manager URL carries ?key=: keep it for this session, drop it from the address.
  useEffect(() => adoptManagerKeyFromUrl(), []);
  const { managerKey } = useHallCredentials();
  return (
    <div style={{ padding: 16 }} data-testid="queue-manager">
      <Flex align="center" justify="space-between">
        <Typography.Title level={3}>{t('排队管理', 'Queue manager')}</Typography.Title>
        {managerKey && (
          <Button size="small" onClick={() => setManagerKey(null)}>
            {t('退出管理', 'Sign out')}
          </Button>
        )}
      </Flex>
      {managerKey ? <ManagerBody /> : <ManagerLogin />}
    </div>
  );
}

function ManagerBody() {
  const t = useT();
  const { seq, connected } = useHallQueue();
  const { stats, error } = useStats(seq);
  return (
    <>
      {!connected && (
        <Alert
          type="warning"
          title={t(
            '未连接排队服务，数据可能不是最新',
            'Not connected to the queue service; figures may be stale',
          )}
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
          title={t(
            `等候超时告警：${a.categoryName}（${a.categoryId}）有 ${a.waiting} 人等候，最长已等 ${Math.floor(a.longestWaitMs / 60_000)} 分钟（上限 ${a.limitMs / 60_000} 分钟）`,
            `Wait alarm: ${a.categoryName} (${a.categoryId}) has ${a.waiting} waiting, the longest for ${Math.floor(a.longestWaitMs / 60_000)} min (limit ${a.limitMs / 60_000} min)`,
          )}
        />
      ))}
      <Tabs
        items={[
          {
            key: 'stats',
            label: t('统计', 'Statistics'),
            children: stats ? <StatsTab stats={stats} /> : <p>{t('正在加载…', 'Loading…')}</p>,
          },
          { key: 'config', label: t('配置', 'Configuration'), children: <ConfigTab /> },
          { key: 'devices', label: t('设备', 'Devices'), children: <DevicesTab /> },
          {
            key: 'appointments',
            label: t('预约', 'Appointments'),
            children: <AppointmentsTab />,
          },
        ]}
      />
    </>
  );
}

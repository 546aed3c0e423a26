// Counter panel (叫号) in the desk: choose this desk's counter, call next (priority and green
// channel first), recall (bounded), no-show, hold / call back, transfer to a category or counter,
// pause / resume, finish, and start an application for the called ticket.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Flex, Modal, Radio, Select, Tag, Typography } from 'antd';
import {
  HALL_PATHS,
  callableBy,
  categoryOf,
  type CounterAction,
  type CounterActionResponse,
} from '../../../shared/queue';
import { useServingReport } from '../customer/busy';
import { HallApiError, hallRequest } from './client';
import { useHallQueue } from './store';

export interface CounterPanelProps {
  /** Start an application for the called ticket (the ticket is recorded on the application). */
  onStartApplication: (ticketNo: string, businessCodes: string[]) => void;
}

const COUNTER_KEY = 'halldesk.counterNo';

function storedCounter(): number | null {
  try {
    const v = Number(localStorage.getItem(COUNTER_KEY));
    return Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

const LANE_TAG = { green: ['绿色通道', 'green'], key: ['重点客户', 'gold'], normal: null } as const;

export function CounterPanel({ onStartApplication }: CounterPanelProps) {
  const { state, connected } = useHallQueue();
  const [counterNo, setCounterNo] = useState<number | null>(storedCounter);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferKind, setTransferKind] = useState<'category' | 'counter'>('category');
  const [transferTarget, setTransferTarget] = useState<string | null>(null);
  // A ticket being served here is a customer's business in progress (update policy input).
  useServingReport(Boolean(counterNo && state?.counters[String(counterNo)]?.current));

  useEffect(() => {
    try {
      if (counterNo) localStorage.setItem(COUNTER_KEY, String(counterNo));
    } catch {
      /* ignore */
    }
  }, [counterNo]);

  async function act(action: CounterAction, body: Record<string, unknown> = {}) {
    if (!counterNo) return;
    setBusy(action);
    setError(null);
    try {
      await hallRequest<CounterActionResponse>(`${HALL_PATHS.counters}/${counterNo}/${action}`, {
        body,
      });
    } catch (e) {
      setError(e instanceof HallApiError ? e.message : '操作失败，请重试');
    } finally {
      setBusy(null);
    }
  }

  if (!state) {
    return (
      <Card size="small" title="叫号">
        <Typography.Text type="secondary">
          {connected ? '正在加载…' : '未连接排队服务（单机模式请先启动本机排队服务）'}
        </Typography.Text>
      </Card>
    );
  }

  const counterCfg = state.config.counters.find((c) => c.no === counterNo);
  const cs = counterNo ? state.counters[String(counterNo)] : undefined;
  const current = cs?.current ? state.tickets[cs.current] : undefined;
  const currentCat = current ? categoryOf(state, current.categoryId) : undefined;
  const waiting = counterNo ? callableBy(state, counterNo).length : 0;
  const limit = state.config.recallLimit;
  const laneTag = current ? LANE_TAG[current.lane] : null;

  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <span>叫号</span>
          {!connected && <Tag color="orange">连接中断</Tag>}
          {cs?.paused && <Tag color="default">暂停服务中</Tag>}
        </Flex>
      }
      extra={
        <Select
          size="small"
          style={{ width: 130 }}
          placeholder="选择窗口"
          value={counterCfg ? counterCfg.no : undefined}
          onChange={(v: number) => setCounterNo(v)}
          options={state.config.counters.map((c) => ({ value: c.no, label: c.name }))}
          data-testid="counter-select"
        />
      }
      data-testid="counter-panel"
    >
      {!counterCfg ? (
        <Typography.Text type="secondary">请先选择本机对应的窗口</Typography.Text>
      ) : (
        <Flex vertical gap={10}>
          {error && (
            <Alert type="error" showIcon title={error} closable onClose={() => setError(null)} />
          )}
          <Flex align="baseline" gap={12}>
            <Typography.Title level={2} style={{ margin: 0 }} data-testid="counter-current">
              {current?.no ?? '—'}
            </Typography.Title>
            {current && (
              <>
                <span>{currentCat?.name}</span>
                {laneTag && <Tag color={laneTag[1]}>{laneTag[0]}</Tag>}
                <Typography.Text type="secondary">
                  重呼 {current.recalls}/{limit}
                </Typography.Text>
              </>
            )}
            <Typography.Text type="secondary" style={{ marginLeft: 'auto' }}>
              本窗口等候 {waiting} 人
            </Typography.Text>
          </Flex>
          <Flex wrap gap={8}>
            <Button
              type="primary"
              loading={busy === 'call-next'}
              disabled={cs?.paused || waiting === 0}
              onClick={() => void act('call-next')}
              data-testid="counter-call-next"
            >
              呼叫下一位
            </Button>
            <Button
              disabled={!current || current.recalls >= limit}
              loading={busy === 'recall'}
              onClick={() => void act('recall')}
            >
              重呼
            </Button>
            <Button
              disabled={!current}
              loading={busy === 'finish'}
              onClick={() => void act('finish')}
              data-testid="counter-finish"
            >
              完成
            </Button>
            <Button
              disabled={!current}
              danger
              loading={busy === 'no-show'}
              onClick={() => void act('no-show')}
            >
              过号
            </Button>
            <Button disabled={!current} loading={busy === 'hold'} onClick={() => void act('hold')}>
              挂起
            </Button>
            <Button disabled={!current} onClick={() => setTransferOpen(true)}>
              转移
            </Button>
            {cs?.paused ? (
              <Button loading={busy === 'resume'} onClick={() => void act('resume')}>
                恢复服务
              </Button>
            ) : (
              <Button loading={busy === 'pause'} onClick={() => void act('pause')}>
                暂停服务
              </Button>
            )}
            <Button
              type="dashed"
              disabled={!current}
              onClick={() =>
                current && onStartApplication(current.no, currentCat?.businessCodes ?? [])
              }
              data-testid="counter-start-application"
            >
              开始受理
            </Button>
          </Flex>
          {cs && cs.held.length > 0 && (
            <Flex wrap gap={6} align="center">
              <Typography.Text type="secondary">挂起：</Typography.Text>
              {cs.held.map((no) => (
                <Button
                  key={no}
                  size="small"
                  disabled={Boolean(current)}
                  onClick={() => void act('call-back', { ticketNo: no })}
                >
                  回呼 {no}
                </Button>
              ))}
            </Flex>
          )}
        </Flex>
      )}
      <Modal
        title={`转移 ${current?.no ?? ''}`}
        open={transferOpen}
        okText="转移"
        cancelText="取消"
        okButtonProps={{ disabled: !transferTarget }}
        onCancel={() => setTransferOpen(false)}
        onOk={() => {
          const body =
            transferKind === 'category'
              ? { toCategoryId: transferTarget }
              : { toCounterNo: Number(transferTarget) };
          setTransferOpen(false);
          setTransferTarget(null);
          void act('transfer', body);
        }}
      >
        <Flex vertical gap={12}>
          <Radio.Group
            value={transferKind}
            onChange={(e) => {
              setTransferKind(e.target.value as 'category' | 'counter');
              setTransferTarget(null);
            }}
            options={[
              { value: 'category', label: '转到其他业务类别' },
              { value: 'counter', label: '转到指定窗口' },
            ]}
          />
          <Select
            placeholder="请选择"
            value={transferTarget ?? undefined}
            onChange={(v: string) => setTransferTarget(v)}
            options={
              transferKind === 'category'
                ? state.config.categories
                    .filter((c) => c.id !== current?.categoryId)
                    .map((c) => ({ value: c.id, label: `${c.id} ${c.name}` }))
                : state.config.counters
                    .filter((c) => c.no !== counterNo)
                    .map((c) => ({ value: String(c.no), label: c.name }))
            }
          />
        </Flex>
      </Modal>
    </Card>
  );
}

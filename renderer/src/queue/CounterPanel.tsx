// Counter panel (叫号) in the desk: choose this desk's counter, call next (priority and green
// channel first), recall (bounded), no-show, hold / call back, transfer to a category or counter,
// pause / resume, finish, and start an application for the called ticket. Counter actions need
// this device to be paired with the hall service (or the manager's key in this session), and the
// desk's signed-in person takes the counter (issue 13: their staff number goes on every call).
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Flex, Modal, Radio, Select, Tag, Typography } from 'antd';
import {
  HALL_PATHS,
  callableBy,
  categoryOf,
  type CounterAction,
  type CounterActionResponse,
  type Lane,
  type WhoAmIResponse,
} from '../../../shared/queue';
import { useServingReport } from '../customer/busy';
import { QueueRatingNote } from '../customer/QueueRatingNote';
import { tr, useT, type Tr } from '../i18n';
import { HallApiError, hallRequest, setDevicePairing, useHallCredentials } from './client';
import { CounterSignIn } from './CounterSignIn';
import { PairingForm } from './Pairing';
import { useStaffGate } from '../staff/session';
import { useHallQueue } from './store';

export interface CounterPanelProps {
  /** Start an application for the called ticket (the ticket is recorded on the application). */
  onStartApplication: (ticketNo: string, businessCodes: string[]) => void;
  /**
   * The stand-alone counter page (no desk): with no desk session, a person signs in here with
   * staff number and password (CounterSignIn) once the hall service knows its people.
   */
  standalone?: boolean;
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

function laneTag(t: Tr, lane: Lane): [string, string] | null {
  if (lane === 'green') return [t('绿色通道', 'Green channel'), 'green'];
  if (lane === 'appointment') return [t('预约', 'Appointment'), 'blue'];
  if (lane === 'key') return [t('重点客户', 'Key customer'), 'gold'];
  return null;
}

export function CounterPanel({ onStartApplication, standalone = false }: CounterPanelProps) {
  const t = useT();
  const { state, connected } = useHallQueue();
  const creds = useHallCredentials();
  // A device paired for one counter acts for that counter only.
  const boundCounter = creds.device?.device.counterNo ?? null;
  const [chosenCounter, setCounterNo] = useState<number | null>(storedCounter);
  const counterNo = boundCounter ?? chosenCounter;
  const paired = Boolean(creds.device || creds.managerKey);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferKind, setTransferKind] = useState<'category' | 'counter'>('category');
  const [transferTarget, setTransferTarget] = useState<string | null>(null);
  // A ticket being served here is a customer's business in progress (update policy input).
  useServingReport(Boolean(counterNo && state?.counters[String(counterNo)]?.current));

  // The desk's signed-in person takes the counter (issue 13); a shift change signs the next one
  // in. One try per person and counter: a refusal (no clerk role) stays on screen.
  const staff = useStaffGate((g) => (g.session && !g.session.locked ? g.session : null));
  const counterStaff = counterNo ? (state?.counters[String(counterNo)]?.staffNo ?? null) : null;
  const [signInTried, setSignInTried] = useState<string | null>(null);
  useEffect(() => {
    if (!staff || !counterNo || !state || !paired || counterStaff === staff.staffNo) return;
    const key = `${counterNo}|${staff.staffNo}`;
    if (signInTried === key) return;
    setSignInTried(key);
    hallRequest(`${HALL_PATHS.counters}/${counterNo}/sign-in`, {
      body: { staffNo: staff.staffNo, name: staff.name, roles: staff.roles },
      auth: 'counter',
    }).catch((e: unknown) => {
      setError(
        e instanceof HallApiError
          ? e.message
          : tr('窗口登录失败，请重试', 'Counter sign-in failed'),
      );
    });
  }, [staff, counterNo, state, paired, counterStaff, signInTried]);

  // A revoked pairing shows at once (not at the first call): ask the service who we are.
  // It also tells whether the hall has people (a stand-alone counter then needs one signed in).
  const deviceToken = creds.device?.token;
  const [rosterKnown, setRosterKnown] = useState(false);
  useEffect(() => {
    if (!deviceToken) return;
    hallRequest<WhoAmIResponse>(HALL_PATHS.whoami, { auth: 'counter' })
      .then((w) => setRosterKnown(w.staffRoster === true))
      .catch(() => {
        /* E_AUTH_INVALID clears the pairing (client.ts); unreachable: retried at the next action */
      });
  }, [deviceToken]);

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
        auth: 'counter',
      });
    } catch (e) {
      setError(
        e instanceof HallApiError ? e.message : t('操作失败，请重试', 'Failed, please retry'),
      );
    } finally {
      setBusy(null);
    }
  }

  if (!state) {
    return (
      <Card size="small" title={t('叫号', 'Calling')}>
        <Typography.Text type="secondary">
          {connected
            ? t('正在加载…', 'Loading…')
            : t(
                '未连接排队服务（单机模式请先启动本机排队服务）',
                'Not connected to the queue service (single-machine mode: start the local queue service first)',
              )}
        </Typography.Text>
      </Card>
    );
  }
  if (!paired) {
    return (
      <Card size="small" title={t('叫号', 'Calling')} data-testid="counter-panel">
        <PairingForm compact />
      </Card>
    );
  }

  const counterCfg = state.config.counters.find((c) => c.no === counterNo);
  const cs = counterNo ? state.counters[String(counterNo)] : undefined;
  // The stand-alone page with no desk person: someone signs in here before any call.
  const needsPerson = standalone && !staff && rosterKnown && !cs?.staffNo;
  const current = cs?.current ? state.tickets[cs.current] : undefined;
  const currentCat = current ? categoryOf(state, current.categoryId) : undefined;
  const waiting = counterNo ? callableBy(state, counterNo).length : 0;
  const limit = state.config.recallLimit;
  const tag = current ? laneTag(t, current.lane) : null;

  return (
    <Card
      size="small"
      title={
        <Flex gap={8} align="center">
          <span>{t('叫号', 'Calling')}</span>
          {!connected && <Tag color="orange">{t('连接中断', 'Disconnected')}</Tag>}
          {cs?.paused && <Tag color="default">{t('暂停服务中', 'Paused')}</Tag>}
          {cs?.staffNo ? (
            <>
              <Tag color="blue" data-testid="counter-staff">
                {t('工号', 'Staff')} {cs.staffNo} {cs.staffName ?? ''}
              </Tag>
              {standalone && !staff && (
                <Button
                  size="small"
                  loading={busy === 'sign-out'}
                  onClick={() => void act('sign-out')}
                  data-testid="counter-sign-out"
                >
                  {t('签退', 'Sign out')}
                </Button>
              )}
            </>
          ) : (
            state.staffSeen && (
              <Tag color="red" data-testid="counter-staff">
                {t('未登录工号', 'Nobody signed in')}
              </Tag>
            )
          )}
        </Flex>
      }
      extra={
        <Flex gap={6} align="center">
          <Select
            size="small"
            style={{ width: 130 }}
            placeholder={t('选择窗口', 'Choose counter')}
            value={counterCfg ? counterCfg.no : undefined}
            disabled={boundCounter !== null}
            onChange={(v: number) => setCounterNo(v)}
            options={state.config.counters.map((c) => ({ value: c.no, label: c.name }))}
            data-testid="counter-select"
          />
          {creds.device && (
            <Button
              size="small"
              type="text"
              title={t(
                `本机已配对：${creds.device.device.name}。点击解除本机配对`,
                `Paired as ${creds.device.device.name}. Click to forget this pairing`,
              )}
              onClick={() => {
                if (window.confirm(t('解除本机与排队服务的配对？', 'Forget this pairing?'))) {
                  setDevicePairing(null);
                }
              }}
            >
              🔗
            </Button>
          )}
        </Flex>
      }
      data-testid="counter-panel"
    >
      {!counterCfg ? (
        <Typography.Text type="secondary">
          {t('请先选择本机对应的窗口', 'Choose the counter this desk serves')}
        </Typography.Text>
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
                {tag && <Tag color={tag[1]}>{tag[0]}</Tag>}
                <Typography.Text type="secondary">
                  {t('重呼', 'Recalls')} {current.recalls}/{limit}
                </Typography.Text>
              </>
            )}
            <Typography.Text type="secondary" style={{ marginLeft: 'auto' }}>
              {t(`本窗口等候 ${waiting} 人`, `${waiting} waiting for this counter`)}
            </Typography.Text>
          </Flex>
          {needsPerson && counterNo ? (
            <CounterSignIn counterNo={counterNo} />
          ) : (
            <Flex wrap gap={8}>
              <Button
                type="primary"
                loading={busy === 'call-next'}
                disabled={cs?.paused || waiting === 0}
                onClick={() => void act('call-next')}
                data-testid="counter-call-next"
              >
                {t('呼叫下一位', 'Call next')}
              </Button>
              <Button
                disabled={!current || current.recalls >= limit}
                loading={busy === 'recall'}
                onClick={() => void act('recall')}
              >
                {t('重呼', 'Recall')}
              </Button>
              <Button
                disabled={!current}
                loading={busy === 'finish'}
                onClick={() => void act('finish')}
                data-testid="counter-finish"
              >
                {t('完成', 'Finish')}
              </Button>
              <Button
                disabled={!current}
                danger
                loading={busy === 'no-show'}
                onClick={() => void act('no-show')}
              >
                {t('过号', 'No-show')}
              </Button>
              <Button
                disabled={!current}
                loading={busy === 'hold'}
                onClick={() => void act('hold')}
              >
                {t('挂起', 'Hold')}
              </Button>
              <Button disabled={!current} onClick={() => setTransferOpen(true)}>
                {t('转移', 'Transfer')}
              </Button>
              {cs?.paused ? (
                <Button loading={busy === 'resume'} onClick={() => void act('resume')}>
                  {t('恢复服务', 'Resume')}
                </Button>
              ) : (
                <Button loading={busy === 'pause'} onClick={() => void act('pause')}>
                  {t('暂停服务', 'Pause')}
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
                {t('开始受理', 'Start application')}
              </Button>
            </Flex>
          )}
          {/* Customer-screen ratings relayed to the queue: a quiet line for the clerk. */}
          <QueueRatingNote />
          {cs && cs.held.length > 0 && (
            <Flex wrap gap={6} align="center">
              <Typography.Text type="secondary">{t('挂起：', 'Held:')}</Typography.Text>
              {cs.held.map((no) => (
                <Button
                  key={no}
                  size="small"
                  disabled={Boolean(current)}
                  onClick={() => void act('call-back', { ticketNo: no })}
                >
                  {t('回呼', 'Call back')} {no}
                </Button>
              ))}
            </Flex>
          )}
        </Flex>
      )}
      <Modal
        title={`${t('转移', 'Transfer')} ${current?.no ?? ''}`}
        open={transferOpen}
        okText={t('转移', 'Transfer')}
        cancelText={t('取消', 'Cancel')}
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
              { value: 'category', label: t('转到其他业务类别', 'To another category') },
              { value: 'counter', label: t('转到指定窗口', 'To a given counter') },
            ]}
          />
          <Select
            placeholder={t('请选择', 'Choose')}
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

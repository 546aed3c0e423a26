// Manager view, "Appointments" tab (预约取号): staff book a slot for a customer who called or
// came by (category, day, slot; the service draws the six-digit check-in code to tell them),
// and see or cancel the day's bookings. The customer checks in at the kiosk with the code.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Flex, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import {
  HALL_PATHS,
  localDay,
  type Appointment,
  type AppointmentsResponse,
  type BookAppointmentResponse,
} from '../../../shared/queue';
import { hallInstant, hallTime } from '../../../shared/domain/hallTime';
import { useT } from '../i18n';
import { HallApiError, hallRequest } from './client';
import { useHallQueue } from './store';

/** Slot starts of a hall day from 08:00 until the daily clear time, on the configured grid. */
function slotsOf(day: string, slotMinutes: number, clearTime: string, timeZone: string): number[] {
  const [ch, cm] = clearTime.split(':').map(Number);
  const out: number[] = [];
  const end = (ch ?? 20) * 60 + (cm ?? 0);
  const p = (n: number) => String(n).padStart(2, '0');
  for (let min = 8 * 60; min + slotMinutes <= end; min += slotMinutes) {
    out.push(hallInstant(day, `${p(Math.floor(min / 60))}:${p(min % 60)}`, timeZone));
  }
  return out;
}

export function AppointmentsTab() {
  const t = useT();
  const { state } = useHallQueue();
  const tz = state?.config.timeZone;
  // Days and slot times are the hall's (its configured zone), whatever zone this PC is set to.
  const hhmm = (ms: number) => hallTime(ms, tz);
  const [day, setDay] = useState(() => localDay(Date.now(), tz));
  const [categoryId, setCategoryId] = useState<string | null>(null);
  const [slot, setSlot] = useState<number | null>(null);
  const [list, setList] = useState<Appointment[]>([]);
  const [booked, setBooked] = useState<BookAppointmentResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const settings = state?.config.appointments;

  const load = useCallback(() => {
    hallRequest<AppointmentsResponse>(`${HALL_PATHS.appointments}?day=${day}`, { auth: 'counter' })
      .then((r) => setList(r.appointments))
      .catch((e: unknown) =>
        setError(e instanceof HallApiError ? e.message : t('预约加载失败', 'Could not load')),
      );
  }, [day, t]);
  useEffect(load, [load]);

  const slots = useMemo(
    () =>
      settings && state
        ? slotsOf(
            day,
            settings.slotMinutes,
            state.config.dailyClearTime,
            state.config.timeZone,
          ).filter((s) => s + settings.slotMinutes * 60_000 > Date.now())
        : [],
    [day, settings, state],
  );

  if (!state || !settings) return <p>{t('正在加载…', 'Loading…')}</p>;
  if (!settings.enabled) {
    return (
      <Alert
        type="info"
        title={t(
          '本厅未开通预约取号：在「配置」中开启后可为客户预约时段。',
          'Appointments are off for this hall: turn them on under Configuration.',
        )}
      />
    );
  }

  const taken = (s: number, cat: string) =>
    list.filter((a) => a.slotStart === s && a.categoryId === cat && a.status !== 'cancelled')
      .length;

  async function bookIt() {
    if (!categoryId || slot === null) return;
    setBusy(true);
    setError(null);
    try {
      const res = await hallRequest<BookAppointmentResponse>(HALL_PATHS.appointments, {
        body: { categoryId, slotStart: slot },
        auth: 'counter',
      });
      setBooked(res);
      setSlot(null);
      load();
    } catch (e) {
      setError(e instanceof HallApiError ? e.message : t('预约失败', 'Booking failed'));
    } finally {
      setBusy(false);
    }
  }

  async function cancel(code: string) {
    setError(null);
    try {
      await hallRequest(`${HALL_PATHS.appointments}/${code}/cancel`, { body: {}, auth: 'counter' });
      load();
    } catch (e) {
      setError(e instanceof HallApiError ? e.message : t('取消失败', 'Cancel failed'));
    }
  }

  const catName = (id: string) => state.config.categories.find((c) => c.id === id)?.name ?? id;
  const statusTag = (a: Appointment) =>
    a.status === 'checked_in' ? (
      <Tag color="green">{t(`已签到 ${a.ticketNo ?? ''}`, `Checked in ${a.ticketNo ?? ''}`)}</Tag>
    ) : a.status === 'cancelled' ? (
      <Tag>{t('已取消', 'Cancelled')}</Tag>
    ) : (
      <Tag color="blue">{t('待签到', 'Booked')}</Tag>
    );

  return (
    <Flex vertical gap={16}>
      {error && (
        <Alert type="error" showIcon title={error} closable onClose={() => setError(null)} />
      )}
      <Card size="small" title={t('预约时段', 'Book a slot')}>
        <Flex gap={8} wrap align="center">
          <Input
            type="date"
            style={{ width: 160 }}
            value={day}
            onChange={(e) => {
              setDay(e.target.value);
              setSlot(null);
            }}
            data-testid="appointment-day"
          />
          <Select
            style={{ width: 180 }}
            placeholder={t('业务类别', 'Category')}
            value={categoryId ?? undefined}
            onChange={(v: string) => setCategoryId(v)}
            options={state.config.categories
              .filter((c) => c.enabled)
              .map((c) => ({ value: c.id, label: `${c.id} ${c.name}` }))}
            data-testid="appointment-category"
          />
          <Select
            style={{ width: 200 }}
            placeholder={t('时段', 'Slot')}
            value={slot ?? undefined}
            onChange={(v: number) => setSlot(v)}
            disabled={!categoryId}
            options={slots.map((s) => {
              const left = settings.perSlot - (categoryId ? taken(s, categoryId) : 0);
              return {
                value: s,
                disabled: left <= 0,
                label: `${hhmm(s)}–${hhmm(s + settings.slotMinutes * 60_000)} (${t(`余 ${left}`, `${left} left`)})`,
              };
            })}
            data-testid="appointment-slot"
          />
          <Button
            type="primary"
            loading={busy}
            disabled={!categoryId || slot === null}
            onClick={() => void bookIt()}
            data-testid="appointment-book"
          >
            {t('预约', 'Book')}
          </Button>
        </Flex>
        {booked && (
          <Flex vertical gap={4} style={{ marginTop: 12 }}>
            <Typography.Text>
              {t(
                `已预约 ${localDay(booked.appointment.slotStart, tz)} ${hhmm(booked.appointment.slotStart)}–${hhmm(booked.appointment.slotEnd)}，${catName(booked.appointment.categoryId)}。请告知客户预约码，凭码在取号机「预约签到」：`,
                `Booked ${localDay(booked.appointment.slotStart, tz)} ${hhmm(booked.appointment.slotStart)}–${hhmm(booked.appointment.slotEnd)}, ${catName(booked.appointment.categoryId)}. Tell the customer the code for the kiosk's "Appointment check-in":`,
              )}
            </Typography.Text>
            <Typography.Title
              level={2}
              copyable
              style={{ margin: 0, fontFamily: 'monospace', letterSpacing: 4 }}
              data-testid="appointment-code"
            >
              {booked.code}
            </Typography.Title>
            <Typography.Text type="secondary">
              {t(
                `时段开始前 ${settings.earlyMinutes} 分钟至结束后 ${settings.lateMinutes} 分钟内签到有效。`,
                `Check-in is open from ${settings.earlyMinutes} min before the slot to ${settings.lateMinutes} min after it.`,
              )}
            </Typography.Text>
          </Flex>
        )}
      </Card>
      <Card size="small" title={t(`${day} 的预约`, `Appointments on ${day}`)}>
        <Table
          size="small"
          pagination={false}
          rowKey="code"
          dataSource={list}
          columns={[
            {
              title: t('时段', 'Slot'),
              render: (_: unknown, a: Appointment) => `${hhmm(a.slotStart)}–${hhmm(a.slotEnd)}`,
            },
            {
              title: t('类别', 'Category'),
              dataIndex: 'categoryId',
              render: (v: string) => `${v} ${catName(v)}`,
            },
            { title: t('预约码', 'Code'), dataIndex: 'code' },
            { title: t('状态', 'Status'), render: (_: unknown, a: Appointment) => statusTag(a) },
            {
              title: '',
              render: (_: unknown, a: Appointment) =>
                a.status === 'booked' ? (
                  <Popconfirm
                    title={t('取消该预约？', 'Cancel this appointment?')}
                    okText={t('取消预约', 'Cancel it')}
                    cancelText={t('返回', 'Back')}
                    onConfirm={() => void cancel(a.code)}
                  >
                    <Button size="small" danger>
                      {t('取消', 'Cancel')}
                    </Button>
                  </Popconfirm>
                ) : null,
            },
          ]}
        />
      </Card>
    </Flex>
  );
}

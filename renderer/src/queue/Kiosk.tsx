// The ticket kiosk (#/kiosk): touch, large type. Pick a category (green channel for the elderly
// and disabled; optional 户号 / phone lookup routes known key customers to their lane), get a
// ticket with number, category, people ahead, estimated wait and time; print it (58/80 mm).
import { useEffect, useState } from 'react';
import { hallDateTime } from '../../../shared/domain/hallTime';
import { HALL_PATHS, waitingTickets, type IssueTicketResponse } from '../../../shared/queue';
import { shell } from '../shell/bridge';
import type { Tr } from '../i18n';
import { HallApiError, hallRequest, usePageLang } from './client';
import { useHallQueue } from './store';
import './queue.css';

const RETURN_AFTER_MS = 20_000;

/** Issue time on the hall's clock, whatever the kiosk PC's zone. */
function formatTime(ms: number, timeZone?: string): string {
  return hallDateTime(ms, timeZone);
}

function PrintableTicket({
  ticket,
  widthMm,
  t,
}: {
  ticket: IssueTicketResponse;
  widthMm: 58 | 80;
  t: Tr;
}) {
  const r = ticket.receipt;
  const printable = widthMm === 58 ? 48 : 72;
  return (
    <div className="hq-print" style={{ width: `${printable}mm` }}>
      {/* @page follows the configured roll width. */}
      <style>{`@media print { @page { size: ${widthMm}mm ${widthMm === 58 ? 90 : 110}mm; margin: 2mm; } }`}</style>
      <div style={{ fontSize: widthMm === 58 ? '10pt' : '12pt' }}>{ticket.hallName}</div>
      <div className="hq-print-no" style={{ fontSize: widthMm === 58 ? '30pt' : '40pt' }}>
        {r.ticketNo}
      </div>
      <div style={{ fontSize: widthMm === 58 ? '9pt' : '11pt', lineHeight: 1.5 }}>
        <div>
          {r.categoryName}
          {r.lane === 'green' ? t('（绿色通道）', ' (green channel)') : ''}
        </div>
        <div>
          {t(
            `前面还有 ${r.peopleAhead} 人 · 预计等候约 ${r.estimatedWaitMinutes} 分钟`,
            `${r.peopleAhead} ahead · about ${r.estimatedWaitMinutes} min wait`,
          )}
        </div>
        <div>
          {t('取号时间', 'Issued')} {formatTime(r.issuedAt, ticket.timeZone)}
        </div>
        <div>{ticket.ticketText}</div>
      </div>
    </div>
  );
}

export function KioskPage() {
  const { t, lang, setLang, reset: resetLang } = usePageLang();
  const { state, connected } = useHallQueue();
  const [green, setGreen] = useState(false);
  // The keypad: a key customer's 户号 / phone, or an appointment's check-in code.
  const [pad, setPad] = useState<'key' | 'checkin' | null>(null);
  const [ref, setRef] = useState('');
  const [apptCode, setApptCode] = useState('');
  const [keyHint, setKeyHint] = useState<string | null>(null);
  const [ticket, setTicket] = useState<IssueTicketResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // What went wrong, for the staff (the customer reads `error`, in their words).
  const [staffDetail, setStaffDetail] = useState<string | null>(null);

  /** A failure the customer can do nothing about: tell them where to go, keep the cause for staff. */
  function serviceDown(e: unknown): boolean {
    if (e instanceof HallApiError && e.code !== 'E_UNREACHABLE' && e.status < 500) return false;
    setError(t('暂停取号，请到窗口咨询', 'Ticketing is paused: please ask at a counter'));
    setStaffDetail(
      e instanceof HallApiError
        ? `${e.message} (${e.code})`
        : e instanceof Error
          ? e.message
          : String(e),
    );
    return true;
  }

  useEffect(() => {
    if (!ticket) return;
    const timer = window.setTimeout(() => {
      setTicket(null);
      setGreen(false);
      setRef('');
      setKeyHint(null);
      resetLang(); // the next customer starts in the hall's language
    }, RETURN_AFTER_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ticket]);

  async function issue(categoryId: string) {
    setBusy(true);
    setError(null);
    setStaffDetail(null);
    try {
      const res = await hallRequest<IssueTicketResponse>(HALL_PATHS.tickets, {
        body: { categoryId, green, ...(ref ? { customerRef: ref } : {}) },
      });
      setTicket(res);
    } catch (e) {
      if (serviceDown(e)) return;
      setError(
        e instanceof HallApiError
          ? e.message
          : t('取号失败，请重试或咨询工作人员', 'Could not issue a ticket; retry or ask the staff'),
      );
    } finally {
      setBusy(false);
    }
  }

  async function lookup() {
    setError(null);
    try {
      const res = await hallRequest<{ keyCustomer: boolean; categoryName: string | null }>(
        HALL_PATHS.lookup,
        { body: { customerRef: ref } },
      );
      setKeyHint(
        res.keyCustomer
          ? t(
              '已识别为重点客户，请选择您要办理的业务取号（提供重点客户通道的业务优先叫号）',
              'Recognised as a key customer: choose your business (served first where it has a key-customer lane)',
            )
          : t(
              '未查到重点客户信息，请直接选择业务取号',
              'Not found as a key customer: just choose your business',
            ),
      );
      if (!res.keyCustomer) setRef('');
      setPad(null);
    } catch (e) {
      if (serviceDown(e)) return;
      setError(e instanceof HallApiError ? e.message : t('查询失败', 'Lookup failed'));
    }
  }

  async function checkIn() {
    setBusy(true);
    setError(null);
    try {
      const res = await hallRequest<IssueTicketResponse>(HALL_PATHS.checkIn, {
        body: { code: apptCode },
      });
      setTicket(res);
      setPad(null);
    } catch (e) {
      if (serviceDown(e)) return;
      setError(
        e instanceof HallApiError
          ? e.message
          : t('签到失败，请重试或咨询工作人员', 'Check-in failed; retry or ask the staff'),
      );
    } finally {
      setApptCode('');
      setBusy(false);
    }
  }

  const appointmentsOn = state?.config.appointments?.enabled ?? false;
  const padValue = pad === 'checkin' ? apptCode : ref;
  const setPadValue = pad === 'checkin' ? setApptCode : setRef;
  const padMax = pad === 'checkin' ? 6 : 20;

  const widthMm = state?.config.ticketWidthMm ?? 80;
  const hasKeyLane = state?.config.categories.some((c) => c.keyLane && c.enabled) ?? false;
  const keyCustomersKnown = hasKeyLane;

  return (
    <div className="hq-full hq-kiosk" data-testid="queue-kiosk">
      <header>
        <span>
          {state?.config.hallName ?? t('供电营业厅', 'Electricity service hall')} ·{' '}
          {t('自助取号', 'Take a number')}
        </span>
        <span style={{ display: 'flex', gap: '2vw', alignItems: 'center' }}>
          {!connected && (
            <span style={{ fontSize: '3vh', color: '#ffd60a' }}>
              {t('正在连接…', 'Connecting…')}
            </span>
          )}
          <button
            type="button"
            className="hq-lang-button"
            onClick={() => setLang(lang === 'en' ? 'zh' : 'en')}
            data-testid="kiosk-lang"
          >
            {lang === 'en' ? '中文' : 'English'}
          </button>
        </span>
      </header>
      <div className="hq-kiosk-body">
        {error && (
          <p className="hq-error" role="alert" data-testid="kiosk-error">
            {error}
          </p>
        )}
        {error && staffDetail && (
          <p className="hq-staff-detail" data-testid="kiosk-staff-detail">
            {t('工作人员：', 'Staff: ')}
            {staffDetail}
          </p>
        )}
        {ticket ? (
          <div className="hq-ticket" data-testid="kiosk-ticket">
            <div>{t('您的号码', 'Your number')}</div>
            <div className="hq-ticket-no" data-testid="kiosk-ticket-no">
              {ticket.receipt.ticketNo}
            </div>
            <dl>
              <dt>{t('业务类别', 'Category')}</dt>
              <dd>
                {ticket.receipt.categoryName}
                {ticket.receipt.lane === 'green' ? t('（绿色通道）', ' (green channel)') : ''}
                {ticket.receipt.lane === 'key' ? t('（重点客户）', ' (key customer)') : ''}
                {ticket.receipt.lane === 'appointment' ? t('（预约）', ' (appointment)') : ''}
              </dd>
              <dt>{t('前面等候', 'Ahead of you')}</dt>
              <dd data-testid="kiosk-ahead">
                {t(`${ticket.receipt.peopleAhead} 人`, `${ticket.receipt.peopleAhead}`)}
              </dd>
              <dt>{t('预计等候', 'Estimated wait')}</dt>
              <dd>
                {t(
                  `约 ${ticket.receipt.estimatedWaitMinutes} 分钟`,
                  `about ${ticket.receipt.estimatedWaitMinutes} min`,
                )}
              </dd>
              <dt>{t('取号时间', 'Issued')}</dt>
              <dd>{formatTime(ticket.receipt.issuedAt, ticket.timeZone)}</dd>
            </dl>
            <p style={{ fontSize: '2.8vh', color: '#475569' }}>{ticket.ticketText}</p>
            <div className="hq-toggle">
              <button
                type="button"
                className="hq-big-button"
                onClick={() => {
                  // Electron: silent print to the ticket printer; a browser: the print dialog
                  // with the 58/80 mm layout below.
                  shell
                    .printTicket({
                      ticketNo: ticket.receipt.ticketNo,
                      categoryName: ticket.receipt.categoryName,
                      hallName: ticket.hallName,
                      waitingAhead: Math.min(9999, ticket.receipt.peopleAhead),
                      estimatedWaitMin: Math.min(1440, ticket.receipt.estimatedWaitMinutes),
                      issuedAt: new Date(ticket.receipt.issuedAt).toISOString(),
                      ...(ticket.timeZone ? { timeZone: ticket.timeZone } : {}),
                      note: ticket.ticketText.slice(0, 120),
                      widthMm,
                    })
                    .then((r) => {
                      if (!r.printed)
                        setError(
                          r.message ??
                            t('打印失败，请联系工作人员', 'Printing failed; please ask the staff'),
                        );
                    })
                    .catch(() =>
                      setError(
                        t('打印失败，请联系工作人员', 'Printing failed; please ask the staff'),
                      ),
                    );
                }}
              >
                {t('打印号票', 'Print ticket')}
              </button>
              <button
                type="button"
                className="hq-big-button hq-secondary"
                onClick={() => {
                  setTicket(null);
                  setGreen(false);
                  setRef('');
                  setKeyHint(null);
                  resetLang();
                }}
              >
                {t('完成', 'Done')}
              </button>
            </div>
            <PrintableTicket ticket={ticket} widthMm={widthMm} t={t} />
          </div>
        ) : pad ? (
          <div style={{ textAlign: 'center' }}>
            <p>
              {pad === 'checkin'
                ? t('请输入 6 位预约码', 'Enter your 6-digit appointment code')
                : t(
                    '请输入户号或手机号（仅用于识别重点客户，不会显示或保存）',
                    'Enter your account number or phone (only to recognise key customers; never shown or stored)',
                  )}
            </p>
            <div
              style={{ fontSize: '6vh', letterSpacing: '0.5vw', minHeight: '8vh' }}
              data-testid="kiosk-ref"
            >
              {(pad === 'checkin' ? padValue : padValue.replace(/.(?=.{4})/g, '•')) || '\u00a0'}
            </div>
            <div className="hq-keypad">
              {['1', '2', '3', '4', '5', '6', '7', '8', '9', 'C', '0', '←'].map((k) => (
                <button
                  key={k}
                  type="button"
                  onClick={() => {
                    if (k === 'C') setPadValue('');
                    else if (k === '←') setPadValue((r) => r.slice(0, -1));
                    else setPadValue((r) => (r.length < padMax ? r + k : r));
                  }}
                >
                  {k === 'C' ? t('清除', 'Clear') : k}
                </button>
              ))}
            </div>
            <div className="hq-toggle">
              <button
                type="button"
                className="hq-big-button"
                disabled={busy || (pad === 'checkin' ? padValue.length !== 6 : padValue.length < 4)}
                onClick={() => void (pad === 'checkin' ? checkIn() : lookup())}
                data-testid="kiosk-pad-ok"
              >
                {t('确定', 'OK')}
              </button>
              <button
                type="button"
                className="hq-big-button hq-secondary"
                onClick={() => {
                  setRef('');
                  setApptCode('');
                  setPad(null);
                }}
              >
                {t('返回', 'Back')}
              </button>
            </div>
          </div>
        ) : (
          <>
            <p style={{ margin: '0 0 3vh' }}>
              {t('请选择您要办理的业务', 'Please choose your business')}
            </p>
            <div className="hq-cat-grid">
              {state?.config.categories
                .filter((c) => c.enabled)
                .map((c) => (
                  <button
                    key={c.id}
                    type="button"
                    className={`hq-big-button ${green ? 'hq-green' : ''}`}
                    disabled={busy || !state}
                    data-testid={`kiosk-category-${c.id}`}
                    onClick={() => void issue(c.id)}
                  >
                    {c.name}
                    <small>
                      {t(
                        `${c.id} 类 · 等候 ${waitingTickets(state, c.id).length} 人`,
                        `${c.id} · ${waitingTickets(state, c.id).length} waiting`,
                      )}
                    </small>
                  </button>
                ))}
            </div>
            <div className="hq-toggle">
              <button
                type="button"
                className={`hq-big-button ${green ? 'hq-green' : 'hq-secondary'}`}
                aria-pressed={green}
                onClick={() => setGreen((g) => !g)}
              >
                {green ? '✓ ' : ''}
                {t(
                  '绿色通道（老年人、残疾人、孕妇）',
                  'Green channel (elderly, disabled, pregnant)',
                )}
              </button>
              {keyCustomersKnown && (
                <button
                  type="button"
                  className="hq-big-button hq-secondary"
                  onClick={() => setPad('key')}
                >
                  {t('重点客户：输入户号/手机号', 'Key customers: account no. / phone')}
                </button>
              )}
              {appointmentsOn && (
                <button
                  type="button"
                  className="hq-big-button hq-secondary"
                  onClick={() => setPad('checkin')}
                  data-testid="kiosk-checkin"
                >
                  {t('预约签到', 'Appointment check-in')}
                </button>
              )}
            </div>
            {keyHint && <p style={{ color: '#0b5394' }}>{keyHint}</p>}
          </>
        )}
      </div>
    </div>
  );
}

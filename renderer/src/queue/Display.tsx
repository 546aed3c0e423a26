// The hall's display screen (#/display): full screen and readable from 10 m. Each counter's
// current call, the latest call highlighted, the last calls, waiting counts per category, paused
// counters, a scrolling notice; every call is read out (chime + zh-CN speech, queued). Ticket
// numbers and counters only: the state it reads carries no names, phones or ID numbers. The
// screen's text follows the language (`?lang=en`); the spoken call stays the configured zh-CN
// template.
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  ANNOUNCED_EVENTS,
  announcementText,
  displayView,
  waitingTickets,
} from '../../../shared/queue';
import { hallTime } from '../../../shared/domain/hallTime';
import { usePageLang } from './client';
import { Announcer } from './speech';
import { hallConnection, useHallQueue } from './store';
import './queue.css';

function useClock(offsetMs: number): Date {
  const [now, setNow] = useState(() => new Date(Date.now() + offsetMs));
  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date(Date.now() + offsetMs)), 1000);
    return () => window.clearInterval(t);
  }, [offsetMs]);
  return now;
}

export function DisplayPage() {
  const { t } = usePageLang();
  const { state, connected, clockOffsetMs } = useHallQueue();
  const now = useClock(clockOffsetMs);
  const [speaking, setSpeaking] = useState<string | null>(null);
  const [audioReady, setAudioReady] = useState(false);
  const [flashKey, setFlashKey] = useState(0);
  const announcerRef = useRef<Announcer | null>(null);

  useEffect(() => {
    const announcer = new Announcer({
      onSpeaking: setSpeaking,
      now: () => Date.now() + hallConnection().view.clockOffsetMs,
      maxAgeMs: () => (hallConnection().view.state?.config.announcementMaxAgeSeconds ?? 30) * 1000,
    });
    announcerRef.current = announcer;
    announcer.tryAutoUnlock();
    const t = window.setTimeout(() => setAudioReady(announcer.audioReady), 500);
    // Announce live calls only (not the snapshot a screen gets when it connects or reconnects).
    const off = hallConnection().onEvent((event) => {
      if (!ANNOUNCED_EVENTS.has(event.type) || !('ticketNo' in event) || !('counterNo' in event)) {
        return;
      }
      const { state: live, clockOffsetMs: offset } = hallConnection().view;
      const cfg = live?.config;
      if (!cfg) return;
      // After a reconnect the missed events are replayed: do not read out stale calls.
      if (Date.now() + offset - event.at > 60_000) return;
      announcer.enqueue({
        text: announcementText(cfg, event.ticketNo, event.counterNo),
        repeat: cfg.announcementRepeat,
        counterNo: event.counterNo,
        ticketNo: event.ticketNo,
        at: event.at,
      });
      setFlashKey((k) => k + 1);
    });
    return () => {
      off();
      window.clearTimeout(t);
      announcer.stop();
      announcerRef.current = null;
    };
  }, []);

  const waiting = useMemo(() => {
    if (!state) return [];
    return state.config.categories
      .filter((c) => c.enabled)
      .map((c) => ({ id: c.id, name: c.name, count: waitingTickets(state, c.id).length }));
  }, [state]);

  if (!state) {
    return (
      <div
        className="hq-full hq-display"
        style={{ display: 'flex', alignItems: 'center', justifyContent: 'center', fontSize: '5vh' }}
      >
        {connected
          ? t('正在加载…', 'Loading…')
          : t('正在连接排队服务…', 'Connecting to the queue service…')}
      </div>
    );
  }

  const view = displayView(state);
  const latest = view.now;
  // The hall's clock (its configured zone), whatever zone the display PC is set to.
  const time = hallTime(now, state.config.timeZone);
  return (
    <div className="hq-full hq-display" data-testid="queue-display">
      <header>
        <span>
          {state.config.hallName} · {t('叫号', 'Now calling')}
        </span>
        <span>
          {!connected && (
            <span style={{ color: '#ffb703', marginRight: '2vw' }}>
              {t('连接中断，正在重连', 'Connection lost, reconnecting')}
            </span>
          )}
          {time}
        </span>
      </header>
      <main>
        <section
          key={flashKey}
          className={`hq-now ${flashKey > 0 ? 'hq-flash' : ''}`}
          data-testid="display-now"
        >
          {latest ? (
            <>
              <div style={{ fontSize: '4vh', color: '#334155' }}>{t('请', 'Number')}</div>
              <div className="hq-now-ticket" data-testid="display-now-ticket">
                {latest.ticketNo}
              </div>
              <div className="hq-now-counter">
                {t(`到 ${latest.counterNo} 号窗口`, `to counter ${latest.counterNo}`)}
              </div>
            </>
          ) : (
            <div style={{ fontSize: '6vh', color: '#0b2545' }}>{t('欢迎光临', 'Welcome')}</div>
          )}
        </section>
        <section className="hq-counters">
          {view.counters.map((c) => (
            <div
              key={c.no}
              data-testid={`display-counter-${c.no}`}
              className={`hq-counter ${c.paused ? 'hq-paused' : ''} ${latest?.counterNo === c.no ? 'hq-active' : ''}`}
            >
              <div>{t(`${c.no}号窗口`, `Counter ${c.no}`)}</div>
              {c.paused ? (
                <>
                  {/* Short enough for the cell at any width; the ticket still served stays. */}
                  <div className="hq-counter-paused" data-testid={`display-counter-${c.no}-paused`}>
                    {t('暂停服务', 'Closed')}
                  </div>
                  {c.current && (
                    <div className="hq-counter-ticket hq-counter-ticket-small">{c.current}</div>
                  )}
                </>
              ) : (
                <div className="hq-counter-ticket">{c.current ?? '—'}</div>
              )}
            </div>
          ))}
        </section>
        <section className="hq-recent">
          <h2>{t('最近呼叫', 'Recent calls')}</h2>
          <ul data-testid="display-recent">
            {view.recent.map((call) => (
              <li key={`${call.at}-${call.ticketNo}-${call.kind}`}>
                <b>{call.ticketNo}</b>
                <span>{t(`${call.counterNo}号窗口`, `Counter ${call.counterNo}`)}</span>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <div className="hq-waiting" data-testid="display-waiting">
        <span style={{ color: '#8ecae6' }}>{t('等候人数', 'Waiting')}</span>
        {waiting.map((w) => (
          <span key={w.id}>
            {w.name} <b style={{ color: '#ffd60a' }}>{w.count}</b>
          </span>
        ))}
        {speaking && <span style={{ marginLeft: 'auto', color: '#ffd60a' }}>🔊 {speaking}</span>}
      </div>
      <div className="hq-marquee">
        <span>{state.config.scrollingNotice}</span>
      </div>
      {!audioReady && (
        <button
          type="button"
          className="hq-overlay-button"
          onClick={() => {
            void announcerRef.current?.unlock().then(setAudioReady);
          }}
        >
          {t('点击启用语音播报', 'Click to enable voice announcements')}
        </button>
      )}
    </div>
  );
}

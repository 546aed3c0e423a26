// The hall's display screen (#/display): full screen and readable from 10 m. Each counter's
// current call, the latest call highlighted, the last calls, waiting counts per category, paused
// counters, a scrolling notice; every call is read out (chime + zh-CN speech, queued). Ticket
// numbers and counters only: the state it reads carries no names, phones or ID numbers.
import { useEffect, useMemo, useRef, useState } from 'react';
import { ANNOUNCED_EVENTS, announcementText, waitingTickets } from '../../../shared/queue';
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
  const { state, connected, clockOffsetMs } = useHallQueue();
  const now = useClock(clockOffsetMs);
  const [speaking, setSpeaking] = useState<string | null>(null);
  const [audioReady, setAudioReady] = useState(false);
  const [flashKey, setFlashKey] = useState(0);
  const announcerRef = useRef<Announcer | null>(null);

  useEffect(() => {
    const announcer = new Announcer({ onSpeaking: setSpeaking });
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
      announcer.enqueue(
        announcementText(cfg, event.ticketNo, event.counterNo),
        cfg.announcementRepeat,
      );
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
        {connected ? '正在加载…' : '正在连接排队服务…'}
      </div>
    );
  }

  const latest = state.recentCalls[0];
  const time = `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
  return (
    <div className="hq-full hq-display" data-testid="queue-display">
      <header>
        <span>{state.config.hallName} · 叫号</span>
        <span>
          {!connected && (
            <span style={{ color: '#ffb703', marginRight: '2vw' }}>连接中断，正在重连</span>
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
              <div style={{ fontSize: '4vh', color: '#334155' }}>请</div>
              <div className="hq-now-ticket" data-testid="display-now-ticket">
                {latest.ticketNo}
              </div>
              <div className="hq-now-counter">到 {latest.counterNo} 号窗口</div>
            </>
          ) : (
            <div style={{ fontSize: '6vh', color: '#0b2545' }}>欢迎光临</div>
          )}
        </section>
        <section className="hq-counters">
          {state.config.counters.map((c) => {
            const cs = state.counters[String(c.no)];
            const paused = cs?.paused ?? false;
            return (
              <div
                key={c.no}
                data-testid={`display-counter-${c.no}`}
                className={`hq-counter ${paused ? 'hq-paused' : ''} ${latest?.counterNo === c.no ? 'hq-active' : ''}`}
              >
                <div>{c.no}号窗口</div>
                <div className="hq-counter-ticket">
                  {paused ? `${c.no}号窗口暂停服务` : (cs?.current ?? '—')}
                </div>
              </div>
            );
          })}
        </section>
        <section className="hq-recent">
          <h2>最近呼叫</h2>
          <ul data-testid="display-recent">
            {state.recentCalls.slice(0, 8).map((call) => (
              <li key={`${call.at}-${call.ticketNo}-${call.kind}`}>
                <b>{call.ticketNo}</b>
                <span>{call.counterNo}号窗口</span>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <div className="hq-waiting" data-testid="display-waiting">
        <span style={{ color: '#8ecae6' }}>等候人数</span>
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
          点击启用语音播报
        </button>
      )}
    </div>
  );
}

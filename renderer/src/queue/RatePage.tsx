// Customer rating pad (#/rate?counter=N), on the counter's customer-facing screen: after the
// clerk finishes, the customer picks a level; a bad rating asks for a reason before it is sent.
import { useEffect, useState } from 'react';
import { HALL_PATHS } from '../../../shared/queue';
import { HallApiError, hallRequest, pageParam } from './client';
import { useHallQueue } from './store';
import './queue.css';

const BAD_REASONS = ['等候时间长', '办理效率低', '服务态度不好', '业务不熟练', '环境设施不好'];

function useCounterParam(): number | null {
  const [value, setValue] = useState(() => Number(pageParam('counter')) || null);
  useEffect(() => {
    const on = () => setValue(Number(pageParam('counter')) || null);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return value;
}

export function RatePage() {
  const counterNo = useCounterParam();
  const { state, connected } = useHallQueue();
  const [chosen, setChosen] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [thanks, setThanks] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const awaiting = counterNo ? (state?.counters[String(counterNo)]?.awaitingRating ?? null) : null;

  useEffect(() => {
    // A new customer to rate: start clean.
    setChosen(null);
    setReason('');
    setError(null);
  }, [awaiting]);

  useEffect(() => {
    if (!thanks) return;
    const t = window.setTimeout(() => setThanks(false), 4000);
    return () => window.clearTimeout(t);
  }, [thanks]);

  async function submit(level: number, why?: string) {
    if (!counterNo || !awaiting) return;
    setError(null);
    try {
      await hallRequest(HALL_PATHS.ratings, {
        body: { counterNo, level, ticketNo: awaiting, ...(why ? { reason: why } : {}) },
      });
      setThanks(true);
    } catch (e) {
      setError(e instanceof HallApiError ? e.message : '提交失败，请重试');
    }
  }

  const levels = state?.config.ratingLevels ?? [];
  const chosenLevel = levels.find((l) => l.value === chosen);

  let body;
  if (!counterNo) body = <p>请在地址中指定窗口，例如 #/rate?counter=1</p>;
  else if (!state) body = <p>{connected ? '正在加载…' : '正在连接排队服务…'}</p>;
  else if (thanks) body = <p data-testid="rate-thanks">感谢您的评价！</p>;
  else if (!awaiting) {
    body = (
      <p>
        欢迎光临 {counterNo} 号窗口
        <br />
        <small style={{ color: '#64748b' }}>业务办理完成后请在此评价</small>
      </p>
    );
  } else if (chosenLevel?.bad) {
    body = (
      <>
        <p>很抱歉让您不满意，请告诉我们原因</p>
        <div className="hq-rate-levels">
          {BAD_REASONS.map((r) => (
            <button
              key={r}
              type="button"
              className={`hq-big-button ${reason === r ? '' : 'hq-secondary'}`}
              onClick={() => setReason(r)}
            >
              {r}
            </button>
          ))}
        </div>
        <input
          aria-label="其他原因"
          placeholder="其他原因（可选填写）"
          value={BAD_REASONS.includes(reason) ? '' : reason}
          onChange={(e) => setReason(e.target.value)}
          style={{ fontSize: '3.5vh', padding: '1vh 1vw', width: '60vw' }}
        />
        <div className="hq-rate-levels">
          <button
            type="button"
            className="hq-big-button"
            disabled={!reason.trim()}
            onClick={() => void submit(chosenLevel.value, reason.trim())}
          >
            提交评价
          </button>
          <button
            type="button"
            className="hq-big-button hq-secondary"
            onClick={() => setChosen(null)}
          >
            返回
          </button>
        </div>
      </>
    );
  } else {
    body = (
      <>
        <p>
          请对 {counterNo} 号窗口本次服务（{awaiting}）进行评价
        </p>
        <div className="hq-rate-levels">
          {levels.map((l) => (
            <button
              key={l.value}
              type="button"
              className={`hq-big-button ${l.bad ? 'hq-secondary' : ''}`}
              data-testid={`rate-level-${l.value}`}
              onClick={() => {
                if (l.bad) setChosen(l.value);
                else void submit(l.value);
              }}
            >
              {l.label}
            </button>
          ))}
        </div>
      </>
    );
  }

  return (
    <div className="hq-full hq-rate" data-testid="queue-rate">
      {error && (
        <p className="hq-error" role="alert">
          {error}
        </p>
      )}
      {body}
    </div>
  );
}

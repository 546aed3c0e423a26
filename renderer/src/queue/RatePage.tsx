// Customer rating pad (#/rate?counter=N), on the counter's customer-facing screen: after the
// clerk finishes, the customer picks a level; a bad rating asks for a reason before it is sent.
// It runs as the counter's paired device (same browser profile as the desk, or paired itself).
import { useEffect, useState } from 'react';
import { HALL_PATHS } from '../../../shared/queue';
import { useLang, useT } from '../i18n';
import { HallApiError, hallRequest, pageParam, useHallCredentials } from './client';
import { PairingForm } from './Pairing';
import { useHallQueue } from './store';
import './queue.css';

/** Reasons offered for a bad rating: stored in Chinese (the statistics' language), shown in both. */
const BAD_REASONS: Array<[string, string]> = [
  ['等候时间长', 'Long wait'],
  ['办理效率低', 'Slow service'],
  ['服务态度不好', 'Unfriendly staff'],
  ['业务不熟练', 'Staff unsure of the business'],
  ['环境设施不好', 'Poor facilities'],
];
const RATING_EN: Record<string, string> = {
  非常满意: 'Very satisfied',
  满意: 'Satisfied',
  基本满意: 'Fairly satisfied',
  不满意: 'Dissatisfied',
  非常不满意: 'Very dissatisfied',
};

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
  const t = useT();
  const lang = useLang();
  const counterNo = useCounterParam();
  const { state, connected } = useHallQueue();
  const creds = useHallCredentials();
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
        auth: 'counter',
      });
      setThanks(true);
    } catch (e) {
      setError(
        e instanceof HallApiError ? e.message : t('提交失败，请重试', 'Failed, please retry'),
      );
    }
  }

  const levels = state?.config.ratingLevels ?? [];
  const chosenLevel = levels.find((l) => l.value === chosen);

  const label = (zh: string) => (lang === 'en' ? (RATING_EN[zh] ?? zh) : zh);
  const isPreset = BAD_REASONS.some(([zh]) => zh === reason);

  let body;
  if (!counterNo) {
    body = (
      <p>
        {t(
          '请在地址中指定窗口，例如 #/rate?counter=1',
          'Give the counter in the address, e.g. #/rate?counter=1',
        )}
      </p>
    );
  } else if (!creds.device && !creds.managerKey) {
    body = (
      <div
        style={{
          fontSize: 16,
          background: '#fff',
          padding: 24,
          borderRadius: 8,
          textAlign: 'left',
        }}
      >
        <PairingForm />
      </div>
    );
  } else if (!state) {
    body = (
      <p>
        {connected
          ? t('正在加载…', 'Loading…')
          : t('正在连接排队服务…', 'Connecting to the queue service…')}
      </p>
    );
  } else if (thanks) {
    body = <p data-testid="rate-thanks">{t('感谢您的评价！', 'Thank you for your rating!')}</p>;
  } else if (!awaiting) {
    body = (
      <p>
        {t(`欢迎光临 ${counterNo} 号窗口`, `Welcome to counter ${counterNo}`)}
        <br />
        <small style={{ color: '#64748b' }}>
          {t('业务办理完成后请在此评价', 'Please rate our service here when your business is done')}
        </small>
      </p>
    );
  } else if (chosenLevel?.bad) {
    body = (
      <>
        <p>{t('很抱歉让您不满意，请告诉我们原因', 'We are sorry. Please tell us why')}</p>
        <div className="hq-rate-levels">
          {BAD_REASONS.map(([zh, en]) => (
            <button
              key={zh}
              type="button"
              className={`hq-big-button ${reason === zh ? '' : 'hq-secondary'}`}
              onClick={() => setReason(zh)}
            >
              {t(zh, en)}
            </button>
          ))}
        </div>
        <input
          aria-label={t('其他原因', 'Other reason')}
          placeholder={t('其他原因（可选填写）', 'Other reason (optional)')}
          value={isPreset ? '' : reason}
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
            {t('提交评价', 'Submit')}
          </button>
          <button
            type="button"
            className="hq-big-button hq-secondary"
            onClick={() => setChosen(null)}
          >
            {t('返回', 'Back')}
          </button>
        </div>
      </>
    );
  } else {
    body = (
      <>
        <p>
          {t(
            `请对 ${counterNo} 号窗口本次服务（${awaiting}）进行评价`,
            `Please rate the service at counter ${counterNo} (${awaiting})`,
          )}
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
              {label(l.label)}
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

// The customer-facing screen (#/customer) on the desk's second monitor: shows what the desk sends
// (welcome, the masked application summary to confirm, the signature pad, the rating, thanks)
// and answers through shell.customer.respond. It keeps no data and needs no local database.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CustomerResponse, CustomerView } from '../../../shared/ipc/contract';
import { useT } from '../i18n';
import { shell } from '../shell/bridge';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad';
import './customer.css';

/** Reasons offered when the summary is wrong (the customer may also type one). */
const WRONG_REASONS = [
  '姓名有误',
  '证件号码有误',
  '联系电话有误',
  '用电地址有误',
  '业务类型有误',
  '资料有误',
];
/** Reasons offered for a bad rating. */
const BAD_REASONS = ['等候时间长', '办理效率低', '服务态度不好', '业务不熟练', '环境设施不好'];
/** The thanks page returns to the welcome page after this long. */
const THANKS_MS = 8000;

/** The hall's name from the last welcome view, so a reloaded screen greets with it too. */
const HALL_NAME_KEY = 'halldesk.customer.hallName';

function idleView(): CustomerView {
  try {
    const title = localStorage.getItem(HALL_NAME_KEY);
    return title ? { stage: 'idle', title } : { stage: 'idle' };
  } catch {
    return { stage: 'idle' };
  }
}

/** Levels that ask for a reason: as configured, else by name (不满意 / 非常不满意). */
export function isBadLevel(view: CustomerView, level: string): boolean {
  if (view.badRatingLevels) return view.badRatingLevels.includes(level);
  return level.includes('不满意');
}

export function CustomerScreen() {
  const t = useT();
  const [view, setView] = useState<CustomerView>(idleView);
  // Bumped on every view from the desk, so a repeated stage starts clean.
  const [serial, setSerial] = useState(0);

  useEffect(
    () =>
      shell.on('customer:view', (v) => {
        if (v.stage === 'idle' && v.title) {
          try {
            localStorage.setItem(HALL_NAME_KEY, v.title);
          } catch {
            // storage unavailable: the name shows until the next reload
          }
        }
        setView(v.stage === 'idle' && !v.title ? idleView() : v);
        setSerial((n) => n + 1);
      }),
    [],
  );

  useEffect(() => {
    if (view.stage !== 'thanks') return;
    const timer = window.setTimeout(() => setView(idleView()), THANKS_MS);
    return () => window.clearTimeout(timer);
  }, [view, serial]);

  let body: React.ReactNode;
  if (view.stage === 'confirm') body = <ConfirmStage key={serial} view={view} />;
  else if (view.stage === 'sign') body = <SignStage key={serial} view={view} />;
  else if (view.stage === 'rate') body = <RateStage key={serial} view={view} />;
  else if (view.stage === 'thanks') {
    body = (
      <div className="cs-welcome" data-testid="customer-thanks">
        <h1>{t('感谢您的配合！', 'Thank you!')}</h1>
        <p>{view.title ?? t('祝您生活愉快', 'Have a nice day')}</p>
      </div>
    );
  } else {
    body = (
      <div className="cs-welcome" data-testid="customer-idle">
        <h1>{t('欢迎光临', 'Welcome')}</h1>
        <p>{view.title ?? t('供电营业厅', 'Electricity service hall')}</p>
      </div>
    );
  }
  return (
    <div className="cs-root" data-testid="customer-screen" data-stage={view.stage}>
      <header className="cs-head">
        {view.stage === 'idle' || view.stage === 'thanks'
          ? t('客户服务屏', 'Customer screen')
          : (view.title ?? t('业务办理', 'Your application'))}
      </header>
      <main className="cs-main">{body}</main>
    </div>
  );
}

/** Sends a response; says so on screen when no desk took it. */
function useRespond() {
  const t = useT();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const respond = useCallback(
    async (r: CustomerResponse) => {
      setSending(true);
      setError(null);
      try {
        const delivered = await shell.customer.respond(r);
        if (delivered) setSent(true);
        else
          setError(
            t('未能送达受理台，请稍候重试或告知工作人员', 'The desk did not answer; please retry'),
          );
      } catch {
        setError(t('发送失败，请告知工作人员', 'Sending failed; please tell the clerk'));
      } finally {
        setSending(false);
      }
    },
    [t],
  );
  return { respond, sending, error, sent };
}

function SummaryTable(props: { view: CustomerView; compact?: boolean }) {
  return (
    <table
      className={`cs-rows${props.compact ? ' cs-compact' : ''}`}
      data-testid="customer-summary"
    >
      <tbody>
        {(props.view.rows ?? []).map((r, i) => (
          <tr key={`${r.label}-${i}`}>
            <th scope="row">{r.label}</th>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ConfirmStage(props: { view: CustomerView }) {
  const t = useT();
  const { respond, sending, error, sent } = useRespond();
  const [wrong, setWrong] = useState(false);
  const [reason, setReason] = useState('');
  const base = props.view.applicationId ? { applicationId: props.view.applicationId } : {};

  if (sent) {
    return (
      <div className="cs-welcome" data-testid="customer-waiting">
        <h1>{t('已提交', 'Sent')}</h1>
        <p>{t('请稍候，工作人员正在处理', 'Please wait for the clerk')}</p>
      </div>
    );
  }
  if (wrong) {
    return (
      <ReasonPicker
        prompt={t('请选择或填写有误的内容', 'What is wrong?')}
        reasons={WRONG_REASONS}
        label={t('有误原因', 'Reason')}
        testId="customer-reject-reason"
        sendTestId="customer-reject-send"
        sendLabel={t('提交', 'Send')}
        reason={reason}
        onReason={setReason}
        error={error}
        sending={sending}
        onBack={() => setWrong(false)}
        onSend={() => void respond({ kind: 'rejected', ...base, reason: reason.trim() })}
      />
    );
  }
  return (
    <>
      <p className="cs-note">{t('请核对以下信息', 'Please check your details')}</p>
      <div className="cs-fill">
        <SummaryTable view={props.view} />
      </div>
      {error && <p className="cs-error">{error}</p>}
      <div className="cs-actions">
        <button
          type="button"
          className="cs-button cs-ok"
          data-testid="customer-confirm"
          disabled={sending}
          onClick={() => void respond({ kind: 'confirmed', ...base })}
        >
          {t('确认无误', 'All correct')}
        </button>
        <button
          type="button"
          className="cs-button cs-secondary"
          data-testid="customer-reject"
          disabled={sending}
          onClick={() => setWrong(true)}
        >
          {t('有误', 'Something is wrong')}
        </button>
      </div>
    </>
  );
}

function SignStage(props: { view: CustomerView }) {
  const t = useT();
  const pad = useRef<SignaturePadHandle>(null);
  const [hasInk, setHasInk] = useState(false);
  const { respond, sending, error, sent } = useRespond();
  const base = props.view.applicationId ? { applicationId: props.view.applicationId } : {};

  if (sent) {
    return (
      <div className="cs-welcome" data-testid="customer-waiting">
        <h1>{t('签名已提交', 'Signature sent')}</h1>
        <p>{t('请稍候，工作人员正在办理', 'Please wait for the clerk')}</p>
      </div>
    );
  }
  return (
    <>
      <div className="cs-scroll">
        <SummaryTable view={props.view} compact />
      </div>
      <p className="cs-note">
        {t('请在下方框内签名，确认以上内容', 'Sign in the box below to confirm the above')}
      </p>
      <SignaturePad ref={pad} onChange={setHasInk} label={t('签名区', 'Signature area')} />
      {error && <p className="cs-error">{error}</p>}
      <div className="cs-actions">
        <button
          type="button"
          className="cs-button cs-secondary"
          data-testid="signature-clear"
          onClick={() => pad.current?.clear()}
        >
          {t('清除', 'Clear')}
        </button>
        <button
          type="button"
          className="cs-button cs-ok"
          data-testid="signature-confirm"
          disabled={!hasInk || sending}
          onClick={() => {
            const png = pad.current?.toDataUrl();
            if (png) void respond({ kind: 'signed', ...base, pngDataUrl: png });
          }}
        >
          {t('确认签名', 'Confirm signature')}
        </button>
      </div>
    </>
  );
}

function RateStage(props: { view: CustomerView }) {
  const t = useT();
  const { respond, sending, error, sent } = useRespond();
  const [chosen, setChosen] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const base = props.view.applicationId ? { applicationId: props.view.applicationId } : {};
  const levels = props.view.ratingLevels?.length
    ? props.view.ratingLevels
    : ['满意', '基本满意', '不满意'];

  if (sent) {
    return (
      <div className="cs-welcome" data-testid="customer-rated">
        <h1>{t('感谢您的评价！', 'Thank you for your rating!')}</h1>
      </div>
    );
  }
  if (chosen && isBadLevel(props.view, chosen)) {
    return (
      <ReasonPicker
        prompt={t('很抱歉让您不满意，请告诉我们原因', 'We are sorry. Please tell us why')}
        reasons={BAD_REASONS}
        label={t('不满意原因', 'Reason')}
        testId="customer-rate-reason"
        sendTestId="customer-rate-send"
        sendLabel={t('提交评价', 'Send')}
        reason={reason}
        onReason={setReason}
        error={error}
        sending={sending}
        onBack={() => setChosen(null)}
        onSend={() =>
          void respond({ kind: 'rated', ...base, rating: chosen, reason: reason.trim() })
        }
      />
    );
  }
  return (
    <>
      <p className="cs-note">{t('请对本次服务进行评价', 'Please rate our service')}</p>
      {error && <p className="cs-error">{error}</p>}
      <div className="cs-actions cs-rating" data-testid="customer-rating-levels">
        {levels.map((l) => (
          <button
            key={l}
            type="button"
            className={`cs-button${isBadLevel(props.view, l) ? ' cs-secondary' : ' cs-ok'}`}
            disabled={sending}
            onClick={() => {
              if (isBadLevel(props.view, l)) setChosen(l);
              else void respond({ kind: 'rated', ...base, rating: l });
            }}
          >
            {l}
          </button>
        ))}
      </div>
    </>
  );
}

/** A reason to give (something wrong in the summary, or why the service disappointed): common
 * reasons as big buttons, free text beside them, then back / send. */
function ReasonPicker(props: {
  prompt: string;
  reasons: readonly string[];
  label: string;
  testId: string;
  sendTestId: string;
  sendLabel: string;
  reason: string;
  onReason: (r: string) => void;
  error: string | null;
  sending: boolean;
  onBack: () => void;
  onSend: () => void;
}) {
  const t = useT();
  return (
    <>
      <p className="cs-note">{props.prompt}</p>
      <div className="cs-actions">
        {props.reasons.map((r) => (
          <button
            key={r}
            type="button"
            className={`cs-button cs-secondary${props.reason === r ? ' cs-selected' : ''}`}
            onClick={() => props.onReason(r)}
          >
            {r}
          </button>
        ))}
      </div>
      <input
        className="cs-reason"
        aria-label={props.label}
        data-testid={props.testId}
        maxLength={200}
        placeholder={t('也可以在这里填写', 'Or type it here')}
        value={props.reason}
        onChange={(e) => props.onReason(e.target.value)}
      />
      {props.error && <p className="cs-error">{props.error}</p>}
      <div className="cs-actions">
        <button type="button" className="cs-button cs-secondary" onClick={props.onBack}>
          {t('返回', 'Back')}
        </button>
        <button
          type="button"
          className="cs-button"
          data-testid={props.sendTestId}
          disabled={!props.reason.trim() || props.sending}
          onClick={props.onSend}
        >
          {props.sendLabel}
        </button>
      </div>
    </>
  );
}

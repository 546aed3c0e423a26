// The desk's side of the customer-facing screen: 「请客户确认」 in the review step (masked summary →
// confirmed / rejected with a reason → signature, hashed and stored beside the application), the
// signature state with 「校验签名」 on the receipt and the detail, and 「请客户评价」 after the intake.
// All of it is optional: without a customer screen the desk says 未连接客户屏 and carries on.
import { recordAccess } from '../db/audit';
import { Alert, App as AntApp, Button, Space, Tag, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Catalogue } from '../../../shared/domain/catalogue';
import type { Application } from '../../../shared/domain/model';
import type { CustomerResponse, CustomerView } from '../../../shared/ipc/contract';
import { RATING_LEVELS_3, type RatingLevel } from '../../../shared/queue/config';
import { canonicalJson } from '../../../shared/signature/canonical';
import type { SignatureVerification } from '../../../shared/signature/record';
import { getAttachment, getApplication, getMeta, StoreError, updateApplication } from '../db/repo';
import { useT } from '../i18n';
import { hallConnection } from '../queue/store';
import { shell } from '../shell/bridge';
import {
  listCustomerSignatures,
  readSignatures,
  saveCustomerSignature,
  type StoredSignature,
  verifyCustomerSignature,
} from './signatureStore';
import { QueueRatingNote } from './QueueRatingNote';
import { followQueueForRating, relayCustomerRating } from './queueRelay';
import { buildCustomerSummary, type CustomerSummary } from './summary';

/** Listens to the customer screen's answers about one application. */
function useCustomerResponses(
  applicationId: string,
  onResponse: (r: CustomerResponse) => void,
): void {
  const handler = useRef(onResponse);
  handler.current = onResponse;
  useEffect(
    () =>
      shell.on('customer:response', (r) => {
        if (r.applicationId === applicationId) handler.current(r);
      }),
    [applicationId],
  );
}

async function showOnCustomerScreen(view: CustomerView): Promise<boolean> {
  try {
    return await shell.customer.show(view);
  } catch (e) {
    console.error('customer screen show failed', e);
    return false;
  }
}

/** Back to the welcome page, with the hall's name once the desk is enrolled (sync keeps it). */
async function showIdle(): Promise<void> {
  const hallName = await getMeta<string>('hall.name').catch(() => undefined);
  await showOnCustomerScreen({
    stage: 'idle',
    ...(typeof hallName === 'string' && hallName ? { title: hallName.slice(0, 100) } : {}),
  });
}

/** The configured rating levels: the hall queue's (when this desk is connected), else 3 levels. */
function ratingLevels(): RatingLevel[] {
  const configured = hallConnection().getView().state?.config.ratingLevels;
  const levels = configured?.length ? configured : RATING_LEVELS_3;
  return [...levels].sort((a, b) => b.value - a.value);
}

/** The hash prefix shown to the clerk and printed on the receipt. */
export function hashPrefix(hex: string): string {
  return hex.slice(0, 12);
}

type ConfirmState =
  | { s: 'none' }
  | { s: 'sending' }
  | { s: 'not_connected' }
  | { s: 'waiting_confirm' }
  | { s: 'rejected'; reason: string }
  | { s: 'waiting_sign' }
  | { s: 'saving' }
  | { s: 'signed'; stored: StoredSignature }
  | { s: 'error'; message: string };

/** States in which accepting the application must wait (or the clerk cancels the request). */
export function blocksSubmit(state: ConfirmState['s']): boolean {
  return ['sending', 'waiting_confirm', 'rejected', 'waiting_sign', 'saving'].includes(state);
}

/**
 * 「请客户确认」 in the review step. `summary` is built from the application about to be accepted;
 * a signature already stored for exactly this summary (a reload, a second review) counts.
 */
export function CustomerConfirm(props: {
  summary: CustomerSummary;
  onBlockingChange: (blocking: boolean) => void;
}) {
  const t = useT();
  const { summary, onBlockingChange } = props;
  const applicationId = summary.applicationId;
  const canon = canonicalJson(summary);
  const [state, setState] = useState<ConfirmState>({ s: 'none' });
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => onBlockingChange(blocksSubmit(state.s)), [state.s, onBlockingChange]);

  // A signature of this very summary already stored for the draft.
  useEffect(() => {
    let live = true;
    listCustomerSignatures(applicationId)
      .then((all) => {
        const same = all.find((x) => x.record.documentText === canon);
        if (live && same && stateRef.current.s === 'none') setState({ s: 'signed', stored: same });
      })
      .catch((e: unknown) => console.error('signature lookup failed', e));
    return () => {
      live = false;
    };
  }, [applicationId, canon]);

  // Leaving the review while the customer is still asked: clear the customer screen.
  useEffect(
    () => () => {
      if (blocksSubmit(stateRef.current.s)) void showIdle();
    },
    [],
  );

  const ask = useCallback(async () => {
    setState({ s: 'sending' });
    const delivered = await showOnCustomerScreen({
      stage: 'confirm',
      applicationId,
      title: summary.title,
      rows: summary.rows,
    });
    setState(delivered ? { s: 'waiting_confirm' } : { s: 'not_connected' });
  }, [applicationId, summary]);

  useCustomerResponses(applicationId, (r) => {
    const current = stateRef.current.s;
    if (r.kind === 'confirmed' && current === 'waiting_confirm') {
      setState({ s: 'waiting_sign' });
      void showOnCustomerScreen({
        stage: 'sign',
        applicationId,
        title: summary.title,
        rows: summary.rows,
      }).then((ok) => {
        if (!ok && stateRef.current.s === 'waiting_sign') setState({ s: 'not_connected' });
      });
    } else if (r.kind === 'rejected' && current === 'waiting_confirm') {
      setState({ s: 'rejected', reason: r.reason ?? '' });
      void showIdle();
    } else if (r.kind === 'signed' && current === 'waiting_sign') {
      if (!r.pngDataUrl) {
        setState({ s: 'error', message: t('客户屏未发送签名图像', 'No signature image arrived') });
        return;
      }
      setState({ s: 'saving' });
      // The document signed is exactly the summary that was shown.
      saveCustomerSignature(applicationId, summary, r.pngDataUrl)
        .then((stored) => {
          setState({ s: 'signed', stored });
          void showOnCustomerScreen({ stage: 'thanks', title: '签名完成，请稍候' });
        })
        .catch((e: unknown) =>
          setState({
            s: 'error',
            message: `${t('签名保存失败', 'Saving the signature failed')}：${e instanceof Error ? e.message : String(e)}`,
          }),
        );
    }
  });

  const cancel = () => {
    setState({ s: 'none' });
    void showIdle();
  };

  let status: React.ReactNode = null;
  switch (state.s) {
    case 'none':
      break;
    case 'sending':
      status = (
        <Typography.Text>
          {t('正在发送到客户屏…', 'Sending to the customer screen…')}
        </Typography.Text>
      );
      break;
    case 'not_connected':
      status = (
        <Alert
          type="warning"
          showIcon
          title={t('未连接客户屏，可直接受理', 'No customer screen connected; you can go on')}
        />
      );
      break;
    case 'waiting_confirm':
      status = (
        <Alert
          type="info"
          showIcon
          title={t('等待客户核对确认…', 'Waiting for the customer to confirm…')}
        />
      );
      break;
    case 'rejected':
      status = (
        <Alert
          type="error"
          showIcon
          title={t('客户认为信息有误', 'The customer says something is wrong')}
          description={state.reason || undefined}
        />
      );
      break;
    case 'waiting_sign':
      status = (
        <Alert
          type="info"
          showIcon
          title={t('客户已确认，等待签名…', 'Confirmed; waiting for the signature…')}
        />
      );
      break;
    case 'saving':
      status = <Typography.Text>{t('正在保存签名…', 'Saving the signature…')}</Typography.Text>;
      break;
    case 'signed':
      status = (
        <Alert
          type="success"
          showIcon
          title={t('客户已确认并签名', 'Confirmed and signed by the customer')}
          description={`SHA-256 ${hashPrefix(state.stored.record.documentSha256)}…`}
        />
      );
      break;
    case 'error':
      status = <Alert type="error" showIcon title={state.message} />;
      break;
  }

  return (
    <div className="customer-confirm" data-testid="customer-confirm" data-state={state.s}>
      <Space wrap style={{ marginTop: 12 }}>
        {state.s !== 'signed' && (
          <Button
            data-testid="ask-customer-confirm"
            onClick={() => void ask()}
            loading={state.s === 'sending'}
            disabled={
              state.s === 'waiting_confirm' || state.s === 'waiting_sign' || state.s === 'saving'
            }
          >
            {state.s === 'none'
              ? t('请客户确认', 'Ask the customer to confirm')
              : t('重新请客户确认', 'Ask again')}
          </Button>
        )}
        {blocksSubmit(state.s) && state.s !== 'sending' && state.s !== 'saving' && (
          <Button type="link" onClick={cancel} data-testid="cancel-customer-confirm">
            {t('取消客户确认', 'Cancel the request')}
          </Button>
        )}
      </Space>
      {status && <div style={{ marginTop: 8 }}>{status}</div>}
    </div>
  );
}

/** The summary of a stored application as the customer would see it now. */
export function currentSummary(app: Application, catalogue: Catalogue): CustomerSummary {
  return buildCustomerSummary(app, catalogue);
}

/**
 * 已签名 + hash prefix, the signature image, and 「校验签名」 (all hashes recomputed, and the
 * summary as the application reads now compared with what was signed): 一致 or 已被改动.
 */
export function SignatureStatus(props: { app: Application; catalogue: Catalogue }) {
  const t = useT();
  const { app } = props;
  const stored = useLiveQuery(() => readSignatures(app.id), [app.id]);
  const latest = stored?.signatures[0];
  const image = useLiveQuery(
    async () =>
      latest
        ? // No image to show when it cannot be opened here (its key is gone): the rest still is.
          ((await getAttachment(latest.record.id).catch(() => undefined))?.blob ?? null)
        : null,
    [latest?.record.id],
  );
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!image) return;
    const url = URL.createObjectURL(image);
    setImageUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [image]);
  const [result, setResult] = useState<SignatureVerification | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (stored === undefined) return null;
  if (!latest && stored.purged > 0) {
    return (
      <span data-testid="signature-status" data-signed="true">
        <Tag color="green">{t('已签名', 'Signed')}</Tag>
        {t('本机副本已按保留期限清理，签名由中心保存', 'Kept by the centre; local copy purged')}
      </span>
    );
  }
  if (!latest) {
    return (
      <span data-testid="signature-status" data-signed="false">
        {t('未签名', 'Not signed')}
      </span>
    );
  }
  async function verify() {
    if (!latest) return;
    setBusy(true);
    setError(null);
    try {
      const r = await verifyCustomerSignature(latest, currentSummary(app, props.catalogue));
      setResult(r);
      // Checking a signature reads the signed personal data: it goes in the access log.
      void recordAccess({
        action: 'verify_signature',
        entity: 'application',
        entityId: app.id,
        label: app.appNo,
        detail: r.valid && r.matchesCurrentDocument !== false ? '一致' : '已被改动',
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div data-testid="signature-status" data-signed="true">
      <Space wrap align="center">
        <Tag color="green">{t('已签名', 'Signed')}</Tag>
        <span data-testid="signature-hash">
          SHA-256 {hashPrefix(latest.record.documentSha256)}…
        </span>
        <Button
          size="small"
          className="no-print"
          data-testid="verify-signature"
          loading={busy}
          onClick={() => void verify()}
        >
          {t('校验签名', 'Verify signature')}
        </Button>
        {result && (
          <Tag color={result.valid ? 'green' : 'red'} data-testid="signature-verdict">
            {result.valid ? t('一致', 'Intact') : t('已被改动', 'Changed')}
          </Tag>
        )}
      </Space>
      {result && !result.valid && (
        <ul className="no-print" data-testid="signature-problems">
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {error && <Alert type="error" showIcon title={error} className="no-print" />}
      {imageUrl && (
        <div>
          <img
            src={imageUrl}
            alt={t('客户签名', 'Customer signature')}
            data-testid="signature-image"
            style={{ maxHeight: 80, maxWidth: 320, border: '1px solid #e2e8f0' }}
          />
        </div>
      )}
    </div>
  );
}

type RateState =
  | { s: 'none' }
  | { s: 'sending' }
  | { s: 'not_connected' }
  | { s: 'waiting' }
  | { s: 'saving' }
  | { s: 'error'; message: string };

/**
 * 「请客户评价」: the configured levels on the customer screen; the answer is kept on the application
 * and, when this desk's counter has the customer's ticket, also counted by the hall queue
 * (queueRelay.ts: in the background, never in the way of the save).
 */
export function RatingRequest(props: { app: Application; actor: string }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const { app } = props;
  const [state, setState] = useState<RateState>({ s: 'none' });
  const stateRef = useRef(state);
  stateRef.current = state;
  const levelsRef = useRef<RatingLevel[]>(RATING_LEVELS_3);
  const [relayedTicket, setRelayedTicket] = useState<string | null>(null);

  useEffect(
    () => () => {
      if (stateRef.current.s === 'waiting') void showIdle();
    },
    [],
  );
  // The ticket in service must be known when the answer comes (queue desks only).
  useEffect(() => followQueueForRating(), []);

  async function ask() {
    const levels = ratingLevels();
    levelsRef.current = levels;
    setState({ s: 'sending' });
    const delivered = await showOnCustomerScreen({
      stage: 'rate',
      applicationId: app.id,
      title: '服务评价',
      ratingLevels: levels.map((l) => l.label),
      badRatingLevels: levels.filter((l) => l.bad).map((l) => l.label),
    });
    setState(delivered ? { s: 'waiting' } : { s: 'not_connected' });
  }

  useCustomerResponses(app.id, (r) => {
    if (r.kind !== 'rated' || !r.rating || stateRef.current.s !== 'waiting') return;
    const level = levelsRef.current.find((l) => l.label === r.rating);
    if (!level) return;
    // Taken at the answer (before any await): the ticket in service now is the one rated.
    const relayed = relayCustomerRating({
      app,
      label: level.label,
      offered: levelsRef.current,
      reason: r.reason,
    });
    if (relayed) setRelayedTicket(relayed);
    setState({ s: 'saving' });
    void (async () => {
      try {
        // Re-read: the stored row may have moved on (sync) since this page loaded it.
        const fresh = (await getApplication(app.id)) ?? app;
        const at = new Date().toISOString();
        await updateApplication(
          {
            ...fresh,
            customerRating: {
              level: level.label,
              bad: level.bad,
              ...(r.reason ? { reason: r.reason } : {}),
              at,
            },
            updatedAt: at,
          },
          { kind: 'note', actor: props.actor, note: `客户评价：${level.label}` },
        );
        setState({ s: 'none' });
        message.success(t(`客户评价：${level.label}`, `Customer rating: ${level.label}`));
        void showOnCustomerScreen({ stage: 'thanks' });
      } catch (e) {
        setState({
          s: 'error',
          message: e instanceof StoreError ? e.message : String(e),
        });
      }
    })();
  });

  return (
    <div data-testid="customer-rating" data-state={state.s}>
      <Space wrap align="center">
        {app.customerRating ? (
          <span data-testid="customer-rating-value">
            <Tag color={app.customerRating.bad ? 'red' : 'green'}>{app.customerRating.level}</Tag>
            {app.customerRating.reason ?? ''}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('尚未评价', 'Not rated yet')}</Typography.Text>
        )}
        {!app.customerRating && (
          <Button
            size="small"
            className="no-print"
            data-testid="ask-customer-rating"
            loading={state.s === 'sending' || state.s === 'saving'}
            disabled={state.s === 'waiting'}
            onClick={() => void ask()}
          >
            {t('请客户评价', 'Ask for a rating')}
          </Button>
        )}
        {state.s === 'waiting' && (
          <Typography.Text className="no-print">
            {t('等待客户评价…', 'Waiting for the rating…')}
          </Typography.Text>
        )}
        {state.s === 'not_connected' && (
          <Typography.Text type="warning" className="no-print">
            {t('未连接客户屏', 'No customer screen connected')}
          </Typography.Text>
        )}
        {state.s === 'error' && (
          <Typography.Text type="danger" className="no-print">
            {state.message}
          </Typography.Text>
        )}
        {(relayedTicket ?? app.ticketNo) && (
          <QueueRatingNote ticketNo={relayedTicket ?? app.ticketNo} />
        )}
      </Space>
    </div>
  );
}

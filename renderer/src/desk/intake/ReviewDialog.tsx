// The review step before submitting: what is missing or unusual, the customer's confirmation on
// the customer screen, and a deliberate confirmation by the clerk.
import { Alert, Button, Checkbox, Modal, Tag } from 'antd';
import { useState } from 'react';
import { canSubmit, type ReviewItem } from '../../../../shared/domain/review';
import { CustomerConfirm } from '../../customer/DeskCustomer';
import type { CustomerSummary } from '../../customer/summary';
import { type Lang, useT } from '../../i18n';

/** The review step: what is missing or unusual, and a deliberate confirmation. */
export function ReviewDialog(props: {
  items: ReviewItem[];
  /** The customer-screen summary of the application under review (null: not offered). */
  summary: CustomerSummary | null;
  lang: Lang;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const t = useT();
  const [checked, setChecked] = useState(false);
  // The customer screen is being asked (or said something is wrong): accept after it answers.
  const [customerBlocking, setCustomerBlocking] = useState(false);
  const ok = canSubmit(props.items);
  const needsConfirm = props.items.some((i) => i.severity === 'warning');
  const confirmed = !needsConfirm || checked;
  return (
    <Modal
      open
      title={t('提交前核对', 'Review before submitting')}
      onCancel={props.onCancel}
      maskClosable={false}
      footer={[
        <Button key="back" onClick={props.onCancel} disabled={props.busy}>
          {t('返回修改', 'Back')}
        </Button>,
        <Button
          key="ok"
          type="primary"
          data-testid="confirm-submit"
          autoFocus={!needsConfirm}
          disabled={!ok || !confirmed || customerBlocking}
          loading={props.busy}
          onClick={props.onConfirm}
        >
          {t('确认受理', 'Confirm and accept')}
        </Button>,
      ]}
    >
      {props.items.length === 0 ? (
        <Alert
          type="success"
          showIcon
          title={t('核对通过，没有缺漏或异常。', 'Nothing missing or unusual.')}
        />
      ) : (
        <ul className="review-list" data-testid="review-items">
          {props.items.map((i, n) => (
            <li key={`${i.code}-${n}`}>
              <Tag
                color={
                  i.severity === 'blocker' ? 'red' : i.severity === 'warning' ? 'orange' : 'blue'
                }
              >
                {i.severity === 'blocker'
                  ? t('须更正', 'Fix')
                  : i.severity === 'warning'
                    ? t('请注意', 'Warning')
                    : t('提示', 'Note')}
              </Tag>
              {props.lang === 'en' ? i.messageEn : i.message}
            </li>
          ))}
        </ul>
      )}
      {ok && needsConfirm && (
        <Checkbox
          id="f-review-confirm"
          data-testid="review-confirm"
          checked={checked}
          autoFocus
          onChange={(e) => setChecked(e.target.checked)}
        >
          {t('我已向客户核实以上事项，确认受理', 'I have checked the above with the customer')}
        </Checkbox>
      )}
      {ok && props.summary && (
        <CustomerConfirm summary={props.summary} onBlockingChange={setCustomerBlocking} />
      )}
    </Modal>
  );
}

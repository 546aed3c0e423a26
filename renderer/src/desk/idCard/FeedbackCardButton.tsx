// The reader on the feedback form: the customer's card fills the name (the form has no ID field:
// a complaint needs no more of the card). A typed name is replaced only if the clerk agrees.
import { IdcardOutlined } from '@ant-design/icons';
import { App as AntApp, Button } from 'antd';
import { useState } from 'react';
import type { IdCardRead } from '../../../../shared/domain/idCard';
import { maskId } from '../../../../shared/domain/mask';
import { recordAccess } from '../../db/audit';
import { useT } from '../../i18n';
import { ShellError } from '../../shell/bridge';
import { useIdCardReader } from './useIdCardReader';

export function FeedbackCardButton(props: {
  /** The feedback record the read is logged against. */
  recordId: string;
  name: string;
  onName: (name: string) => void;
}) {
  const t = useT();
  const { message, modal } = AntApp.useApp();
  const [reading, setReading] = useState(false);
  const reader = useIdCardReader((read) => received(read));

  function received(read: IdCardRead) {
    void recordAccess({
      action: 'read_card',
      entity: 'feedback',
      entityId: props.recordId,
      label: maskId(read.card.idNumber),
      detail: read.readerKind.toUpperCase(),
    });
    const typed = props.name.trim();
    if (!typed || typed === read.card.name) {
      props.onName(read.card.name);
      return;
    }
    modal.confirm({
      title: t('用身份证上的姓名替换已填写的？', 'Replace the typed name with the card’s?'),
      content: `${typed} → ${read.card.name}`,
      okText: t('替换', 'Replace'),
      cancelText: t('保留已填写的', 'Keep what was typed'),
      onOk: () => props.onName(read.card.name),
    });
  }

  if (!reader.status || reader.status.kind === 'none') return null;
  return (
    <Button
      icon={<IdcardOutlined />}
      size="small"
      loading={reading}
      disabled={!reader.status.available}
      data-testid="fb-idcard-read"
      onClick={() => {
        setReading(true);
        reader
          .read()
          .then(received, (e: unknown) =>
            message.warning(e instanceof ShellError ? e.message : String(e)),
          )
          .finally(() => setReading(false));
      }}
    >
      {t('读身份证', 'Read ID card')}
    </Button>
  );
}

// The reader at the counter: the 读身份证 button (F8), the card just read with its photo for the
// clerk to compare with the person in front of them, the checks (expired, expiring, a number the
// rules refuse), and filling the form: at once where the fields are empty, after asking where the
// clerk typed something else. Every read goes into the access log; the photo is kept with the
// application as an attachment (sealed at rest like scans).
import { IdcardOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { IdCardRead } from '../../../../shared/domain/idCard';
import { maskId } from '../../../../shared/domain/mask';
import { recordAccess } from '../../db/audit';
import { addAttachment, deleteAttachment, listAttachments } from '../../db/repo';
import { useLang, useT } from '../../i18n';
import { ShellError } from '../../shell/bridge';
import { useShortcut } from '../../ui/shortcuts';
import { useDeskConfig } from '../config';
import type { IntakeForm } from '../formModel';
import {
  applyCardFields,
  cardConflicts,
  cardFields,
  cardTargets,
  checkCard,
  type CardField,
  type CardTarget,
} from './cardFill';
import { useIdCardReader } from './useIdCardReader';

/** File name of a photo taken from a card's chip (one per person and application). */
const PHOTO_PREFIX = 'idcard-photo';
const PHOTO_DOC: Record<CardTarget, string> = { customer: 'id_doc', newHolder: 'new_holder_id' };

export interface IdCardPanelProps {
  /** The draft / application the photo and the log entry belong to. */
  recordId: string;
  form: IntakeForm;
  /** Keys of the business type's own fields (过户 has the new holder's). */
  typeFieldKeys: readonly string[];
  /** Writes the card's fields into the form (one update, marked touched). */
  onFill: (apply: (f: IntakeForm) => IntakeForm, paths: string[]) => void;
}

function bmpUrl(read: IdCardRead): string | null {
  return read.photo ? `data:${read.photo.mime};base64,${read.photo.base64}` : null;
}

export function IdCardPanel(props: IdCardPanelProps) {
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const { message, modal } = AntApp.useApp();
  const [card, setCard] = useState<IdCardRead | null>(null);
  const [reading, setReading] = useState(false);
  const targets = cardTargets(props.typeFieldKeys);
  const reader = useIdCardReader((read) => void received(read));

  async function storePhoto(read: IdCardRead, target: CardTarget): Promise<void> {
    if (!read.photo) return;
    const doc = PHOTO_DOC[target];
    // One chip photo per person: a new read replaces the earlier one.
    for (const a of await listAttachments(props.recordId))
      if (a.documentCode === doc && a.fileName.startsWith(PHOTO_PREFIX))
        await deleteAttachment(a.id);
    const bytes = Uint8Array.from(atob(read.photo.base64), (c) => c.charCodeAt(0));
    await addAttachment(
      {
        applicationId: props.recordId,
        documentCode: doc,
        fileName: `${PHOTO_PREFIX}-${target}.bmp`,
        mimeType: read.photo.mime,
      },
      new Blob([bytes], { type: read.photo.mime }),
    );
  }

  function fill(read: IdCardRead, target: CardTarget): void {
    const fields = cardFields(read.card, target, props.form.customerKind);
    const conflicts = cardConflicts(props.form, fields);
    const write = (chosen: CardField[]) => {
      props.onFill(
        (f) => applyCardFields(f, chosen),
        chosen.map((c) => c.path),
      );
      void storePhoto(read, target).catch((e: unknown) =>
        message.error(`${t('身份证照片保存失败', 'Could not keep the card photo')}：${String(e)}`),
      );
      message.success(t('已按身份证填写', 'Filled from the ID card'));
    };
    if (conflicts.length === 0) {
      write(fields);
      return;
    }
    // Never silently: the clerk sees what would change and decides.
    modal.confirm({
      title: t('用身份证信息替换已填写的内容？', 'Replace what was typed with the card?'),
      width: 560,
      content: (
        <div data-testid="idcard-conflicts">
          {conflicts.map((c) => (
            <div key={c.path}>
              {lang === 'zh' ? c.label[0] : c.label[1]}：
              <Typography.Text delete>{c.current}</Typography.Text>
              {' → '}
              <Typography.Text strong>
                {c.path.endsWith('idNumber') ? maskId(c.value) : c.value}
              </Typography.Text>
            </div>
          ))}
        </div>
      ),
      okText: t('替换', 'Replace'),
      cancelText: t('保留已填写的', 'Keep what was typed'),
      onOk: () => write(fields),
    });
  }

  /** The default person for a card: the customer, or on 过户 the new holder once the customer is
   * someone else. */
  function defaultTarget(read: IdCardRead): CardTarget {
    const name = props.form.customer.name?.trim();
    return targets.includes('newHolder') && name && name !== read.card.name
      ? 'newHolder'
      : 'customer';
  }

  async function received(read: IdCardRead): Promise<void> {
    setCard(read);
    void recordAccess({
      action: 'read_card',
      entity: 'application',
      entityId: props.recordId,
      label: maskId(read.card.idNumber),
      detail: read.readerKind.toUpperCase(),
    });
    fill(read, defaultTarget(read));
  }

  async function readNow(): Promise<void> {
    if (reading) return;
    setReading(true);
    try {
      await received(await reader.read());
    } catch (e) {
      message.warning(e instanceof ShellError ? e.message : String(e));
    } finally {
      setReading(false);
    }
  }

  useShortcut('f8', () => void readNow());

  if (!reader.status || reader.status.kind === 'none') return null;
  const check = card
    ? checkCard(card.card, cfg.calendar.dateOf(), cfg.settings.idCard.expiringWithinDays, lang)
    : null;
  const photo = card ? bmpUrl(card) : null;

  return (
    <div className="idcard-panel" data-testid="idcard-panel" style={{ marginBottom: 12 }}>
      <Space wrap>
        <Button
          icon={<IdcardOutlined />}
          loading={reading}
          disabled={!reader.status.available}
          onClick={() => void readNow()}
          data-testid="idcard-read"
        >
          {t('读身份证 (F8)', 'Read ID card (F8)')}
        </Button>
        {reader.status.autoRead && reader.status.available && (
          <Typography.Text type="secondary">
            {t('放卡自动读取', 'Place a card to read it')}
          </Typography.Text>
        )}
        {reader.status.problem && (
          <Typography.Text type="warning" data-testid="idcard-problem">
            {reader.status.problem}
          </Typography.Text>
        )}
      </Space>
      {card && check && (
        <Card size="small" style={{ marginTop: 8 }} data-testid="idcard-card">
          <Space align="start" size={16}>
            {photo ? (
              <img
                src={photo}
                alt={t('身份证照片', 'ID card photo')}
                width={102}
                height={126}
                data-testid="idcard-photo"
                style={{ border: '1px solid #d9d9d9' }}
              />
            ) : (
              <div className="idcard-nophoto">{t('无照片', 'No photo')}</div>
            )}
            <div>
              <Descriptions size="small" column={2}>
                <Descriptions.Item label={t('姓名', 'Name')}>{card.card.name}</Descriptions.Item>
                <Descriptions.Item label={t('性别', 'Sex')}>
                  {card.card.sex}
                  {card.card.nation ? ` · ${card.card.nation}` : ''}
                </Descriptions.Item>
                <Descriptions.Item label={t('证件号码', 'ID number')}>
                  {maskId(card.card.idNumber)}
                </Descriptions.Item>
                <Descriptions.Item label={t('有效期至', 'Valid to')}>
                  {card.card.validTo}
                  {check.validity.state === 'expired' && (
                    <Tag color="red" style={{ marginLeft: 8 }}>
                      {t('已过期', 'Expired')}
                    </Tag>
                  )}
                  {check.validity.state === 'expiring' && (
                    <Tag color="orange" style={{ marginLeft: 8 }}>
                      {t('即将到期', 'Expiring')}
                    </Tag>
                  )}
                </Descriptions.Item>
              </Descriptions>
              {check.validity.state === 'expired' && (
                <Alert
                  type="error"
                  showIcon
                  data-testid="idcard-expired"
                  title={t(
                    `身份证已于 ${check.validity.validTo} 过期，请客户提供有效证件`,
                    `The card expired on ${check.validity.validTo}: ask for a valid document`,
                  )}
                />
              )}
              {check.validity.state === 'expiring' && (
                <Alert
                  type="warning"
                  showIcon
                  data-testid="idcard-expiring"
                  title={t(
                    `身份证将在 ${check.validity.daysLeft} 天后（${check.validity.validTo}）到期，请提醒客户换领`,
                    `The card expires in ${check.validity.daysLeft} days (${check.validity.validTo})`,
                  )}
                />
              )}
              {check.numberError && (
                <Alert
                  type="error"
                  showIcon
                  title={`${t('证件号码校验未通过', 'The number fails the ID rules')}：${check.numberError}`}
                />
              )}
              {targets.length > 1 && (
                <Space style={{ marginTop: 8 }}>
                  {targets.map((tg) => (
                    <Button
                      key={tg}
                      size="small"
                      onClick={() => fill(card, tg)}
                      data-testid={`idcard-fill-${tg}`}
                    >
                      {tg === 'customer'
                        ? t('填入原户主', 'Fill the customer')
                        : t('填入新户主', 'Fill the new holder')}
                    </Button>
                  ))}
                </Space>
              )}
            </div>
          </Space>
        </Card>
      )}
    </div>
  );
}

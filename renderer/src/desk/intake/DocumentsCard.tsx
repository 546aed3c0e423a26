// The documents of the intake: each of the type's documents received, to follow (一证受理 with
// the signed commitment letter) or missing, with its scans.
import { Card, Checkbox, Radio, Tag, Typography } from 'antd';
import { pick, useLang, useT } from '../../i18n';
import { useDeskConfig } from '../config';
import type { FormDocStatus, FormLayout, IntakeForm } from '../formModel';
import { AttachmentTags, ScanButtons, type useAttachments } from '../Scans';

export function DocumentsCard(props: {
  form: IntakeForm;
  layout: FormLayout;
  draftId: string;
  attachments: ReturnType<typeof useAttachments>;
  visibleError: (key: string) => string | undefined;
  setDoc: (code: string, st: FormDocStatus) => void;
  update: (fn: (f: IntakeForm) => IntakeForm, touchKey?: string) => void;
}) {
  const { form, layout, attachments, visibleError } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  return (
    <Card size="small" title={t('申请资料', 'Documents')} style={{ marginTop: 12 }}>
      {layout.type.oneCertificate && (
        <Checkbox
          id="f-commitment"
          checked={form.commitmentSigned}
          onChange={(e) =>
            props.update((f) => ({ ...f, commitmentSigned: e.target.checked }), 'commitmentSigned')
          }
          style={{ marginBottom: 12 }}
        >
          {t(
            `一证受理：客户已签署${cfg.catalogue.customerBlock.commitmentLetter.name}，承诺后补资料`,
            `One-certificate intake: the customer signed the ${cfg.catalogue.customerBlock.commitmentLetter.nameEn}`,
          )}
        </Checkbox>
      )}
      <div role="list" aria-label={t('申请资料', 'Documents')}>
        {layout.documents.map((d) => {
          const key = `documents.${d.code}`;
          const err = visibleError(key);
          const st = form.documents[d.code] ?? 'missing';
          const name = pick(lang, d.name, d.nameEn);
          const canFollow = d.mayFollow && layout.type.oneCertificate;
          return (
            <div
              key={d.code}
              role="listitem"
              className="doc-row"
              data-field={key}
              data-testid={`doc-${d.code}`}
            >
              <div className="doc-name">
                <span id={`doc-label-${d.code}`}>{name}</span>{' '}
                {d.required ? (
                  <Tag color="red">{t('必备', 'Required')}</Tag>
                ) : (
                  <Tag>{t('选备', 'Optional')}</Tag>
                )}
                {canFollow && <Tag color="blue">{t('可后补', 'May follow')}</Tag>}
                {d.note && (
                  <Typography.Text type="secondary">
                    {' '}
                    {pick(lang, d.note, d.noteEn)}
                  </Typography.Text>
                )}
              </div>
              <Radio.Group
                aria-labelledby={`doc-label-${d.code}`}
                value={st}
                onChange={(e) => props.setDoc(d.code, e.target.value as FormDocStatus)}
                options={[
                  { value: 'received', label: t('已收', 'Received') },
                  ...(canFollow ? [{ value: 'to_follow', label: t('后补', 'To follow') }] : []),
                  {
                    value: 'missing',
                    label: d.required ? t('未收', 'Missing') : t('未提供', 'Not given'),
                  },
                ]}
              />
              <ScanButtons
                applicationId={props.draftId}
                documentCode={d.code}
                documentName={name}
                onAdded={() => props.setDoc(d.code, 'received')}
              />
              <AttachmentTags
                items={attachments.filter((a) => a.documentCode === d.code)}
                removable
              />
              {err && (
                <div className="doc-error" role="alert">
                  {err}
                </div>
              )}
            </div>
          );
        })}
      </div>
    </Card>
  );
}

// The customer block of the intake (户名, 证件, 电话, 地址…): which fields show comes from the
// catalogue's customer block for the chosen kind; identifiers typed with a Chinese input method
// (full-width digits, Ｘ) are taken in their ASCII form.
import { Card, Col, Form, Input, Row, Select } from 'antd';
import type { IdType } from '../../../../shared/domain/model';
import { normalizeIdentifier } from '../../../../shared/domain/normalize';
import { pick, useLang, useT } from '../../i18n';
import { useDeskConfig } from '../config';
import {
  type CustomerKey,
  customerLabel,
  type FormLayout,
  IDENTIFIER_KEYS,
  type IntakeForm,
} from '../formModel';
import { IdHint } from './fields';

export function CustomerCard(props: {
  form: IntakeForm;
  layout: FormLayout;
  visibleError: (key: string) => string | undefined;
  setCustomer: (key: CustomerKey, value: string) => void;
  touch: (key: string) => void;
}) {
  const { form, layout, visibleError } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  return (
    <Card size="small" title={t('客户信息', 'Customer')} style={{ marginTop: 12 }}>
      <Row gutter={16}>
        {layout.customerFields.map((f) => {
          const key = f.key === 'address' ? 'address' : `customer.${f.key}`;
          const id = `f-customer-${f.key}`;
          const label = customerLabel(f, layout.kind, lang);
          const err = visibleError(key);
          const value = form.customer[f.key] ?? '';
          return (
            <Col key={f.key} xs={24} md={f.key === 'address' ? 24 : 12}>
              <Form.Item
                label={label}
                htmlFor={id}
                required={f.required}
                data-field={key}
                validateStatus={err ? 'error' : undefined}
                help={err}
              >
                {f.key === 'idType' ? (
                  <Select
                    id={id}
                    aria-label={label}
                    value={value || layout.idTypes[0]}
                    onChange={(v: string) => props.setCustomer('idType', v)}
                    options={layout.idTypes.map((it: IdType) => ({
                      value: it,
                      label: pick(
                        lang,
                        cfg.catalogue.customerBlock.idTypeLabels[it]?.label ?? it,
                        cfg.catalogue.customerBlock.idTypeLabels[it]?.labelEn,
                      ),
                    }))}
                  />
                ) : (
                  <Input
                    id={id}
                    value={value}
                    maxLength={f.maxLength}
                    autoComplete="off"
                    inputMode={f.key === 'phone' ? 'tel' : undefined}
                    onChange={(e) =>
                      props.setCustomer(
                        f.key,
                        IDENTIFIER_KEYS.has(f.key)
                          ? normalizeIdentifier(e.target.value)
                          : e.target.value,
                      )
                    }
                    onBlur={() => props.touch(key)}
                  />
                )}
              </Form.Item>
            </Col>
          );
        })}
      </Row>
      <IdHint form={form} lang={lang} />
    </Card>
  );
}

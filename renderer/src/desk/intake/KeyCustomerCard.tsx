// Key customer (大客户) marking with the assigned account manager, offered when this 户号 / ID is
// known as a key customer, and the intake's notes.
import { Alert, Button, Card, Checkbox, Col, Form, Input, Row } from 'antd';
import type { KeyRegisterEntry } from '../../../../shared/domain/customers';
import { normalizeIdentifier } from '../../../../shared/domain/normalize';
import type { findKeyCustomer } from '../../db/repo';
import { useT } from '../../i18n';
import type { IntakeForm } from '../formModel';

export function KeyCustomerCard(props: {
  form: IntakeForm;
  knownKey: Awaited<ReturnType<typeof findKeyCustomer>> | undefined;
  /** The centre's register entry of this customer, when recognised. */
  registered?: KeyRegisterEntry | undefined;
  visibleError: (key: string) => string | undefined;
  update: (fn: (f: IntakeForm) => IntakeForm, touchKey?: string) => void;
}) {
  const { form, knownKey, visibleError } = props;
  const t = useT();
  return (
    <Card
      size="small"
      title={t('大客户与备注', 'Key customer and notes')}
      style={{ marginTop: 12 }}
    >
      {props.registered && (
        <Alert
          type="success"
          showIcon
          data-testid="key-register-hit"
          style={{ marginBottom: 12 }}
          title={t(
            `重点客户（中心名册）：${props.registered.name}，客户经理 ${props.registered.managerName}${props.registered.managerPhone ? `（${props.registered.managerPhone}）` : ''}`,
            `Key customer (centre register): ${props.registered.name}, account manager ${props.registered.managerName}${props.registered.managerPhone ? ` (${props.registered.managerPhone})` : ''}`,
          )}
        />
      )}
      {knownKey && !props.registered && !form.keyCustomer.enabled && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t(
            `该客户为大客户，客户经理：${knownKey.managerName}`,
            `Key customer, manager: ${knownKey.managerName}`,
          )}
          action={
            <Button
              size="small"
              onClick={() =>
                props.update((f) => ({
                  ...f,
                  keyCustomer: {
                    enabled: true,
                    managerName: knownKey.managerName,
                    managerPhone: knownKey.managerPhone ?? '',
                  },
                }))
              }
            >
              {t('标记', 'Mark')}
            </Button>
          }
        />
      )}
      <Checkbox
        id="f-keyCustomer"
        checked={form.keyCustomer.enabled}
        onChange={(e) =>
          props.update((f) => ({
            ...f,
            keyCustomer: { ...f.keyCustomer, enabled: e.target.checked },
          }))
        }
      >
        {t('大客户（指定客户经理）', 'Key customer (assigned account manager)')}
      </Checkbox>
      {form.keyCustomer.enabled && (
        <Row gutter={16} style={{ marginTop: 8 }}>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('客户经理', 'Account manager')}
              htmlFor="f-managerName"
              required
              data-field="keyCustomer.managerName"
              validateStatus={visibleError('keyCustomer.managerName') ? 'error' : undefined}
              help={visibleError('keyCustomer.managerName')}
            >
              <Input
                id="f-managerName"
                value={form.keyCustomer.managerName}
                onChange={(e) =>
                  props.update(
                    (f) => ({
                      ...f,
                      keyCustomer: { ...f.keyCustomer, managerName: e.target.value },
                    }),
                    'keyCustomer.managerName',
                  )
                }
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('客户经理电话', "Manager's phone")}
              htmlFor="f-managerPhone"
              data-field="keyCustomer.managerPhone"
              validateStatus={visibleError('keyCustomer.managerPhone') ? 'error' : undefined}
              help={visibleError('keyCustomer.managerPhone')}
            >
              <Input
                id="f-managerPhone"
                value={form.keyCustomer.managerPhone}
                onChange={(e) =>
                  props.update(
                    (f) => ({
                      ...f,
                      keyCustomer: {
                        ...f.keyCustomer,
                        managerPhone: normalizeIdentifier(e.target.value),
                      },
                    }),
                    'keyCustomer.managerPhone',
                  )
                }
              />
            </Form.Item>
          </Col>
        </Row>
      )}
      <Form.Item
        label={t('备注', 'Notes')}
        htmlFor="f-notes"
        style={{ marginTop: 12, marginBottom: 0 }}
      >
        <Input.TextArea
          id="f-notes"
          rows={2}
          maxLength={2000}
          value={form.notes}
          onChange={(e) => props.update((f) => ({ ...f, notes: e.target.value }))}
        />
      </Form.Item>
    </Card>
  );
}

// Sign-in at a stand-alone counter page (#/queue/counter on a PC without the desk, issue 13): the
// person gives staff number and password; the hall service checks them against its roster's
// verifier (pulled from the centre) and signs that person in at the counter, so every call and
// finish carries their staff number. Nothing is kept in the browser: the counter's person is the
// hall service's, and 签退 ends it.
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { HALL_PATHS, type CounterActionResponse } from '../../../shared/queue';
import { useT } from '../i18n';
import { HallApiError, hallRequest } from './client';

export function CounterSignIn(props: { counterNo: number }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ staffNo: string; password: string }>();
  return (
    <div data-testid="counter-sign-in">
      <Typography.Paragraph>
        {t(
          '请先登录本窗口：输入工号和密码（与受理台相同），登录后叫号、完成均记在您的工号下。',
          'Sign in at this counter first (staff number and password, as on the desk): calls and finishes are recorded under your number.',
        )}
      </Typography.Paragraph>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 12 }}
          data-testid="counter-sign-in-error"
        />
      )}
      <Form
        form={form}
        layout="inline"
        onFinish={async (v) => {
          setBusy(true);
          setError(null);
          try {
            await hallRequest<CounterActionResponse>(
              `${HALL_PATHS.counters}/${props.counterNo}/sign-in`,
              { body: { staffNo: v.staffNo.trim(), password: v.password }, auth: 'counter' },
            );
            form.resetFields();
          } catch (e) {
            form.setFieldValue('password', '');
            setError(
              e instanceof HallApiError ? e.message : t('登录失败，请重试', 'Sign-in failed'),
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form.Item
          name="staffNo"
          rules={[{ required: true, message: t('请输入工号', 'Enter your staff number') }]}
        >
          <Input
            autoFocus
            placeholder={t('工号', 'Staff no.')}
            autoComplete="username"
            data-testid="counter-staff-no"
          />
        </Form.Item>
        <Form.Item
          name="password"
          rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}
        >
          <Input.Password
            placeholder={t('密码', 'Password')}
            autoComplete="current-password"
            data-testid="counter-staff-password"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="counter-staff-submit">
          {t('登录窗口', 'Sign in')}
        </Button>
      </Form>
    </div>
  );
}

// Signing in to the workbench: by staff number and password (a staff session, roles from the
// directory; a first sign-in or a reset asks for a new password), or with the administrator
// token. Either token is kept in sessionStorage for this tab only.
import { Alert, Button, Card, Form, Input, Segmented } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';
import { ApiError, saveToken, workbenchApi } from './api';

export function SignIn({ onToken }: { onToken: (t: string) => void }) {
  const t = useT();
  const [mode, setMode] = useState<'staff' | 'token'>('staff');
  const [staffNo, setStaffNo] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState<string | null>(null);
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const staffSignIn = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await workbenchApi.signIn({
        staffNo: staffNo.trim(),
        password,
        ...(newPassword !== null ? { newPassword } : {}),
      });
      saveToken(s.token);
      onToken(s.token);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'E_STAFF_MUST_CHANGE') setNewPassword('');
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('登录工作台', 'Sign in to the workbench')} style={{ maxWidth: 480 }}>
      <Segmented
        style={{ marginBottom: 16 }}
        value={mode}
        onChange={(v) => setMode(v === 'token' ? 'token' : 'staff')}
        options={[
          { label: t('工号登录', 'Staff sign-in'), value: 'staff' },
          { label: t('令牌登录', 'Token'), value: 'token' },
        ]}
      />
      {error && <Alert type="error" showIcon style={{ marginBottom: 12 }} message={error} />}
      {mode === 'staff' ? (
        <Form layout="vertical" onFinish={() => void staffSignIn()}>
          <Form.Item label={t('工号', 'Staff number')} required>
            <Input
              autoFocus
              value={staffNo}
              onChange={(e) => setStaffNo(e.target.value)}
              aria-label={t('工号', 'Staff number')}
            />
          </Form.Item>
          <Form.Item label={t('密码', 'Password')} required>
            <Input.Password
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-label={t('密码', 'Password')}
            />
          </Form.Item>
          {newPassword !== null && (
            <Form.Item label={t('新密码', 'New password')} required>
              <Input.Password
                value={newPassword}
                onChange={(e) => setNewPassword(e.target.value)}
                aria-label={t('新密码', 'New password')}
              />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" loading={busy}>
            {t('登录', 'Sign in')}
          </Button>
        </Form>
      ) : (
        <Form
          layout="vertical"
          onFinish={() => {
            const v = token.trim();
            if (!v) return;
            saveToken(v);
            onToken(v);
          }}
        >
          <Form.Item label={t('管理员令牌', 'Admin token')} required>
            <Input.Password
              autoFocus
              value={token}
              onChange={(e) => setToken(e.target.value)}
              aria-label={t('管理员令牌', 'Admin token')}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('登录', 'Sign in')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

// The header's "who is signed in" with the lock and shift-change actions (only once the hall
// has staff; a desk without staff shows nothing here).
import { LockOutlined, SwapOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { activeDb } from '../db/db';
import { useT } from '../i18n';
import { navigate } from '../ui/router';
import { signOut } from './local';
import { lockNow, refreshGate, useStaffGate } from './session';

export function StaffBadge() {
  const t = useT();
  const session = useStaffGate((s) => (s.required ? s.session : null));
  if (!session) return null;
  return (
    <Space size="small">
      <Typography.Text data-testid="staff-signed-in">
        {session.name}（{session.staffNo}）
      </Typography.Text>
      <Button
        size="small"
        icon={<LockOutlined />}
        title="Ctrl+Alt+L"
        data-testid="lock-now"
        onClick={() => void lockNow(activeDb())}
      >
        {t('锁屏', 'Lock')}
      </Button>
      <Button
        size="small"
        icon={<SwapOutlined />}
        data-testid="shift-change-header"
        onClick={async () => {
          const db = activeDb();
          await signOut(db);
          navigate('/desk/new', { replace: true });
          await refreshGate(db, { newEpoch: true });
        }}
      >
        {t('交接班', 'Shift change')}
      </Button>
    </Space>
  );
}

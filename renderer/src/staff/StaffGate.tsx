// The desk's door: once the hall has staff, nothing of the desk shows until a person signs in
// (staff number + password, offline against the pulled verifiers); a locked session shows the
// PIN screen over nothing (the page tree is unmounted, so no customer data stays on screen).
// First sign-in and a reset ask for a new password; a PIN for unlocking can be set after.
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { type ReactNode, useEffect, useLayoutEffect, useState } from 'react';
import { activeDb } from '../db/db';
import { useT } from '../i18n';
import { dismissFirstPaint } from '../ui/firstPaintHandle';
import { navigate } from '../ui/router';
import { useShortcut } from '../ui/shortcuts';
import { changePassword, setPin, signIn, signOut, unlock, type StaffSession } from './local';
import { lockNow, refreshGate, useStaffGate, watchIdle } from './session';
import './staff.css';

export function StaffGate(props: { children: ReactNode }) {
  const gate = useStaffGate();
  useEffect(() => {
    const db = activeDb();
    void refreshGate(db);
    return watchIdle(db);
  }, []);
  // The lock shortcut (Win+L-style demand): Ctrl+Alt+L.
  useShortcut('ctrl+alt+l', () => void lockNow(activeDb()), gate.required && !!gate.session);
  const blocked = gate.ready && gate.required && (!gate.session || gate.session.locked);
  useLayoutEffect(() => {
    if (blocked) dismissFirstPaint();
  }, [blocked]);
  if (!gate.ready || !gate.required) return <>{props.children}</>;
  if (!gate.session) return <SignInScreen />;
  if (gate.session.locked) return <LockScreen session={gate.session} />;
  return <div key={gate.epoch}>{props.children}</div>;
}

type Step =
  | { kind: 'credentials' }
  | { kind: 'change'; session: StaffSession; needsPin: boolean }
  | { kind: 'pin'; session: StaffSession };

function SignInScreen() {
  const t = useT();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const db = activeDb();

  const finish = async () => {
    navigate('/desk/new', { replace: true });
    await refreshGate(db, { newEpoch: true });
  };

  if (step.kind === 'change') {
    return (
      <Door title={t('设置新密码', 'Set a new password')}>
        <Alert
          type="info"
          showIcon
          title={t(
            '首次登录或密码已重置：请设置自己的新密码（至少 8 位，含字母和数字）',
            'First sign-in or reset: choose your own password (8+ characters, letters and digits)',
          )}
        />
        <PasswordPair
          busy={busy}
          error={error}
          label={t('新密码', 'New password')}
          onSubmit={async (pw) => {
            setBusy(true);
            setError(null);
            const r = await changePassword(db, step.session, pw);
            setBusy(false);
            if (!r.ok) return setError(r.message);
            if (step.needsPin) setStep({ kind: 'pin', session: step.session });
            else await finish();
          }}
        />
      </Door>
    );
  }
  if (step.kind === 'pin') {
    return (
      <Door title={t('设置解锁 PIN', 'Set an unlock PIN')}>
        <Typography.Paragraph>
          {t(
            '离开受理台时会自动锁屏，用 4–6 位数字 PIN 快速解锁。',
            'The desk locks when left alone; a 4–6 digit PIN unlocks it.',
          )}
        </Typography.Paragraph>
        <PasswordPair
          busy={busy}
          error={error}
          pin
          label="PIN"
          onSubmit={async (pin) => {
            setBusy(true);
            setError(null);
            const r = await setPin(db, step.session, pin);
            setBusy(false);
            if (!r.ok) return setError(r.message);
            await finish();
          }}
        />
        <Button type="link" onClick={() => void finish()} data-testid="pin-skip">
          {t('以后再设（用密码解锁）', 'Later (unlock with the password)')}
        </Button>
      </Door>
    );
  }
  return (
    <Door title={t('受理员登录', 'Staff sign-in')}>
      <Form
        layout="vertical"
        onFinish={async (v: { staffNo: string; password: string }) => {
          setBusy(true);
          setError(null);
          const r = await signIn(db, v.staffNo ?? '', v.password ?? '');
          setBusy(false);
          if (!r.ok) return setError(r.message);
          if (r.mustChange) setStep({ kind: 'change', session: r.session, needsPin: r.needsPin });
          else if (r.needsPin) setStep({ kind: 'pin', session: r.session });
          else await finish();
        }}
      >
        <Form.Item label={t('工号', 'Staff number')} name="staffNo" rules={[{ required: true }]}>
          <Input
            id="staff-no"
            autoFocus
            autoComplete="username"
            prefix={<UserOutlined />}
            data-testid="staff-no"
          />
        </Form.Item>
        <Form.Item label={t('密码', 'Password')} name="password" rules={[{ required: true }]}>
          <Input.Password
            id="staff-password"
            autoComplete="current-password"
            prefix={<LockOutlined />}
            data-testid="staff-password"
          />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} role="alert" />}
        <Button
          type="primary"
          htmlType="submit"
          loading={busy}
          block
          className="staff-submit"
          data-testid="staff-sign-in"
        >
          {t('登录', 'Sign in')}
        </Button>
      </Form>
    </Door>
  );
}

function LockScreen(props: { session: StaffSession }) {
  const t = useT();
  const db = activeDb();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [value, setValue] = useState('');
  return (
    <Door title={t('受理台已锁定', 'Desk locked')}>
      <Typography.Paragraph data-testid="lock-who">
        {props.session.name}（{props.session.staffNo}）
      </Typography.Paragraph>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          const r = await unlock(db, value);
          setBusy(false);
          setValue('');
          if (!r.ok) setError(r.message);
          await refreshGate(db);
        }}
      >
        <Space.Compact style={{ width: '100%' }}>
          <Input.Password
            autoFocus
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder={props.session.hasPin ? 'PIN' : t('密码', 'Password')}
            aria-label={props.session.hasPin ? 'PIN' : t('密码', 'Password')}
            data-testid="unlock-secret"
            inputMode={props.session.hasPin ? 'numeric' : 'text'}
          />
          <Button type="primary" htmlType="submit" loading={busy} data-testid="unlock">
            {t('解锁', 'Unlock')}
          </Button>
        </Space.Compact>
      </form>
      {error && <Alert type="error" showIcon title={error} role="alert" className="staff-gap" />}
      <Button
        className="staff-gap"
        block
        data-testid="shift-change"
        onClick={async () => {
          await signOut(db);
          navigate('/desk/new', { replace: true });
          await refreshGate(db, { newEpoch: true });
        }}
      >
        {t('换人登录（交接班）', 'Another person signs in (shift change)')}
      </Button>
    </Door>
  );
}

function PasswordPair(props: {
  label: string;
  busy: boolean;
  error: string | null;
  pin?: boolean;
  onSubmit: (v: string) => Promise<void>;
}) {
  const t = useT();
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [mismatch, setMismatch] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (a !== b) return setMismatch(true);
        setMismatch(false);
        void props.onSubmit(a);
      }}
    >
      <label className="staff-label">
        {props.label}
        <Input.Password
          autoFocus
          value={a}
          onChange={(e) => setA(e.target.value)}
          data-testid="new-secret"
          inputMode={props.pin ? 'numeric' : 'text'}
          autoComplete="new-password"
        />
      </label>
      <label className="staff-label">
        {t('再输一次', 'Again')}
        <Input.Password
          value={b}
          onChange={(e) => setB(e.target.value)}
          data-testid="new-secret-again"
          inputMode={props.pin ? 'numeric' : 'text'}
          autoComplete="new-password"
        />
      </label>
      {(mismatch || props.error) && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={mismatch ? t('两次输入不一致', 'The two entries differ') : props.error}
        />
      )}
      <Button
        type="primary"
        htmlType="submit"
        loading={props.busy}
        block
        className="staff-submit"
        data-testid="new-secret-save"
      >
        {t('确定', 'OK')}
      </Button>
    </form>
  );
}

function Door(props: { title: string; children: ReactNode }) {
  return (
    <main className="staff-door">
      <Card title={props.title} className="staff-card">
        {props.children}
      </Card>
    </main>
  );
}

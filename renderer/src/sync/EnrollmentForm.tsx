// First run: the endpoint address and the administrator's one-time enrollment code, exchanged
// for this desk's device token.
import { Alert, App as AntApp, Button, Form, Input } from 'antd';
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n';
import { enroll, enrollOffline, EnrollmentError, readCode } from './credentials';
import { getSyncEngine, syncDb } from './runtime';

interface Values {
  endpoint: string;
  code: string;
  deviceName: string;
}

export function EnrollmentForm({
  initialEndpoint,
  hallHint,
  onDone,
}: {
  initialEndpoint?: string;
  /** The hall this desk is to join, when known (npm start's demo hall). */
  hallHint?: string;
  onDone?: () => void;
}): ReactNode {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = AntApp.useApp();

  async function submit(v: Values): Promise<void> {
    const db = syncDb();
    if (!db) {
      setError(t('本地数据库尚未打开', 'Local database not open'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await enroll(db, v, (input, init) => globalThis.fetch(input, init));
      const moved = r.rehomed.applications + r.rehomed.feedback;
      message.success(
        moved > 0
          ? t(
              `已登记到${r.hallName ?? r.hallCode}，受理台编码 ${r.deskCode}；登记前保存的 ${moved} 条记录已归入本营业厅（编号不变），将随同步上传`,
              `Enrolled in ${r.hallCode} as desk ${r.deskCode}; ${moved} records saved before enrollment moved to this hall (numbers unchanged)`,
            )
          : t(
              `已登记到${r.hallName ?? r.hallCode}，受理台编码 ${r.deskCode}`,
              `Enrolled in ${r.hallCode} as desk ${r.deskCode}`,
            ),
      );
      onDone?.();
      void getSyncEngine()?.syncNow();
    } catch (e) {
      // No link yet (a rural desk): a code made for this desk still tells it its hall and desk
      // code, so it can accept at once; the sync engine enrolls it at the first contact.
      if (e instanceof EnrollmentError && e.code === 'unreachable' && readCode(v.code)) {
        try {
          const p = await enrollOffline(db, v);
          message.success(
            t(
              `中心暂时无法连接：已按登记码设为营业厅 ${p.hallCode}、受理台 ${p.deskCode}，可以开始受理；首次连通中心时自动完成登记`,
              `The centre cannot be reached: set to hall ${p.hallCode}, desk ${p.deskCode} from the code; you can accept now, enrollment completes at the first contact`,
            ),
          );
          onDone?.();
          return;
        } catch (offline) {
          setError(offline instanceof EnrollmentError ? offline.message : String(offline));
          return;
        }
      }
      setError(e instanceof EnrollmentError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Form<Values>
      layout="vertical"
      style={{ maxWidth: 480 }}
      initialValues={{
        endpoint: initialEndpoint ?? '',
        code: '',
        deviceName: `受理台-${Math.random().toString(36).slice(2, 6).toUpperCase()}`,
      }}
      onFinish={(v) => void submit(v)}
      data-testid="enrollment-form"
    >
      {hallHint && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="enroll-hall"
          message={t(
            `本机将登记到营业厅 ${hallHint}。登记码由中心管理员为该营业厅生成（npm start 在终端打印）。`,
            `This desk will join hall ${hallHint}. The enrollment code is made by the centre's administrator for that hall (npm start prints one).`,
          )}
        />
      )}
      <Form.Item
        name="endpoint"
        label={t('中心地址', 'Endpoint address')}
        rules={[{ required: true, message: t('请填写中心地址', 'Enter the endpoint address') }]}
        extra={t('例如 https://central.example.cn', 'e.g. https://central.example.cn')}
      >
        <Input autoComplete="url" />
      </Form.Item>
      <Form.Item
        name="code"
        label={t('登记码', 'Enrollment code')}
        rules={[{ required: true, message: t('请填写管理员提供的登记码', 'Enter the code') }]}
      >
        <Input autoComplete="off" placeholder="H0101-D03-K7QH-3MZP-X2W9-T" />
      </Form.Item>
      <Form.Item
        name="deviceName"
        label={t('本机名称', 'Device name')}
        rules={[{ required: true, message: t('请填写本机名称', 'Enter a device name') }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('登记本机', 'Enroll this desk')}
      </Button>
    </Form>
  );
}

// 排队服务上传中心: on the hall host (Electron), the hall manager enrols this machine's hall queue
// service at the centre with a one-time code, sees where it pushes, or clears it. Nothing in a
// browser or on a machine that does not host the hall service.
import { hallClock, hallDateTime } from '../../../shared/domain/hallTime';
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Input,
  Popconfirm,
  Tag,
} from 'antd';
import { useEffect, useState } from 'react';
import type { HallCentralUplinkView, HallHostStatus } from '../../../shared/ipc/contract';
import { type Tr, useT } from '../i18n';
import { shell, ShellError } from '../shell/bridge';

const CODE_RE = /^[A-Za-z0-9][A-Za-z0-9 -]{3,63}$/;

/** The address as typed, with http:// added when the scheme is missing; null when not usable. */
export function normaliseCentralUrl(input: string): string | null {
  const trimmed = input.trim();
  if (!trimmed) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    if (u.search || u.hash || !u.hostname) return null;
    return withScheme.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

export function HallUplinkCard() {
  const [host, setHost] = useState(false);
  useEffect(() => {
    if (!shell.isElectron) return;
    let live = true;
    void shell.hall.isHost().then(
      (h) => live && setHost(h),
      () => live && setHost(false),
    );
    const off = shell.on('settings:changed', (view) => setHost(view.settings.hallHost.enabled));
    return () => {
      live = false;
      off();
    };
  }, []);
  return host ? <UplinkCard /> : null;
}

function UplinkCard() {
  const t = useT();
  const { message } = AntApp.useApp();
  const [view, setView] = useState<HallCentralUplinkView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const [hall, setHall] = useState<HallHostStatus | null>(null);
  useEffect(() => {
    let live = true;
    shell.invoke('hall:status', undefined).then(
      (h) => live && setHall(h),
      () => {},
    );
    const off = shell.on('hall:state', setHall);
    return () => {
      live = false;
      off();
    };
  }, []);

  useEffect(() => {
    let live = true;
    shell.hall.centralUplink().then(
      (v) => {
        if (!live) return;
        setView(v);
        if (v?.centralUrl) setUrl(v.centralUrl);
      },
      (e: unknown) => live && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const centralUrl = normaliseCentralUrl(url);
  const codeOk = CODE_RE.test(code.trim());

  async function enrol() {
    if (!centralUrl || !codeOk) return;
    setBusy(true);
    setError(null);
    try {
      const v = await shell.hall.setCentralUplink({ centralUrl, enrollmentCode: code.trim() });
      setView(v);
      setCode('');
      message.success(
        t(
          `已登记到中心（营业厅 ${v.hallCode ?? ''}），排队服务已重启并开始上传`,
          `Enrolled at the centre (hall ${v.hallCode ?? ''}); the queue service restarted`,
        ),
      );
    } catch (e) {
      setError(refusalText(e, t));
    } finally {
      setBusy(false);
    }
  }

  async function clear() {
    setBusy(true);
    setError(null);
    try {
      const deviceId = view?.deviceId ?? '';
      const v = await shell.hall.clearCentralUplink();
      setView(v);
      if (v.centreRevoked === false) {
        // Cleared here, but the centre still honours the token: its administrator must revoke it.
        setError(
          t(
            `已清除本机设置，但无法连接中心端，设备 ${deviceId} 未能吊销：请中心管理员在中心端吊销该设备。`,
            `Cleared here, but the centre could not be reached: ask its administrator to revoke device ${deviceId}.`,
          ),
        );
      } else {
        message.success(
          v.centreRevoked
            ? t(
                '已清除，中心端已吊销本设备，排队服务改为离线运行',
                'Cleared; the centre revoked the device; the queue service runs offline',
              )
            : t('已清除，排队服务改为离线运行', 'Cleared; the queue service runs offline'),
        );
      }
    } catch (e) {
      setError(refusalText(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      size="small"
      title={t('排队服务上传中心', 'Queue service uplink to the centre')}
      style={{ marginBottom: 16 }}
      data-testid="hall-uplink"
    >
      {loadError && <Alert type="error" showIcon title={loadError} style={{ marginBottom: 8 }} />}
      {view?.problem && (
        <Alert type="warning" showIcon title={view.problem} style={{ marginBottom: 8 }} />
      )}
      <Descriptions size="small" column={1} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('状态', 'State')}>
          <span data-testid="hall-uplink-state">
            {view === null ? (
              '…'
            ) : view.configured ? (
              <Tag color="green">
                {t('已登记，排队事件上传中心', 'Enrolled: queue events go to the centre')}
              </Tag>
            ) : (
              <Tag>{t('未设置：排队服务离线运行', 'Not set: the queue service runs offline')}</Tag>
            )}
          </span>
        </Descriptions.Item>
        {view?.configured && (
          <>
            <Descriptions.Item label={t('中心地址', 'Centre address')}>
              {view.centralUrl}
            </Descriptions.Item>
            <Descriptions.Item label={t('营业厅', 'Hall')}>
              {view.hallCode}
              {view.hallName ? ` ${view.hallName}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('设备编号', 'Device id')}>
              <code>{view.deviceId}</code>
            </Descriptions.Item>
            {view.enrolledAt && (
              <Descriptions.Item label={t('登记时间', 'Enrolled at')}>
                {hallDateTime(view.enrolledAt)}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('上传情况', 'Upload')}>
              <span data-testid="hall-uplink-push">
                <PushState hall={hall} t={t} />
              </span>
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 8 }}
          data-testid="hall-uplink-error"
        />
      )}
      <Flex gap={8} wrap align="center">
        <Input
          style={{ width: 280 }}
          placeholder="http://10.1.0.5:8600"
          value={url}
          maxLength={500}
          onChange={(e) => setUrl(e.target.value)}
          aria-label={t('中心地址', 'Centre address')}
          status={url && !centralUrl ? 'error' : undefined}
          data-testid="hall-uplink-url"
        />
        <Input
          style={{ width: 180, fontFamily: 'monospace', letterSpacing: 1 }}
          placeholder="XXXX-XXXX"
          value={code}
          maxLength={64}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          onPressEnter={() => void enrol()}
          aria-label={t('登记码', 'Enrollment code')}
          data-testid="hall-uplink-code"
        />
        <Button
          type="primary"
          loading={busy}
          disabled={!centralUrl || !codeOk}
          onClick={() => void enrol()}
          data-testid="hall-uplink-submit"
        >
          {view?.configured ? t('重新登记', 'Enrol again') : t('登记', 'Enrol')}
        </Button>
        {view?.configured && (
          <Popconfirm
            title={t(
              '清除后排队服务不再上传中心，并通知中心吊销本设备的凭据。',
              'The queue service stops uploading and the centre is told to revoke the device.',
            )}
            okText={t('清除', 'Clear')}
            cancelText={t('取消', 'Cancel')}
            onConfirm={() => void clear()}
          >
            <Button danger disabled={busy} data-testid="hall-uplink-clear">
              {t('清除', 'Clear')}
            </Button>
          </Popconfirm>
        )}
      </Flex>
      <div style={{ marginTop: 8, color: 'rgba(0,0,0,0.45)' }}>
        {t(
          '登记码由中心管理员在中心端为本营业厅生成，一次有效。',
          'The one-time enrollment code is generated for this hall by the centre administrator.',
        )}
      </div>
    </Card>
  );
}

/** Whether the hall service's queue events reach the centre, from its last report. */
function PushState(props: { hall: HallHostStatus | null; t: Tr }) {
  const { hall, t } = props;
  if (!hall) return <>…</>;
  if (hall.state !== 'running')
    return <Tag color="orange">{t('排队服务未运行', 'The queue service is not running')}</Tag>;
  const push = hall.push;
  if (!push) return <>{t('等待排队服务报告…', 'Waiting for the queue service…')}</>;
  const time = (ms: number) => hallClock(ms).time + ':' + hallClock(ms).seconds;
  const lastOk =
    push.lastSuccessAt === null
      ? t('本次启动后尚未成功上传', 'nothing sent since the service started')
      : t(`上次成功 ${time(push.lastSuccessAt)}`, `last sent ${time(push.lastSuccessAt)}`);
  // Events the centre could not store went as placeholders: the manager should tell the centre.
  const unsendable = push.unsendable ? (
    <div style={{ color: '#d4380d' }}>
      {t('部分排队事件中心无法保存：', 'Some queue events could not be stored: ')}
      {push.unsendable}
    </div>
  ) : null;
  if (push.lastError)
    return (
      <>
        <Tag color="red">
          {t(`上传失败，${push.pending} 条待上传`, `Failing: ${push.pending} waiting`)}
        </Tag>
        {lastOk}。{t('原因：', 'Reason: ')}
        {push.lastError}
        {t('。恢复连接后自动补传。', '. Sent once the link is back.')}
        {unsendable}
      </>
    );
  if (push.pending > 0)
    return (
      <Tag color="blue">
        {t(`正在上传，${push.pending} 条待上传`, `Sending: ${push.pending} waiting`)}
      </Tag>
    );
  return (
    <>
      <Tag color="green">{t('正常，已全部上传', 'All sent')}</Tag>
      {push.lastSuccessAt !== null && lastOk}
      {unsendable}
    </>
  );
}

/** A refusal from main in Chinese first: main's message is already zh / en, keep the zh part. */
function refusalText(e: unknown, t: Tr): string {
  if (e instanceof ShellError) {
    switch (e.reason) {
      case 'E_ENROLLMENT_CODE':
        return t(
          '登记码无效、已使用或已过期，请向中心管理员重新申请',
          'The enrollment code is unknown, used or expired: ask the centre administrator for a new one',
        );
      case 'E_CENTRAL_UNREACHABLE':
        return t(
          '无法连接中心端，请检查中心地址和网络后重试',
          'Cannot reach the centre: check the address and the network',
        );
      case 'E_NOT_CENTRAL':
        return t('该地址不是营业厅中心端，请核对中心地址', 'That address is not a HallDesk centre');
      case 'E_SECRETS_UNAVAILABLE':
        return t(
          '本机没有可用的安全存储（系统钥匙串），无法保存中心凭据',
          'No secure storage (OS keyring) on this machine to keep the credentials',
        );
      default:
        return splitMessage(e.message, t);
    }
  }
  return t('操作失败', 'Failed');
}

/** main's messages are "中文 / English". */
/** Main's messages are "中文 / English": the part for the interface language. */
export function splitMessage(m: string, t: Tr): string {
  const i = m.indexOf(' / ');
  return i > 0 ? t(m.slice(0, i), m.slice(i + 3)) : m;
}

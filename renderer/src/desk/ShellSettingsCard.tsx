// 本机设置 (desktop program only): what this machine is (desk, hall display, ticket kiosk,
// customer screen) and on which monitor, the customer-facing screen, printers and ticket width,
// hosting the hall queue service or where to find it, start with the system, the update feed and
// what the updater is doing, the data folder. Saved through main (settings:set), which validates
// every field and answers what took effect now and what waits for the next start.
import {
  App as AntApp,
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import {
  hallServiceUrlFor,
  type AppInfo,
  type DisplayInfo,
  type HallHostStatus,
  type PrinterInfo,
  type Role,
  type Settings,
  type SettingsPatch,
  type SettingsView,
  type UpdateStatus,
} from '../../../shared/ipc/contract';
import { type Tr, useT } from '../i18n';
import { shell } from '../shell/bridge';
import { normaliseCentralUrl, splitMessage } from './HallUplinkCard';

/** The card shows only inside the desktop program. */
export function ShellSettingsCard() {
  return shell.isElectron ? <MachineCard /> : null;
}

interface Loaded {
  view: SettingsView;
  info: AppInfo;
  displays: DisplayInfo[];
  printers: PrinterInfo[];
}

const ROLE_NAMES: Record<Role, [string, string]> = {
  desk: ['受理台', 'Desk'],
  display: ['大厅显示屏', 'Hall display'],
  kiosk: ['取号机', 'Ticket kiosk'],
  customer: ['客户评价屏', 'Customer screen'],
};

/** safeStorage's backend names as an administrator knows them. */
const KEYSTORES: Record<string, string> = {
  dpapi: 'Windows DPAPI',
  keychain: 'macOS Keychain',
  gnome_libsecret: 'GNOME Keyring',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
};

function MachineCard() {
  const t = useT();
  const { message, modal } = AntApp.useApp();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [hallUrlText, setHallUrlText] = useState('');
  const [updateUrlText, setUpdateUrlText] = useState('');
  const [dataDirText, setDataDirText] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hall, setHall] = useState<HallHostStatus | null>(null);
  const [update, setUpdate] = useState<UpdateStatus | null>(null);
  const [reloadFor, setReloadFor] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    // Monitors and printers are optional: a machine without printers still gets its settings.
    Promise.all([
      shell.invoke('settings:get', undefined),
      shell.invoke('app:info', undefined),
      shell.invoke('displays:list', undefined).catch(() => []),
      shell.printers().catch(() => []),
      shell.invoke('hall:status', undefined).catch(() => null),
      shell.invoke('update:status', undefined).catch(() => null),
    ]).then(
      ([view, info, displays, printers, hallStatus, updateStatus]) => {
        if (!live) return;
        setLoaded({ view, info, displays, printers });
        adopt(view);
        setHall(hallStatus);
        setUpdate(updateStatus);
      },
      (e: unknown) => live && setLoadError(messageOf(e, t)),
    );
    const offs = [
      shell.on('settings:changed', (view) => {
        setLoaded((l) => (l ? { ...l, view } : l));
      }),
      shell.on('hall:state', setHall),
      shell.on('update:state', setUpdate),
      shell.on('update:ready', ({ version }) =>
        setUpdate({ state: 'ready', readyVersion: version, percent: 100, error: null }),
      ),
    ];
    return () => {
      live = false;
      for (const off of offs) off();
    };
    // t only changes with the language; the first load must not repeat for it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function adopt(view: SettingsView) {
    setDraft(view.settings);
    setHallUrlText(view.settings.hallServiceUrl ?? '');
    setUpdateUrlText(view.settings.updateUrl ?? '');
    setDataDirText(view.dataDir);
  }

  if (loadError)
    return (
      <Card size="small" title={t('本机设置', 'This computer')} style={{ marginBottom: 16 }}>
        <Alert type="error" showIcon title={loadError} />
      </Card>
    );
  if (!loaded || !draft) return null;
  const { view, info, displays, printers } = loaded;

  const hallUrl = hallUrlText.trim() ? normaliseCentralUrl(hallUrlText) : null;
  const hallUrlBad = hallUrlText.trim() !== '' && hallUrl === null;
  const updateUrl = updateUrlText.trim() ? normaliseFeedUrl(updateUrlText) : null;
  const updateUrlBad = updateUrlText.trim() !== '' && updateUrl === null;
  const next: Settings = { ...draft, hallServiceUrl: hallUrl, updateUrl };
  const patch = diff(view.settings, next);
  const dataDirChanged = dataDirText.trim() !== '' && dataDirText.trim() !== view.dataDir;
  if (dataDirChanged) patch.dataDir = dataDirText.trim();
  const dirty = Object.keys(patch).length > 0;
  const set = (p: Partial<Settings>) => setDraft({ ...draft, ...p });

  async function save() {
    if (hallUrlBad || updateUrlBad || !dirty) return;
    const leavingRole = patch.role !== undefined && patch.role !== view.activeRole;
    if (leavingRole && view.roleSource !== 'flag') {
      const ok = await modal.confirm({
        title: t(
          `将本机切换为「${ROLE_NAMES[patch.role!][0]}」？`,
          `Switch this computer to “${ROLE_NAMES[patch.role!][1]}”?`,
        ),
        content: t(
          `本窗口将关闭，改为打开${ROLE_NAMES[patch.role!][0]}。${
            patch.role === 'desk'
              ? ''
              : '该角色全屏运行、没有设置页面；以后要改回受理台，请用启动参数 --role=desk 启动本程序。'
          }`,
          `This window closes and the ${ROLE_NAMES[patch.role!][1].toLowerCase()} opens.${
            patch.role === 'desk'
              ? ''
              : ' It runs full screen without a settings page: start the program with --role=desk to come back.'
          }`,
        ),
        okText: t('切换', 'Switch'),
        cancelText: t('取消', 'Cancel'),
      });
      if (!ok) return;
    }
    setSaving(true);
    setError(null);
    const hallBefore = hallServiceUrlFor(view.settings);
    try {
      const saved = await shell.updateSettings(patch);
      setLoaded({ ...loaded!, view: saved });
      adopt(saved);
      const hallAfter = hallServiceUrlFor(saved.settings);
      if (hallAfter !== hallBefore) setReloadFor(hallAfter ?? '');
      message.success(t('本机设置已保存', 'Settings of this computer saved'));
    } catch (e) {
      setError(messageOf(e, t));
    } finally {
      setSaving(false);
    }
  }

  const monitorOptions = [
    { value: 0, label: t('按角色默认', 'Role default') },
    ...displays.map((d) => ({
      value: d.index,
      label: `${t('显示器', 'Monitor')} ${d.index}${d.primary ? t('（主）', ' (primary)') : ''} · ${d.bounds.width}×${d.bounds.height}`,
    })),
  ];
  const printerOptions = (chosen: string | null) => [
    { value: '', label: t('系统默认打印机', 'System default printer') },
    ...printers.map((p) => ({
      value: p.name,
      label: `${p.displayName}${p.isDefault ? t('（默认）', ' (default)') : ''}`,
    })),
    // A printer saved earlier but not connected now stays choosable, and says so.
    ...(chosen && !printers.some((p) => p.name === chosen)
      ? [{ value: chosen, label: `${chosen}${t('（未连接）', ' (not connected)')}` }]
      : []),
  ];

  return (
    <Card
      size="small"
      title={t('本机设置', 'This computer')}
      style={{ marginBottom: 16 }}
      data-testid="shell-settings"
    >
      <Descriptions size="small" column={2} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('程序版本', 'Version')}>
          {info.version}
          <Typography.Text type="secondary">
            {' '}
            · Electron {info.electron} · {info.platform}/{info.arch}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('本机角色', 'Role')}>
          <span data-testid="shell-active-role">{t(...ROLE_NAMES[view.activeRole])}</span>
          {view.roleSource === 'flag' && (
            <Tag style={{ marginLeft: 8 }}>{t('启动参数指定', 'from the command line')}</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('凭据保管', 'Credentials kept by')}>
          {info.secretsBackend === 'basic_text' || info.secretsBackend === 'unknown' ? (
            <Tag color="orange">
              {t('本机无系统密钥环，令牌不能加密保存', 'No OS keyring: tokens cannot be encrypted')}
            </Tag>
          ) : (
            <Tag color="green">{KEYSTORES[info.secretsBackend] ?? info.secretsBackend}</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('程序更新', 'Updates')}>
          <span data-testid="shell-update-state">{updateText(update, t)}</span>
        </Descriptions.Item>
      </Descriptions>

      {view.roleSource === 'flag' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t(
            '本次启动由启动参数 --role 指定角色；此处保存的角色在不带该参数启动时生效。',
            'The --role flag chose the role for this run; the role saved here applies when started without it.',
          )}
        />
      )}

      {/* A fixed grid: with flex columns a long help text pushed its field onto its own row. */}
      <Form layout="horizontal" labelCol={{ span: 5 }} wrapperCol={{ span: 19 }}>
        <Form.Item label={t('本机角色', 'Role')}>
          <Radio.Group
            value={draft.role}
            onChange={(e) => set({ role: e.target.value as Role })}
            data-testid="shell-role"
            options={(Object.keys(ROLE_NAMES) as Role[]).map((r) => ({
              value: r,
              label: t(...ROLE_NAMES[r]),
            }))}
          />
        </Form.Item>
        {(draft.role === 'display' || draft.role === 'kiosk') && (
          <Form.Item label={t('所在显示器', 'Monitor')} htmlFor="shell-display-monitor">
            <Select
              id="shell-display-monitor"
              style={{ width: 320 }}
              value={draft.displayMonitor ?? 0}
              onChange={(v: number) => set({ displayMonitor: v === 0 ? null : v })}
              options={monitorOptions}
            />
          </Form.Item>
        )}
        {draft.role === 'desk' && (
          <Form.Item
            label={t('客户评价屏', 'Customer screen')}
            extra={t(
              '受理台的第二块显示器：给客户核对信息（已脱敏）、签名和评价。',
              "The desk's second monitor: the customer checks the (masked) summary, signs and rates.",
            )}
          >
            <Switch
              checked={draft.customerScreen.enabled}
              onChange={(enabled) => set({ customerScreen: { ...draft.customerScreen, enabled } })}
              aria-label={t('启用客户评价屏', 'Enable the customer screen')}
              data-testid="shell-customer-enabled"
            />
            {draft.customerScreen.enabled && (
              <Select
                style={{ width: 320, marginLeft: 12 }}
                aria-label={t('客户评价屏所在显示器', 'Customer screen monitor')}
                value={draft.customerScreen.monitor}
                onChange={(monitor: number) =>
                  set({ customerScreen: { ...draft.customerScreen, monitor } })
                }
                options={monitorOptions.filter((o) => o.value !== 0)}
                notFoundContent={t('只检测到一块显示器', 'Only one monitor found')}
              />
            )}
          </Form.Item>
        )}
        <Form.Item label={t('回执打印机', 'Receipt printer')} htmlFor="shell-receipt-printer">
          <Select
            id="shell-receipt-printer"
            style={{ width: 320 }}
            value={draft.printers.receipt ?? ''}
            onChange={(v: string) => set({ printers: { ...draft.printers, receipt: v || null } })}
            options={printerOptions(draft.printers.receipt)}
          />
        </Form.Item>
        <Form.Item label={t('取号单打印机', 'Ticket printer')} htmlFor="shell-ticket-printer">
          <Select
            id="shell-ticket-printer"
            style={{ width: 320 }}
            value={draft.printers.ticket ?? ''}
            onChange={(v: string) => set({ printers: { ...draft.printers, ticket: v || null } })}
            options={printerOptions(draft.printers.ticket)}
          />
          <Radio.Group
            style={{ marginLeft: 12 }}
            value={draft.printers.ticketWidthMm}
            onChange={(e) =>
              set({ printers: { ...draft.printers, ticketWidthMm: e.target.value as 58 | 80 } })
            }
            data-testid="shell-ticket-width"
            options={[
              { value: 58, label: t('58 毫米', '58 mm') },
              { value: 80, label: t('80 毫米', '80 mm') },
            ]}
          />
        </Form.Item>
        <Form.Item
          label={t('排队服务主机', 'Hall queue host')}
          extra={t(
            '本机运行营业厅的排队叫号服务（取号机、显示屏、各窗口都连到这台电脑）。',
            'This computer runs the hall queue service that kiosks, screens and counters connect to.',
          )}
        >
          <Switch
            checked={draft.hallHost.enabled}
            onChange={(enabled) => set({ hallHost: { ...draft.hallHost, enabled } })}
            aria-label={t('本机作为排队服务主机', 'Host the hall queue service')}
            data-testid="shell-hall-host"
          />
          {draft.hallHost.enabled && (
            <>
              <InputNumber
                style={{ width: 120, marginLeft: 12 }}
                min={1024}
                max={65535}
                value={draft.hallHost.port}
                onChange={(port) => port && set({ hallHost: { ...draft.hallHost, port } })}
                aria-label={t('端口', 'Port')}
                prefix={t('端口', 'Port')}
              />
              <Select
                style={{ width: 220, marginLeft: 12 }}
                value={draft.hallHost.bindAddress}
                aria-label={t('监听范围', 'Listen on')}
                onChange={(bindAddress: string) =>
                  set({ hallHost: { ...draft.hallHost, bindAddress } })
                }
                options={[
                  { value: '0.0.0.0', label: t('营业厅局域网', 'The hall LAN') },
                  { value: '127.0.0.1', label: t('仅本机', 'This computer only') },
                ]}
              />
            </>
          )}
          {hall && (view.settings.hallHost.enabled || hall.state !== 'disabled') && (
            <div style={{ marginTop: 6 }} data-testid="shell-hall-state">
              {hallText(hall, t)}
            </div>
          )}
        </Form.Item>
        {!draft.hallHost.enabled && (
          <Form.Item
            label={t('排队服务地址', 'Hall queue address')}
            htmlFor="shell-hall-url"
            validateStatus={hallUrlBad ? 'error' : undefined}
            help={
              hallUrlBad
                ? t(
                    '地址格式不对，例如 http://192.168.1.20:8700',
                    'Not an address, e.g. http://192.168.1.20:8700',
                  )
                : t(
                    '排队服务在另一台电脑上时填写；留空表示本机（127.0.0.1:8700）。',
                    'When the queue service runs on another computer; empty = this computer.',
                  )
            }
          >
            <Input
              id="shell-hall-url"
              style={{ width: 320 }}
              placeholder="http://192.168.1.20:8700"
              value={hallUrlText}
              maxLength={500}
              onChange={(e) => setHallUrlText(e.target.value)}
            />
          </Form.Item>
        )}
        <Form.Item label={t('开机自动启动', 'Start with the system')}>
          <Switch
            checked={draft.startWithSystem}
            onChange={(startWithSystem) => set({ startWithSystem })}
            aria-label={t('开机自动启动', 'Start with the system')}
            data-testid="shell-autostart"
          />
        </Form.Item>
        <Form.Item
          label={t('更新地址', 'Update feed')}
          htmlFor="shell-update-url"
          validateStatus={updateUrlBad ? 'error' : undefined}
          help={
            updateUrlBad
              ? t('地址格式不对，例如 http://10.1.0.5:8600/updates/', 'Not an address')
              : t(
                  '通常为中心端地址加 /updates/；新版本在后台下载，下次启动时安装，不会打断正在办理的业务。下次启动生效。',
                  'Usually the centre address + /updates/. Downloads in the background, installs at the next start. Applies from the next start.',
                )
          }
        >
          <Input
            id="shell-update-url"
            style={{ width: 320 }}
            placeholder="http://10.1.0.5:8600/updates/"
            value={updateUrlText}
            maxLength={500}
            onChange={(e) => setUpdateUrlText(e.target.value)}
          />
        </Form.Item>
        <Form.Item
          label={t('数据目录', 'Data folder')}
          htmlFor="shell-data-dir"
          help={
            view.dataDirSource === 'env' || view.dataDirSource === 'flag'
              ? t(
                  '当前目录由环境变量或启动参数指定；此处选择的目录在不带它们启动时生效。',
                  'An environment variable or flag chose the current folder; this choice applies without them.',
                )
              : t(
                  '受理数据、签名、回执和日志所在的文件夹。更改后下次启动生效；原目录的数据不会自动移动。',
                  'Where applications, signatures, receipts and logs live. Applies from the next start; data is not moved.',
                )
          }
        >
          <Input
            id="shell-data-dir"
            style={{ width: 420 }}
            value={dataDirText}
            maxLength={1000}
            onChange={(e) => setDataDirText(e.target.value)}
          />
        </Form.Item>
      </Form>

      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 8 }}
          data-testid="shell-settings-error"
        />
      )}
      {view.restartRequired && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="shell-restart-required"
          title={t(
            '部分设置（数据目录、更新地址）将在下次启动程序时生效。',
            'Some settings (data folder, update feed) apply from the next start.',
          )}
        />
      )}
      {reloadFor !== null && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          data-testid="shell-hall-reload"
          title={t(
            '排队服务地址已更改，重新加载本窗口后生效。',
            'The hall queue address changed; it applies once this window reloads.',
          )}
          action={
            <Button size="small" onClick={() => reloadWithHallUrl(reloadFor)}>
              {t('重新加载', 'Reload')}
            </Button>
          }
        />
      )}
      <Button
        type="primary"
        loading={saving}
        disabled={!dirty || hallUrlBad || updateUrlBad}
        onClick={() => void save()}
        data-testid="shell-settings-save"
      >
        {t('保存本机设置', 'Save')}
      </Button>
    </Card>
  );
}

/** An update feed is a folder (latest.yml beside the installers): keep its trailing slash. */
function normaliseFeedUrl(text: string): string | null {
  const url = normaliseCentralUrl(text);
  return url ? `${url}/` : null;
}

/** The top-level fields that differ (settings:set replaces a top-level field whole). */
function diff(before: Settings, after: Settings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof Settings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  return patch as SettingsPatch;
}

/** Main puts the hall address in the window's query (it wins over storage): reload with the new one. */
function reloadWithHallUrl(url: string): void {
  const search = url ? `?${new URLSearchParams({ hallUrl: url }).toString()}` : '';
  window.location.replace(`${window.location.pathname}${search}${window.location.hash}`);
}

function hallText(s: HallHostStatus, t: Tr): string {
  switch (s.state) {
    case 'running':
      return t(`排队服务运行中（端口 ${s.port}）`, `Queue service running (port ${s.port})`);
    case 'starting':
      return t('排队服务启动中…', 'Queue service starting…');
    case 'backoff':
      return t(
        `排队服务异常退出（已重启 ${s.restarts} 次），稍后自动重启${s.lastError ? `：${s.lastError}` : ''}`,
        `Queue service exited (restarted ${s.restarts}×); restarting shortly`,
      );
    case 'failed':
      return t(
        `排队服务无法启动${s.lastError ? `：${s.lastError}` : ''}`,
        `Queue service failed to start${s.lastError ? `: ${s.lastError}` : ''}`,
      );
    case 'stopped':
      return t('排队服务已停止', 'Queue service stopped');
    default:
      return t('本机未运行排队服务', 'No queue service on this computer');
  }
}

function updateText(u: UpdateStatus | null, t: Tr): string {
  if (!u) return '—';
  switch (u.state) {
    case 'ready':
      return t(
        `新版本 ${u.readyVersion ?? ''} 已下载，将在下次启动时安装`,
        `Version ${u.readyVersion ?? ''} downloaded; installs at the next start`,
      );
    case 'downloading':
      return t(`正在后台下载新版本（${u.percent ?? 0}%）`, `Downloading (${u.percent ?? 0}%)`);
    case 'checking':
      return t('正在检查更新…', 'Checking…');
    case 'idle':
      return t('已是最新版本', 'Up to date');
    case 'error':
      // A download that failed its signature check says so itself (main: "中文 / English").
      if (u.error?.startsWith('更新包校验失败')) return splitMessage(u.error, t);
      return t(`检查更新失败：${u.error ?? ''}`, `Update check failed: ${u.error ?? ''}`);
    default:
      return t('未启用（未设置更新地址或非安装版）', 'Off (no feed, or not an installed build)');
  }
}

function messageOf(e: unknown, t: Tr): string {
  return splitMessage(e instanceof Error ? e.message : String(e), t);
}

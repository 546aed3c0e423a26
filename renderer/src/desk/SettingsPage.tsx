// 设置: this desk's hall and desk code (read-only, from enrollment) and clerk; the interface
// language; whether the browser keeps our storage persistently; where the data lives; a sealed
// backup export and restore. On the hall host (Electron), the queue service's uplink to the centre
// (HallUplinkCard); in the desktop program, this computer's role, monitors, printers, hall
// service, updates (ShellSettingsCard).
import { hallDateTime } from '../../../shared/domain/hallTime';
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { activeDb } from '../db/db';
import { type PurgeReport, RETENTION_META_KEY } from '../db/retention';
import { requestPersistentStorage, storageEstimate } from '../db/open';
import { vaultKey } from '../db/vault';
import { useLangStore, useT } from '../i18n';
import { shell } from '../shell/bridge';
import { navigate } from '../ui/router';
import { CONFIG_KEYS, type ConfigSource } from '../sync/configDocs';
import { PermissionTable, RequirePermission } from '../staff/Guard';
import { UploadLimitsCard } from '../sync/UploadLimitsCard';
import { AuditLogCard } from './AuditLog';
import { IdCardReaderCard } from './idCard/IdCardReaderCard';
import { BackupActions } from './BackupActions';
import { HallUplinkCard } from './HallUplinkCard';
import { ShellSettingsCard } from './ShellSettingsCard';
import {
  DEFAULT_PROFILE,
  type DeskProfile,
  saveProfile,
  useDeskConfig,
  useProfile,
} from './config';
import { codesSource } from './profileSource';

function mb(bytes: number | null): string {
  return bytes === null ? '—' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function SettingsPage() {
  const t = useT();
  const profile = useProfile();
  return (
    <div style={{ maxWidth: 860 }}>
      <Typography.Title level={3}>{t('设置', 'Settings')}</Typography.Title>
      {/* Configuration, the queue's set-up and the access log follow roles (issue 13). */}
      <RequirePermission need="config.change" what={t('受理台配置', 'Desk configuration')}>
        {profile !== undefined && (
          <ProfileForm initial={profile ?? DEFAULT_PROFILE} isNew={profile === null} />
        )}
      </RequirePermission>
      <LanguageCard />
      <RequirePermission need="config.change" what={t('本机设置', 'This computer')}>
        <ShellSettingsCard />
      </RequirePermission>
      <RequirePermission need="config.change" what={t('身份证读卡器', 'ID card reader')}>
        <IdCardReaderCard />
      </RequirePermission>
      <StorageCard />
      <RequirePermission need="config.change" what={t('附件上传', 'Attachment uploads')}>
        <UploadLimitsCard />
      </RequirePermission>
      <RequirePermission need="queue.setup" what={t('排队服务设置', 'Queue service set-up')}>
        <HallUplinkCard />
      </RequirePermission>
      <RequirePermission need="audit.read" what={t('访问日志', 'Access log')}>
        <AuditLogCard />
      </RequirePermission>
      <CalendarCard />
      <PermissionTable />
    </div>
  );
}

function ProfileForm(props: { initial: DeskProfile; isNew: boolean }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const [clerkName, setClerkName] = useState(props.initial.clerkName);
  const [saving, setSaving] = useState(false);
  // The codes come only from enrollment (issue 12 §2): shown read-only with where they came from.
  const source = useLiveQuery(() => codesSource(activeDb()), [], undefined);
  const clerkErr = clerkName.trim() ? undefined : t('请填写受理员姓名', 'Enter the clerk name');
  async function save() {
    if (clerkErr) return;
    setSaving(true);
    try {
      await saveProfile({ clerkName });
      message.success(t('设置已保存', 'Settings saved'));
    } catch (e) {
      message.error(`${t('保存失败', 'Saving failed')}：${String(e)}`);
    } finally {
      setSaving(false);
    }
  }
  const code = (id: string, label: string, value: string, width: number) => (
    <Form.Item label={label} htmlFor={id}>
      <Input
        id={id}
        value={value}
        readOnly
        variant="filled"
        placeholder={t('未设置', 'Not set')}
        style={{ width }}
      />
    </Form.Item>
  );
  const goEnroll = (
    <Button
      size="small"
      type={source ? 'default' : 'primary'}
      style={{ marginLeft: 8 }}
      onClick={() => navigate('/sync')}
      data-testid="settings-go-enroll"
    >
      {t('去登记本机', 'Enroll this desk')}
    </Button>
  );
  return (
    <Card size="small" title={t('受理台', 'Desk')} style={{ marginBottom: 16 }}>
      {props.isNew && (
        <Typography.Paragraph type="warning">
          {t(
            '首次使用：请先登记本受理台（营业厅和受理台编码来自登记码），并填写受理员姓名。申请编号由这两个编码、日期和流水号组成。',
            'First use: enroll this desk (the hall and desk codes come from the enrollment code) and enter the clerk name.',
          )}
        </Typography.Paragraph>
      )}
      {source !== undefined && (
        <Typography.Paragraph type="secondary" data-testid="profile-codes-source">
          {source === null ? (
            <>
              {t(
                '本受理台尚未登记：营业厅和受理台编码只来自登记（联网或离线输入管理员给的登记码），登记前不能受理。',
                'This desk is not enrolled: the hall and desk codes come only from the enrollment (online, or offline from the administrator’s code); no application can be accepted before it.',
              )}
              {goEnroll}
            </>
          ) : source.kind === 'manual' ? (
            <>
              {t(
                '营业厅和受理台编码为登记前手工设置（旧版本），继续用于申请编号，不能在此修改；登记本机后由中心确认。',
                'The hall and desk codes were set by hand before enrollment (older version) and keep numbering applications; they cannot be changed here and are confirmed when the desk is enrolled.',
              )}
              {goEnroll}
            </>
          ) : source.kind === 'centre' ? (
            t(
              `营业厅和受理台编码来自登记（中心 ${source.endpoint} 已确认），不能在此修改。`,
              `The hall and desk codes come from the enrollment (confirmed by ${source.endpoint}); they cannot be changed here.`,
            )
          ) : (
            t(
              `营业厅和受理台编码来自登记码（首次连通中心 ${source.endpoint} 时确认），不能在此修改。`,
              `The hall and desk codes come from the enrollment code (confirmed at the first contact with ${source.endpoint}); they cannot be changed here.`,
            )
          )}
        </Typography.Paragraph>
      )}
      <Form layout="vertical" component="div">
        <Space wrap size="large" align="start">
          {code('s-hall', t('营业厅编码', 'Hall code'), props.initial.hallCode, 180)}
          {code('s-desk', t('受理台编码', 'Desk code'), props.initial.deskCode, 140)}
          <Form.Item
            label={t('受理员', 'Clerk')}
            htmlFor="s-clerk"
            required
            validateStatus={clerkErr ? 'error' : undefined}
            help={clerkErr}
          >
            <Input
              id="s-clerk"
              value={clerkName}
              onChange={(e) => setClerkName(e.target.value)}
              maxLength={50}
              onPressEnter={() => void save()}
              style={{ width: 200 }}
            />
          </Form.Item>
        </Space>
        <Button
          type="primary"
          onClick={() => void save()}
          disabled={!!clerkErr}
          loading={saving}
          data-testid="save-profile"
        >
          {t('保存', 'Save')}
        </Button>
      </Form>
    </Card>
  );
}

function LanguageCard() {
  const t = useT();
  const lang = useLangStore((s) => s.lang);
  const setLang = useLangStore((s) => s.setLang);
  return (
    <Card size="small" title={t('界面语言', 'Language')} style={{ marginBottom: 16 }}>
      <Segmented
        aria-label={t('界面语言', 'Language')}
        value={lang}
        onChange={(v) => setLang(v === 'en' ? 'en' : 'zh')}
        options={[
          { value: 'zh', label: '中文' },
          { value: 'en', label: 'English' },
        ]}
      />
    </Card>
  );
}

function StorageCard() {
  const t = useT();
  const [persisted, setPersisted] = useState<boolean | null | undefined>(undefined);
  const [est, setEst] = useState<{ usage: number | null; quota: number | null } | null>(null);
  const [sealed, setSealed] = useState<boolean | null>(null);
  useEffect(() => {
    void vaultKey().then((k) => setSealed(k !== null));
    const s = navigator.storage;
    if (s?.persisted) s.persisted().then(setPersisted, () => setPersisted(null));
    else setPersisted(null);
    void storageEstimate().then(setEst);
  }, []);
  return (
    <Card size="small" title={t('数据与存储', 'Data and storage')} style={{ marginBottom: 16 }}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('持久存储', 'Persistent storage')}>
          <span data-testid="persisted">
            {persisted === undefined ? (
              '…'
            ) : persisted === true ? (
              <Tag color="green">
                {t(
                  '已授予：浏览器不会自动清除本机数据',
                  'Granted: the browser will not evict our data',
                )}
              </Tag>
            ) : persisted === false ? (
              <Tag color="orange">
                {t(
                  '未授予：存储紧张时浏览器可能清除数据',
                  'Not granted: the browser may evict data under pressure',
                )}
              </Tag>
            ) : (
              <Tag>{t('此环境不支持', 'Not supported here')}</Tag>
            )}
          </span>
          {persisted === false && (
            <Button
              size="small"
              style={{ marginLeft: 8 }}
              onClick={() => void requestPersistentStorage().then((r) => setPersisted(r))}
            >
              {t('再次申请', 'Ask again')}
            </Button>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('已用 / 配额', 'Used / quota')}>
          {est ? `${mb(est.usage)} / ${mb(est.quota)}` : '…'}
        </Descriptions.Item>
        <Descriptions.Item label={t('扫描件加密', 'Scans encrypted')}>
          <span data-testid="vault-state">
            {sealed === null ? (
              '…'
            ) : sealed ? (
              <Tag color="green">
                {t(
                  '已加密保存（AES-256，密钥在系统密钥库）',
                  'Yes (AES-256, key in the OS keystore)',
                )}
              </Tag>
            ) : (
              <Tag color="orange">
                {t(
                  '未加密（浏览器模式或本机无系统密钥库）：请启用磁盘加密',
                  'No (browser, or no OS keystore): use disk encryption',
                )}
              </Tag>
            )}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('个人信息留存', 'Retention of personal data')}>
          <RetentionText />
        </Descriptions.Item>
        <Descriptions.Item label={t('数据位置', 'Where the data lives')}>
          {shell.isElectron
            ? t(
                '保存在本机受理台程序的用户数据目录（IndexedDB 数据库 halldesk）。卸载程序不会删除；重置请使用恢复界面或删除该目录。',
                "In the desk program's user-data folder (IndexedDB database 'halldesk').",
              )
            : t(
                `保存在本浏览器中此网址（${window.location.origin}）的 IndexedDB 数据库 halldesk。清除浏览器数据会删除尚未上传的受理，请先导出备份。`,
                `In this browser's IndexedDB database 'halldesk' for ${window.location.origin}. Clearing browser data deletes unsent applications: export a backup first.`,
              )}
        </Descriptions.Item>
      </Descriptions>
      <BackupActions />
    </Card>
  );
}

/** Retention periods (configuration) and what the last purge removed (db/retention.ts). */
function RetentionText() {
  const t = useT();
  const r = useDeskConfig().settings.retention;
  const last = useLiveQuery(() => activeDb().meta.get(RETENTION_META_KEY), [])?.value as
    PurgeReport | undefined;
  return (
    <span data-testid="retention">
      {t(
        `已同步且办结的申请保留 ${r.syncedApplicationDays} 天，扫描件 ${r.attachmentDays} 天，草稿 ${r.draftDays} 天，已答复的意见 ${r.feedbackDays} 天；未上传中心的数据从不清除。`,
        `Synced, finished applications are kept ${r.syncedApplicationDays} days, scans ${r.attachmentDays}, drafts ${r.draftDays}, answered feedback ${r.feedbackDays}; nothing unsent is ever removed.`,
      )}
      {last &&
        t(
          ` 上次清理 ${hallDateTime(last.at)}：申请 ${last.applications}、扫描件 ${last.attachmentBytes}、草稿 ${last.drafts}、意见 ${last.feedback}。`,
          ` Last purge ${hallDateTime(last.at)}: ${last.applications} applications, ${last.attachmentBytes} scans, ${last.drafts} drafts, ${last.feedback} feedback.`,
        )}
    </span>
  );
}

function CalendarCard() {
  const t = useT();
  // Where a document comes from: 中心 (pushed, with the centre's version) or 程序内置 (bundled).
  const sourceText = (src: ConfigSource | undefined) =>
    src?.source === 'centre'
      ? t(`（中心下发 v${src.centreVersion}）`, ` (from the centre, v${src.centreVersion})`)
      : t('（程序内置）', ' (bundled)');
  const cfg = useDeskConfig();
  const years = cfg.calendar.years();
  const thisYear = new Date().getFullYear();
  return (
    <Card size="small" title={t('节假日日历与配置', 'Calendar and configuration')}>
      <Typography.Paragraph>
        {t('已载入节假日安排的年份：', 'Years with a holiday schedule: ')}
        {years.map((y) => (
          <Tag key={y} color={y === thisYear ? 'blue' : undefined}>
            {y}
          </Tag>
        ))}
      </Typography.Paragraph>
      {!cfg.calendar.hasYear(thisYear + 1) && (
        <Typography.Paragraph type="warning">
          {t(
            `尚未载入${thisYear + 1}年节假日安排：跨年的办理时限按周一至周五暂估（标注“暂估”），中心发布日历后按正式安排重算。`,
            `The ${thisYear + 1} schedule is not loaded yet: deadlines reaching into it are estimated Mon–Fri (marked “Provisional”) and recomputed once the centre publishes it.`,
          )}
        </Typography.Paragraph>
      )}
      <Typography.Text type="secondary" data-testid="config-versions">
        {t('业务目录版本', 'Catalogue version')} {cfg.catalogue.version}
        {sourceText(cfg.sources?.catalogue)} · {t('节假日日历版本', 'Calendar version')}{' '}
        {cfg.calendar.data.version}
        {sourceText(cfg.sources?.calendar)} · {t('营业厅配置版本', 'Hall settings version')}{' '}
        {cfg.settings.version}
        {sourceText(cfg.sources?.settings)}
      </Typography.Text>
      {CONFIG_KEYS.map((k) => cfg.sources?.[k].ignored).some(Boolean) && (
        <Typography.Paragraph type="warning" style={{ marginTop: 8 }}>
          {t(
            '中心下发的部分配置未通过校验，已忽略并继续使用现有配置。',
            'Some configuration from the centre failed validation and was ignored.',
          )}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

// 设置 → 附件上传: the limits an outlet on a thin line may set for scan uploads, so that its
// other systems keep working: a bandwidth cap and the hours when scans go up (e.g. after
// closing). Records (applications, feedback, the access log) are never limited.
import { App as AntApp, Button, Card, Checkbox, Input, InputNumber, Space, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { getSetting, setSetting } from '../db/repo';
import { useT } from '../i18n';
import { getSyncEngine } from './runtime';
import { normalizeUploadLimits, UPLOAD_LIMITS_KEY, type UploadLimits } from './store';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function UploadLimitsCard() {
  const t = useT();
  const { message } = AntApp.useApp();
  const stored = useLiveQuery(
    async () => normalizeUploadLimits(await getSetting(UPLOAD_LIMITS_KEY).catch(() => undefined)),
    [],
  );
  const [kbps, setKbps] = useState<number | null>(null);
  const [useHours, setUseHours] = useState(false);
  const [from, setFrom] = useState('18:00');
  const [to, setTo] = useState('08:00');
  useEffect(() => {
    if (!stored) return;
    setKbps(stored.kbps ?? null);
    setUseHours(!!stored.hours);
    if (stored.hours) {
      setFrom(stored.hours.from);
      setTo(stored.hours.to);
    }
  }, [stored]);

  const hoursError =
    useHours && (!HHMM.test(from) || !HHMM.test(to))
      ? t('时间格式为 时:分，例如 18:00', 'Use HH:MM, e.g. 18:00')
      : useHours && from === to
        ? t('开始与结束时间不能相同', 'Start and end must differ')
        : null;
  const kbpsError =
    kbps !== null && (!(kbps >= 16) || kbps > 1_000_000)
      ? t('带宽上限为 16 至 1000000 kbit/s，不限请留空', '16–1,000,000 kbit/s, or empty for none')
      : null;

  async function save() {
    if (hoursError || kbpsError) return;
    const value: UploadLimits = {
      ...(kbps ? { kbps } : {}),
      ...(useHours ? { hours: { from, to } } : {}),
    };
    await setSetting(UPLOAD_LIMITS_KEY, value);
    // The lane reads its limits when a run starts: start one now.
    getSyncEngine()?.requestSoon(0);
    message.success(t('附件上传设置已保存', 'Upload limits saved'));
  }

  return (
    <Card
      size="small"
      title={t('附件上传', 'Scan uploads')}
      style={{ marginBottom: 16 }}
      data-testid="upload-limits"
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t(
            '线路较差时可限制扫描件上传，受理记录不受限制，总是优先发送。',
            'On a thin line, scan uploads can be limited; records are never limited and always go first.',
          )}
        </Typography.Text>
        <Space wrap>
          <span>{t('带宽上限', 'Bandwidth cap')}</span>
          <InputNumber
            aria-label={t('带宽上限', 'Bandwidth cap')}
            min={0}
            value={kbps}
            placeholder={t('不限', 'None')}
            addonAfter="kbit/s"
            onChange={(v) => setKbps(typeof v === 'number' && v > 0 ? v : null)}
            status={kbpsError ? 'error' : ''}
          />
        </Space>
        {kbpsError && <Typography.Text type="danger">{kbpsError}</Typography.Text>}
        <Checkbox checked={useHours} onChange={(e) => setUseHours(e.target.checked)}>
          {t('只在以下时段上传扫描件', 'Upload scans only between')}
        </Checkbox>
        {useHours && (
          <Space>
            <Input
              aria-label={t('开始', 'From')}
              value={from}
              style={{ width: 90 }}
              onChange={(e) => setFrom(e.target.value.trim())}
              status={hoursError ? 'error' : ''}
            />
            <span>—</span>
            <Input
              aria-label={t('结束', 'To')}
              value={to}
              style={{ width: 90 }}
              onChange={(e) => setTo(e.target.value.trim())}
              status={hoursError ? 'error' : ''}
            />
          </Space>
        )}
        {hoursError && <Typography.Text type="danger">{hoursError}</Typography.Text>}
        <Button
          type="primary"
          onClick={() => void save()}
          disabled={!!hoursError || !!kbpsError}
          data-testid="upload-limits-save"
        >
          {t('保存', 'Save')}
        </Button>
      </Space>
    </Card>
  );
}

// Manager view, "Devices" tab: pair a counter device (a one-time code, typed on the counter or
// opened as a link / QR code, valid ten minutes, optionally bound to one counter) and list or
// revoke the paired devices. Tokens never appear here: the service keeps only their hashes.
import { useCallback, useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { Alert, Button, Card, Flex, Input, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { HALL_PATHS, type HallDevice, type PairingCodeResponse } from '../../../shared/queue';
import { useT } from '../i18n';
import { HallApiError, hallBaseUrl, hallRequest } from './client';
import { useHallQueue } from './store';

function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function DevicesTab() {
  const t = useT();
  const { state } = useHallQueue();
  const [devices, setDevices] = useState<HallDevice[] | null>(null);
  const [name, setName] = useState('');
  const [counterNo, setCounterNo] = useState<number | null>(null);
  const [pairing, setPairing] = useState<PairingCodeResponse | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const fail = useCallback(
    (e: unknown) =>
      setError(
        e instanceof HallApiError ? e.message : t('操作失败，请重试', 'Failed, please retry'),
      ),
    [t],
  );

  const load = useCallback(() => {
    hallRequest<{ devices: HallDevice[] }>(HALL_PATHS.devices, { auth: 'manager' })
      .then((r) => setDevices(r.devices))
      .catch(fail);
  }, [fail]);
  useEffect(load, [load]);

  const pairUrl = pairing
    ? `${hallBaseUrl()}/#/queue/counter?pair=${encodeURIComponent(pairing.code)}`
    : null;
  useEffect(() => {
    if (!pairUrl) {
      setQr(null);
      return;
    }
    let live = true;
    QRCode.toDataURL(pairUrl, { margin: 1, width: 160, errorCorrectionLevel: 'M' })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(null));
    return () => {
      live = false;
    };
  }, [pairUrl]);

  async function createCode() {
    setBusy(true);
    setError(null);
    try {
      const res = await hallRequest<PairingCodeResponse>(HALL_PATHS.pairingCodes, {
        body: { name: name.trim(), counterNo },
        auth: 'manager',
      });
      setPairing(res);
      setName('');
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await hallRequest(`${HALL_PATHS.devices}/${id}/revoke`, { body: {}, auth: 'manager' });
      load();
    } catch (e) {
      fail(e);
    }
  }

  return (
    <Flex vertical gap={16}>
      {error && (
        <Alert type="error" showIcon title={error} closable onClose={() => setError(null)} />
      )}
      <Card size="small" title={t('配对新设备', 'Pair a new device')}>
        <Flex gap={8} wrap align="center">
          <Input
            style={{ width: 220 }}
            placeholder={t('设备名称，如 3号窗口受理台', 'Device name, e.g. counter 3 desk')}
            value={name}
            maxLength={40}
            onChange={(e) => setName(e.target.value)}
            data-testid="device-name"
          />
          <Select
            style={{ width: 180 }}
            value={counterNo ?? 0}
            onChange={(v: number) => setCounterNo(v === 0 ? null : v)}
            options={[
              { value: 0, label: t('可操作任意窗口', 'Any counter') },
              ...(state?.config.counters ?? []).map((c) => ({
                value: c.no,
                label: t(`仅限${c.name}`, `Only ${c.name}`),
              })),
            ]}
            data-testid="device-counter"
          />
          <Button
            type="primary"
            loading={busy}
            disabled={!name.trim()}
            onClick={() => void createCode()}
            data-testid="device-create-code"
          >
            {t('生成配对码', 'Create pairing code')}
          </Button>
        </Flex>
        {pairing && pairUrl && (
          <Flex gap={16} align="center" style={{ marginTop: 12 }}>
            {qr && (
              <img src={qr} width={160} height={160} alt={t('配对二维码', 'Pairing QR code')} />
            )}
            <Flex vertical gap={4}>
              <Typography.Text>
                {t(
                  `在「${pairing.name}」上打开叫号面板，输入配对码：`,
                  `On "${pairing.name}", open the counter panel and type the pairing code:`,
                )}
              </Typography.Text>
              <Typography.Title
                level={2}
                copyable
                style={{ margin: 0, fontFamily: 'monospace', letterSpacing: 4 }}
                data-testid="device-pairing-code"
              >
                {pairing.code}
              </Typography.Title>
              <Typography.Text type="secondary">
                {t(
                  `一次有效，${formatTime(pairing.expiresAt)} 前使用。或扫码 / 打开：`,
                  `One use, valid until ${formatTime(pairing.expiresAt)}. Or scan / open:`,
                )}
              </Typography.Text>
              <Typography.Text copyable style={{ fontSize: 12 }}>
                {pairUrl}
              </Typography.Text>
            </Flex>
          </Flex>
        )}
      </Card>
      <Card
        size="small"
        title={t('已配对设备', 'Paired devices')}
        extra={
          <Button size="small" onClick={load}>
            {t('刷新', 'Refresh')}
          </Button>
        }
      >
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          loading={devices === null && !error}
          dataSource={devices ?? []}
          data-testid="device-list"
          columns={[
            { title: t('名称', 'Name'), dataIndex: 'name' },
            {
              title: t('窗口', 'Counter'),
              dataIndex: 'counterNo',
              render: (v: number | null) => (v === null ? t('任意', 'Any') : v),
            },
            {
              title: t('配对时间', 'Paired'),
              dataIndex: 'createdAt',
              render: (v: string) => formatTime(v),
            },
            {
              title: t('最近使用', 'Last seen'),
              dataIndex: 'lastSeenAt',
              render: (v: string | null) => formatTime(v),
            },
            {
              title: t('状态', 'Status'),
              render: (_: unknown, d: HallDevice) =>
                d.revokedAt ? (
                  <Tag>
                    {t(`已撤销 ${formatTime(d.revokedAt)}`, `Revoked ${formatTime(d.revokedAt)}`)}
                  </Tag>
                ) : (
                  <Tag color="green">{t('有效', 'Active')}</Tag>
                ),
            },
            {
              title: '',
              render: (_: unknown, d: HallDevice) =>
                d.revokedAt ? null : (
                  <Popconfirm
                    title={t(`撤销「${d.name}」的配对？`, `Revoke "${d.name}"?`)}
                    okText={t('撤销', 'Revoke')}
                    cancelText={t('取消', 'Cancel')}
                    onConfirm={() => void revoke(d.id)}
                  >
                    <Button size="small" danger>
                      {t('撤销', 'Revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}

// Pairing this device with the hall queue service: the clerk types the one-time code the hall
// manager generated (or opens the pairing link, which fills it in); the service answers with
// this device's token, kept in the shell's OS-keystore secrets in Electron, else in localStorage
// (client.ts; the service stores only its hash).
import { useState } from 'react';
import { Alert, Button, Flex, Input, Spin, Typography } from 'antd';
import { HALL_PATHS, type PairResponse } from '../../../shared/queue';
import { useT } from '../i18n';
import {
  HallApiError,
  hallRequest,
  pageParam,
  setDevicePairing,
  useHallCredentials,
} from './client';

export function PairingForm({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const [code, setCode] = useState(() => pageParam('pair') ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Electron reads the pairing from the shell's secret store: do not offer to pair meanwhile.
  const { deviceLoading } = useHallCredentials();

  async function pair() {
    setBusy(true);
    setError(null);
    try {
      const res = await hallRequest<PairResponse>(HALL_PATHS.pair, { body: { code } });
      setDevicePairing(res);
    } catch (e) {
      setError(
        e instanceof HallApiError && e.code !== 'E_UNREACHABLE'
          ? e.message
          : t('无法连接排队服务，请检查网络或服务地址', 'Cannot reach the queue service'),
      );
    } finally {
      setBusy(false);
    }
  }

  if (deviceLoading) {
    return (
      <Flex gap={8} align="center" data-testid="hall-pairing-loading">
        <Spin size="small" />
        <Typography.Text type="secondary">
          {t('正在读取本机配对…', 'Reading this device’s pairing…')}
        </Typography.Text>
      </Flex>
    );
  }

  return (
    <Flex vertical gap={8} data-testid="hall-pairing">
      <Typography.Text>
        {t(
          '本机尚未与排队服务配对。请向营业厅管理员索取配对码（排队管理 → 设备）。',
          'This device is not paired with the queue service yet. Ask the hall manager for a pairing code (Queue manager → Devices).',
        )}
      </Typography.Text>
      {error && <Alert type="error" showIcon title={error} />}
      <Flex gap={8}>
        <Input
          style={{ maxWidth: compact ? 180 : 240, fontFamily: 'monospace', letterSpacing: 2 }}
          placeholder="XXXX-XXXX"
          value={code}
          maxLength={20}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          onPressEnter={() => void pair()}
          aria-label={t('配对码', 'Pairing code')}
          data-testid="hall-pairing-code"
        />
        <Button
          type="primary"
          loading={busy}
          disabled={code.replace(/[^A-Za-z0-9]/g, '').length < 8}
          onClick={() => void pair()}
          data-testid="hall-pairing-submit"
        >
          {t('配对', 'Pair')}
        </Button>
      </Flex>
    </Flex>
  );
}

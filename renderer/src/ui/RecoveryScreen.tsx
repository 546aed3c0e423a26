// Shown instead of the desk when the local database cannot be opened: what happened in plain
// Chinese, a retry, and a last resort that first exports everything readable (sealed with a
// password the clerk sets), then resets.
import { Alert, Button, Result, Space, Typography } from 'antd';
import { useState } from 'react';
import { type OpenFailureReason, resetLocalDatabase } from '../db/open';
import { useT } from '../i18n';
import { BackupPasswordModal } from './BackupPasswordModal';

export function RecoveryScreen(props: {
  reason: OpenFailureReason;
  message: string;
  detail: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);

  async function reset(password: string) {
    const r = await resetLocalDatabase({ password });
    setAsking(false);
    const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
    setOutcome(
      t(
        `已导出 ${rows} 条记录到加密备份 ${r.fileName}${r.deleted ? '，本地数据库已重置' : '，但本地数据库未能删除'}${r.errors.length ? `（${r.errors.join('；')}）` : ''}`,
        `Exported ${rows} rows to the sealed backup ${r.fileName}${r.deleted ? '; the local database was reset' : '; the database could not be deleted'}`,
      ),
    );
  }

  return (
    <div className="recovery" role="main">
      <Result
        status="warning"
        title={t('本地数据库无法打开', 'The local database cannot be opened')}
        subTitle={props.message}
        extra={
          <Space direction="vertical" size="middle" style={{ maxWidth: 640, textAlign: 'left' }}>
            <Typography.Paragraph>
              {t(
                '受理台的数据保存在本机。请先尝试“重试”；若仍无法打开，可导出备份后重置本地数据库（需要网络恢复后从中心重新同步）。',
                'The desk keeps its data on this computer. Try again first; if it still fails, export a backup and reset.',
              )}
            </Typography.Paragraph>
            <Typography.Text type="secondary">
              {t('错误代码', 'Reason')}: {props.reason} · {props.detail}
            </Typography.Text>
            {outcome && <Alert type="info" showIcon title={outcome} />}
            <Space>
              <Button type="primary" onClick={() => window.location.reload()}>
                {t('重试', 'Retry')}
              </Button>
              {props.reason !== 'version' && (
                <Button danger onClick={() => setAsking(true)}>
                  {t('导出备份并重置', 'Export backup and reset')}
                </Button>
              )}
            </Space>
          </Space>
        }
      />
      <BackupPasswordModal
        open={asking}
        mode="seal"
        title={t('导出备份并重置本地数据库？', 'Export a backup and reset the local database?')}
        okText={t('导出并重置', 'Export and reset')}
        intro={t(
          '先把仍可读取的数据（含未上传的变更）导出为用密码加密的备份文件，然后删除本地数据库。重置后可在“设置”中用同一密码恢复，或把备份文件和密码分别交给运维人员。',
          'Everything still readable (including unsent changes) is exported to a password-sealed backup first; then the local database is deleted. Restore it under Settings with the same password.',
        )}
        onCancel={() => setAsking(false)}
        onSubmit={reset}
      />
    </div>
  );
}

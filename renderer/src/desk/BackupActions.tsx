// 设置 → 数据与存储: export the desk's data as a password-sealed backup, and restore one onto an
// empty desk (after the recovery screen's reset, or on a new PC). Both ask for the password.
import { App as AntApp, Button, Space } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n';
import { BackupPasswordModal } from '../ui/BackupPasswordModal';
import { exportBackup, restoreBackup } from './backup';

export function BackupActions() {
  const t = useT();
  const { message } = AntApp.useApp();
  const [dialog, setDialog] = useState<'export' | 'restore' | null>(null);
  const close = () => setDialog(null);
  return (
    <Space style={{ marginTop: 12 }}>
      <Button onClick={() => setDialog('export')}>{t('导出备份', 'Export backup')}</Button>
      <Button onClick={() => setDialog('restore')}>{t('从备份恢复', 'Restore a backup')}</Button>
      <BackupPasswordModal
        open={dialog === 'export'}
        mode="seal"
        title={t('导出加密备份', 'Export a sealed backup')}
        okText={t('导出', 'Export')}
        intro={t(
          '备份包含本机全部受理记录（含客户完整身份证号、电话、地址和扫描件），将用您设置的密码加密。',
          'The backup holds every record on this desk (full ID numbers, phones, addresses, scans); it is encrypted with the password you set.',
        )}
        onCancel={close}
        onSubmit={async (password) => {
          const r = await exportBackup(password);
          close();
          message.success(
            t(
              `已导出加密备份 ${r.fileName}（${Object.values(r.counts).reduce((a, b) => a + b, 0)} 条记录）`,
              `Sealed backup ${r.fileName} exported`,
            ),
          );
        }}
      />
      <BackupPasswordModal
        open={dialog === 'restore'}
        mode="open"
        title={t('从备份恢复', 'Restore a backup')}
        okText={t('恢复', 'Restore')}
        intro={t(
          '只能恢复到没有受理数据的受理台（例如在恢复界面重置之后）。',
          'Only onto a desk without applications of its own (for example after a reset).',
        )}
        onCancel={close}
        onSubmit={async (password, file) => {
          const r = await restoreBackup(file!, password);
          close();
          message.success(
            t(
              `已恢复 ${r.counts.applications ?? 0} 件申请、${r.counts.outbox ?? 0} 条待上传变更${r.skipped ? `（${r.skipped} 条无法读取，已跳过）` : ''}`,
              `Restored ${r.counts.applications ?? 0} applications and ${r.counts.outbox ?? 0} unsent changes`,
            ),
          );
        }}
      />
    </Space>
  );
}

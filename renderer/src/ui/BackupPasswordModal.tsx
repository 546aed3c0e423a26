// The password dialog of the desk's sealed backups: when exporting (settings, recovery screen)
// the clerk sets a password and repeats it; when restoring, picks the file and types it. Errors
// (a short password, a wrong one, a damaged file) stay in the dialog in plain Chinese.
import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import {
  BackupError,
  type BackupErrorCode,
  backupPasswordProblem,
  MIN_BACKUP_PASSWORD_LENGTH,
} from '../../../shared/backup/sealed';
import { useT } from '../i18n';

export interface BackupPasswordModalProps {
  open: boolean;
  /** `seal`: set a password (twice); `open`: choose a backup file and give its password. */
  mode: 'seal' | 'open';
  title: string;
  okText: string;
  /** Shown above the fields. */
  intro?: string;
  onCancel(): void;
  /** Throws to keep the dialog open with the error shown. */
  onSubmit(password: string, file: File | null): Promise<void>;
}

const EN: Record<BackupErrorCode, string> = {
  NOT_SEALED: 'This is not a sealed desk backup',
  UNSUPPORTED: 'This backup version is not supported: update the desk program',
  WRONG_PASSWORD: 'Wrong backup password',
  DAMAGED: 'The backup file is damaged or incomplete',
};

export function BackupPasswordModal(props: BackupPasswordModalProps) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function reset() {
    setPassword('');
    setRepeat('');
    setFile(null);
    setError(null);
  }

  async function submit() {
    if (props.mode === 'seal') {
      const problem = backupPasswordProblem(password);
      if (problem) {
        setError(t(problem, `At least ${MIN_BACKUP_PASSWORD_LENGTH} characters`));
        return;
      }
      if (password !== repeat) {
        setError(t('两次输入的密码不一致', 'The passwords do not match'));
        return;
      }
    } else {
      if (!file) {
        setError(t('请选择备份文件', 'Choose the backup file'));
        return;
      }
      if (!password) {
        setError(t('请输入备份密码', 'Type the backup password'));
        return;
      }
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit(password, file);
      reset();
    } catch (e) {
      setError(
        e instanceof BackupError
          ? t(e.message, EN[e.code])
          : e instanceof Error
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      title={props.title}
      okText={props.okText}
      cancelText={t('取消', 'Cancel')}
      confirmLoading={busy}
      destroyOnHidden
      onOk={() => void submit()}
      onCancel={() => {
        reset();
        props.onCancel();
      }}
    >
      {props.intro && <Typography.Paragraph>{props.intro}</Typography.Paragraph>}
      <Form layout="vertical" onFinish={() => void submit()}>
        {props.mode === 'open' && (
          <Form.Item label={t('备份文件', 'Backup file')} htmlFor="backup-file">
            <input
              id="backup-file"
              type="file"
              accept=".hdbak"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </Form.Item>
        )}
        <Form.Item
          label={t('备份密码', 'Backup password')}
          htmlFor="backup-password"
          extra={
            props.mode === 'seal'
              ? t(
                  `至少 ${MIN_BACKUP_PASSWORD_LENGTH} 个字符。备份含客户完整身份证号，密码请另行保管；忘记密码无法恢复。`,
                  `At least ${MIN_BACKUP_PASSWORD_LENGTH} characters. The backup holds full ID numbers; keep the password apart from the file. A forgotten password cannot be recovered.`,
                )
              : undefined
          }
        >
          <Input.Password
            id="backup-password"
            autoFocus
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            onPressEnter={() => void submit()}
          />
        </Form.Item>
        {props.mode === 'seal' && (
          <Form.Item label={t('再次输入密码', 'Repeat the password')} htmlFor="backup-password-2">
            <Input.Password
              id="backup-password-2"
              autoComplete="new-password"
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
              onPressEnter={() => void submit()}
            />
          </Form.Item>
        )}
        {error && <Alert type="error" showIcon title={error} role="alert" />}
      </Form>
    </Modal>
  );
}

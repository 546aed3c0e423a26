// 设置 → 身份证读卡器 (desktop program, desk role): which vendor interface the counter's reader
// speaks (SDT: sdtapi / libsdtapi; CVR: termb / libtermb), the library's path (searched in the
// usual install folders when left empty), the photo decoder, auto-read, and whether it works now.
import { App as AntApp, Alert, Button, Card, Form, Input, Radio, Space, Switch, Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { IdCardReaderSettings, IdCardStatus } from '../../../../shared/ipc/contract';
import { useT } from '../../i18n';
import { invoke, on, shell } from '../../shell/bridge';

export function IdCardReaderCard() {
  return shell.isElectron && shell.role === 'desk' ? <ReaderCard /> : null;
}

function ReaderCard() {
  const t = useT();
  const { message } = AntApp.useApp();
  const [draft, setDraft] = useState<IdCardReaderSettings | null>(null);
  const [status, setStatus] = useState<IdCardStatus | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([invoke('settings:get', undefined), invoke('idCard:status', undefined)]).then(
      ([view, s]) => {
        if (!live) return;
        setDraft(view.settings.idCardReader);
        setStatus(s);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    const off = on('idCard:state', setStatus);
    return () => {
      live = false;
      off();
    };
  }, []);

  if (!draft)
    return error ? (
      <Card size="small" title={t('身份证读卡器', 'ID card reader')} style={{ marginBottom: 16 }}>
        <Alert type="error" showIcon title={error} />
      </Card>
    ) : null;

  async function save(next: IdCardReaderSettings) {
    setSaving(true);
    setError(null);
    try {
      const view = await invoke('settings:set', { idCardReader: next });
      setDraft(view.settings.idCardReader);
      message.success(t('读卡器设置已保存', 'Reader settings saved'));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  }

  async function locate() {
    if (!draft || draft.kind === 'none') return;
    const found = await invoke('idCard:locate', { kind: draft.kind });
    if (!found.libraryPath) {
      message.warning(
        t('常用安装目录中没有找到驱动库，请填写路径', 'No library found: enter its path'),
      );
      return;
    }
    setDraft({ ...draft, libraryPath: found.libraryPath, photoPath: found.photoPath });
  }

  const blank = (v: string) => (v.trim() === '' ? null : v.trim());
  return (
    <Card
      size="small"
      title={t('身份证读卡器', 'ID card reader')}
      style={{ marginBottom: 16 }}
      data-testid="idcard-settings"
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t('读卡器接口', 'Interface')}>
          <Radio.Group
            value={draft.kind}
            onChange={(e) =>
              setDraft({ ...draft, kind: e.target.value as IdCardReaderSettings['kind'] })
            }
            options={[
              { value: 'none', label: t('不使用', 'None') },
              { value: 'sdt', label: t('SDT 接口（sdtapi）', 'SDT (sdtapi)') },
              { value: 'cvr', label: t('CVR 接口（termb，华视）', 'CVR (termb)') },
            ]}
          />
        </Form.Item>
        {draft.kind !== 'none' && (
          <>
            <Form.Item
              label={t('驱动库路径（留空则在常用安装目录中查找）', 'Library path (empty: search)')}
              htmlFor="idcard-lib"
            >
              <Space.Compact style={{ width: '100%' }}>
                <Input
                  id="idcard-lib"
                  value={draft.libraryPath ?? ''}
                  placeholder={draft.kind === 'sdt' ? 'C:\\...\\sdtapi.dll' : 'C:\\...\\termb.dll'}
                  onChange={(e) => setDraft({ ...draft, libraryPath: blank(e.target.value) })}
                />
                <Button onClick={() => void locate()}>{t('查找', 'Search')}</Button>
              </Space.Compact>
            </Form.Item>
            <Form.Item
              label={
                draft.kind === 'sdt'
                  ? t('照片解码库（WltRS / libwlt，可留空）', 'Photo decoder (optional)')
                  : t('照片文件目录（可留空）', 'Photo folder (optional)')
              }
              htmlFor="idcard-photo"
            >
              <Input
                id="idcard-photo"
                value={draft.photoPath ?? ''}
                onChange={(e) => setDraft({ ...draft, photoPath: blank(e.target.value) })}
              />
            </Form.Item>
            <Form.Item label={t('放卡自动读取', 'Read when a card is placed')}>
              <Switch
                checked={draft.autoRead}
                onChange={(autoRead) => setDraft({ ...draft, autoRead })}
                aria-label={t('放卡自动读取', 'Read when a card is placed')}
              />
            </Form.Item>
          </>
        )}
        {status && status.kind !== 'none' && (
          <div style={{ marginBottom: 12 }} data-testid="idcard-settings-state">
            {status.available ? (
              <Tag color={status.readerFound ? 'green' : 'blue'}>
                {status.readerFound
                  ? t('读卡器已连接', 'Reader connected')
                  : t('驱动已加载，等待读卡器应答', 'Library loaded')}
              </Tag>
            ) : (
              <Tag color="red">{t('不可用', 'Unavailable')}</Tag>
            )}
            {status.problem && <span>{status.problem}</span>}
          </div>
        )}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Button type="primary" loading={saving} onClick={() => void save(draft)}>
          {t('保存', 'Save')}
        </Button>
      </Form>
    </Card>
  );
}

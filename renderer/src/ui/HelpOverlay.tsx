// Keyboard help (F1 or ?): every shortcut the desk understands, from the same list that drives them.
import { Modal, Table } from 'antd';
import { useLang, useT } from '../i18n';
import { SHORTCUTS } from './shortcuts';

export function HelpOverlay(props: { open: boolean; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  return (
    <Modal
      open={props.open}
      onCancel={props.onClose}
      footer={null}
      title={t('键盘快捷键', 'Keyboard shortcuts')}
    >
      <Table
        size="small"
        pagination={false}
        rowKey="keys"
        dataSource={SHORTCUTS}
        columns={[
          { title: t('按键', 'Keys'), dataIndex: 'keys', render: (k: string) => <kbd>{k}</kbd> },
          { title: t('功能', 'Action'), render: (_: unknown, r) => (lang === 'en' ? r.en : r.zh) },
        ]}
      />
    </Modal>
  );
}

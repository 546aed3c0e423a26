// Keyboard help (F1 or ?): every shortcut the desk understands, from the same list that drives them.
// A plain table (not antd's Table): the help is part of the desk's first chunk, and antd's Table
// would bring its sorting, filtering, pagination and tree code along with it.
import { Modal } from 'antd';
import { useLang, useT } from '../i18n';
import { SHORTCUTS } from './shortcuts';

const CELL = {
  textAlign: 'left',
  padding: '6px 8px',
  borderBottom: '1px solid #f0f0f0',
} as const;

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
      <table style={{ width: '100%', borderCollapse: 'collapse' }}>
        <thead>
          <tr>
            <th scope="col" style={CELL}>
              {t('按键', 'Keys')}
            </th>
            <th scope="col" style={CELL}>
              {t('功能', 'Action')}
            </th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <td style={CELL}>
                <kbd>{s.keys}</kbd>
              </td>
              <td style={CELL}>{lang === 'en' ? s.en : s.zh}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

// The desk chrome: side navigation, header (language switch, help), the page, the status bar,
// and the global shortcuts (Alt+N new, F2 search, F1/? help).
import {
  CommentOutlined,
  FileAddOutlined,
  FileTextOutlined,
  QuestionCircleOutlined,
  SearchOutlined,
  SettingOutlined,
  SoundOutlined,
  SyncOutlined,
  AppstoreOutlined,
} from '@ant-design/icons';
import { Button, Layout, Segmented, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useLangStore, useT } from '../i18n';
import { StaffBadge } from '../staff/StaffBadge';
import { HelpOverlay } from './HelpOverlay';
import { type NavIcon, navEntries, selectedNavKey } from './navItems';
import { navigate } from './router';
import { useShortcut } from './shortcuts';
import { StatusBar } from './StatusBar';
import './shell.css';

const ICONS: Record<NavIcon, ReactNode> = {
  new: <FileAddOutlined />,
  search: <SearchOutlined />,
  drafts: <FileTextOutlined />,
  feedback: <CommentOutlined />,
  queue: <SoundOutlined />,
  sync: <SyncOutlined />,
  app: <AppstoreOutlined />,
  settings: <SettingOutlined />,
};

export function AppShell(props: { path: string; children: ReactNode }) {
  const t = useT();
  const lang = useLangStore((s) => s.lang);
  const setLang = useLangStore((s) => s.setLang);
  const [help, setHelp] = useState(false);
  // The help dialog is rendered from its first opening on: a closed antd Modal still builds its
  // styles, which the first page does not need to wait for.
  const [helpShown, setHelpShown] = useState(false);
  if (help && !helpShown) setHelpShown(true);
  const items = navEntries(lang);
  const selected = selectedNavKey(props.path, items);

  useShortcut('alt+n', () => navigate('/desk/new'));
  useShortcut('alt+d', () => navigate('/desk/drafts'));
  useShortcut('alt+f', () => navigate('/desk/feedback'));
  useShortcut('f2', () => {
    navigate('/desk/applications');
    // The search box exists after the route renders.
    setTimeout(() => document.getElementById('app-search')?.focus(), 50);
  });
  useShortcut('f1', () => setHelp(true));
  useShortcut('?', () => setHelp(true));

  return (
    <Layout className="shell">
      <Layout.Sider
        width={176}
        theme="light"
        className="shell-sider no-print"
        breakpoint="lg"
        collapsedWidth={56}
      >
        <div className="brand" aria-hidden>
          {t('营业厅受理台', 'HallDesk')}
        </div>
        <nav aria-label={t('主导航', 'Main navigation')}>
          <ul className="shell-nav">
            {items.map((i) => (
              <li key={i.key}>
                <a
                  href={`#${i.key}`}
                  title={i.label}
                  aria-current={selected === i.key ? 'page' : undefined}
                >
                  {ICONS[i.icon]}
                  <span className="shell-nav-label">{i.label}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="shell-header no-print">
          <Typography.Text strong>
            {t('营业厅受理台 HallDesk', 'HallDesk service hall desk')}
          </Typography.Text>
          <Space>
            <StaffBadge />
            <Segmented
              size="small"
              aria-label={t('界面语言', 'Language')}
              value={lang}
              onChange={(v) => setLang(v === 'en' ? 'en' : 'zh')}
              options={[
                { value: 'zh', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
            />
            <Button
              size="small"
              icon={<QuestionCircleOutlined />}
              onClick={() => setHelp(true)}
              aria-label={t('键盘快捷键帮助', 'Keyboard help')}
            >
              F1
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="shell-content" role="main">
          {props.children}
        </Layout.Content>
        <div className="no-print">
          <StatusBar />
        </div>
      </Layout>
      {helpShown && <HelpOverlay open={help} onClose={() => setHelp(false)} />}
    </Layout>
  );
}

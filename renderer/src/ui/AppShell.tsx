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
import { queueRoutes } from '../queue/routes';
import { useLangStore, useT } from '../i18n';
import { HelpOverlay } from './HelpOverlay';
import { navigate } from './router';
import { useShortcut } from './shortcuts';
import { StatusBar } from './StatusBar';
import './shell.css';

interface NavItem {
  key: string;
  label: string;
  icon: ReactNode;
}

export function useNavItems(): NavItem[] {
  const t = useT();
  const items: NavItem[] = [
    { key: '/desk/new', label: t('新建受理', 'New application'), icon: <FileAddOutlined /> },
    { key: '/desk/applications', label: t('受理查询', 'Applications'), icon: <SearchOutlined /> },
    { key: '/desk/drafts', label: t('草稿', 'Drafts'), icon: <FileTextOutlined /> },
    { key: '/desk/feedback', label: t('意见反馈', 'Feedback'), icon: <CommentOutlined /> },
    { key: '/counter', label: t('叫号', 'Queue'), icon: <SoundOutlined /> },
  ];
  items.push({ key: '/sync', label: t('同步', 'Sync'), icon: <SyncOutlined /> });
  for (const r of queueRoutes) {
    if (!r.fullScreen) items.push({ key: r.path, label: r.title, icon: <AppstoreOutlined /> });
  }
  items.push({ key: '/settings', label: t('设置', 'Settings'), icon: <SettingOutlined /> });
  return items;
}

function selectedKey(path: string, items: NavItem[]): string {
  if (path.startsWith('/desk/app/')) return '/desk/applications';
  const hit = items.filter((i) => path === i.key || path.startsWith(`${i.key}/`));
  return hit[0]?.key ?? path;
}

export function AppShell(props: { path: string; children: ReactNode }) {
  const t = useT();
  const lang = useLangStore((s) => s.lang);
  const setLang = useLangStore((s) => s.setLang);
  const [help, setHelp] = useState(false);
  // The help dialog is rendered from its first opening on: a closed antd Modal still builds its
  // styles, which the first page does not need to wait for.
  const [helpShown, setHelpShown] = useState(false);
  if (help && !helpShown) setHelpShown(true);
  const items = useNavItems();
  const selected = selectedKey(props.path, items);

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
                  {i.icon}
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

// The desk application: opens the local database first (a recovery screen instead of a blank
// page when it cannot), starts sync, then routes hash paths to pages inside the chrome; queue
// pages marked full-screen (kiosk, display) render without it.
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, useState } from 'react';
import { openDatabase, type OpenFailureReason } from './db/open';
import { ApplicationDetail } from './desk/ApplicationDetail';
import { ApplicationsPage } from './desk/Applications';
import { DraftsPage } from './desk/Drafts';
import { FeedbackPage } from './desk/Feedback';
import { NewApplicationRoute } from './desk/NewApplication';
import { ReceiptPage } from './desk/Receipt';
import { SettingsPage } from './desk/SettingsPage';
import { useLang, useT } from './i18n';
import { CounterPanel } from './queue/CounterPanel';
import { queueRoutes } from './queue/routes';
import { startSync, SyncPanel } from './sync';
import { AppShell } from './ui/AppShell';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { RecoveryScreen } from './ui/RecoveryScreen';
import { matchPath, navigate, useHashLocation } from './ui/router';

type Boot =
  | { state: 'opening' }
  | { state: 'ready' }
  | { state: 'failed'; reason: OpenFailureReason; message: string; detail: string };

// One open per page load, even when React runs effects twice in development.
let opening: Promise<Boot> | null = null;
// Set while our upgrade waits for another (older) desk window to let go of the database.
let blockedListener: (() => void) | null = null;

function boot(): Promise<Boot> {
  performance.mark('halldesk:db-open-start');
  opening ??= openDatabase({ onBlocked: () => blockedListener?.() }).then((r): Boot => {
    // Start-up marks (performance.getEntriesByType('mark')) show where the first seconds go.
    performance.mark('halldesk:db-open-end');
    if (!r.ok) {
      console.error('database open failed', r.error);
      return { state: 'failed', reason: r.reason, message: r.message, detail: String(r.error) };
    }
    // Sync is a background helper: start it once the first page has had its turn, so that its
    // start-up work never delays what the clerk sees; the desk works without it.
    setTimeout(() => {
      try {
        startSync();
      } catch (e) {
        console.error('sync failed to start', e);
      }
    }, 300);
    return { state: 'ready' };
  });
  return opening;
}

export function App() {
  const lang = useLang();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={{ token: { fontSize: 15 } }}
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <Booted />
      </AntApp>
    </ConfigProvider>
  );
}

function Booted() {
  const [bootState, setBootState] = useState<Boot>({ state: 'opening' });
  const [blocked, setBlocked] = useState(false);
  const t = useT();
  const { message } = AntApp.useApp();
  useEffect(() => {
    let live = true;
    blockedListener = () => live && setBlocked(true);
    void boot().then((b) => live && setBootState(b));
    return () => {
      live = false;
      blockedListener = null;
    };
  }, []);
  // A failed background promise must not pass silently: tell the clerk, in Chinese.
  useEffect(() => {
    const onRejection = (e: PromiseRejectionEvent) => {
      const reason: unknown = e.reason;
      console.error('unhandled rejection', reason);
      message.error(
        `${t('操作失败', 'Operation failed')}：${reason instanceof Error ? reason.message : String(reason)}`,
      );
    };
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, [message, t]);
  if (bootState.state === 'opening') {
    return (
      <div className="boot" aria-busy="true">
        <Spin size="large" />
        <p>{t('正在打开本地数据库…', 'Opening the local database…')}</p>
        {blocked && (
          <p role="alert">
            {t(
              '另一个受理台窗口仍在使用旧版本数据库，正在等待它关闭或刷新…',
              'Another desk window still uses the old database version; waiting for it to close or reload…',
            )}
          </p>
        )}
      </div>
    );
  }
  if (bootState.state === 'failed') {
    return (
      <RecoveryScreen
        reason={bootState.reason}
        message={bootState.message}
        detail={bootState.detail}
      />
    );
  }
  return <Routes />;
}

function Routes() {
  const loc = useHashLocation();
  const path = loc.path;
  const t = useT();

  const full = queueRoutes.find((r) => r.fullScreen && r.path === path);
  if (full) {
    const C = full.Component;
    return (
      <ErrorBoundary resetKey={path}>
        <C />
      </ErrorBoundary>
    );
  }

  let page: React.ReactNode;
  let m: Record<string, string> | null;
  if (path === '/' || path === '/desk') {
    page = <Redirect to="/desk/new" />;
  } else if (path === '/desk/new') {
    page = <NewApplicationRoute query={loc.query} />;
  } else if (path === '/desk/drafts') {
    page = <DraftsPage />;
  } else if (path === '/desk/applications') {
    page = <ApplicationsPage />;
  } else if ((m = matchPath('/desk/app/:id/receipt', path))) {
    page = <ReceiptPage id={m.id ?? ''} />;
  } else if ((m = matchPath('/desk/app/:id', path))) {
    page = <ApplicationDetail id={m.id ?? ''} />;
  } else if (path === '/desk/feedback') {
    page = <FeedbackPage />;
  } else if (path === '/counter') {
    page = (
      <CounterPanel
        onStartApplication={(ticketNo, businessCodes) => {
          const q = new URLSearchParams({ ticket: ticketNo });
          if (businessCodes.length) q.set('business', businessCodes.join(','));
          navigate(`/desk/new?${q.toString()}`);
        }}
      />
    );
  } else if (path === '/sync' && SyncPanel) {
    const P = SyncPanel;
    page = <P />;
  } else if (path === '/settings') {
    page = <SettingsPage />;
  } else {
    const q = queueRoutes.find((r) => r.path === path);
    if (q) {
      const C = q.Component;
      page = <C />;
    } else {
      page = (
        <Result
          status="404"
          title={t('页面不存在', 'Page not found')}
          extra={<a href="#/desk/new">{t('返回新建受理', 'Back to new application')}</a>}
        />
      );
    }
  }
  return (
    <AppShell path={path}>
      <ErrorBoundary resetKey={path}>{page}</ErrorBoundary>
    </AppShell>
  );
}

function Redirect(props: { to: string }) {
  useEffect(() => navigate(props.to, { replace: true }), [props.to]);
  return null;
}

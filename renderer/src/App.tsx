// The desk application. Full-screen queue pages (kiosk, display, rating pad, customer screen)
// render at once without the desk's database: a hall TV never opens it, and a database problem
// never blacks out the hall. Desk routes open the local database first (a recovery screen
// instead of a blank page when it cannot), then render inside the chrome; sync starts after the
// first page. Every page is its own chunk: the current route's chunk loads together with the
// database, the others are preloaded in idle time after the first page (so the desk keeps
// working when the network or the LAN service goes away).
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, useLayoutEffect, useState } from 'react';
import type { OpenFailure, OpenFailureReason } from './db/open';
import { useLang, useT } from './i18n';
import { queueRoutes } from './queue/routes';
import { AppShell } from './ui/AppShell';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { dismissFirstPaint } from './ui/firstPaintHandle';
import { lazyPage, whenIdle } from './ui/lazyPage';
import { RequirePermission } from './staff/Guard';
import { StaffGate } from './staff/StaffGate';
import { RecoveryScreen } from './ui/RecoveryScreen';
import { matchPath, navigate, useHashLocation } from './ui/router';
import { currentPath, onUpgradeBlocked, openDeskDatabase } from './startup';

const NewApplicationRoute = lazyPage(
  () => import('./desk/NewApplication').then((m) => m.NewApplicationRoute),
  'NewApplicationRoute',
);
const DraftsPage = lazyPage(() => import('./desk/Drafts').then((m) => m.DraftsPage), 'DraftsPage');
const ApplicationsPage = lazyPage(
  () => import('./desk/Applications').then((m) => m.ApplicationsPage),
  'ApplicationsPage',
);
const ReceiptPage = lazyPage(
  () => import('./desk/Receipt').then((m) => m.ReceiptPage),
  'ReceiptPage',
);
const ApplicationDetail = lazyPage(
  () => import('./desk/ApplicationDetail').then((m) => m.ApplicationDetail),
  'ApplicationDetail',
);
const FeedbackPage = lazyPage(
  () => import('./desk/Feedback').then((m) => m.FeedbackPage),
  'FeedbackPage',
);
const SettingsPage = lazyPage(
  () => import('./desk/SettingsPage').then((m) => m.SettingsPage),
  'SettingsPage',
);
const CounterPanel = lazyPage(
  () => import('./queue/CounterPanel').then((m) => m.CounterPanel),
  'CounterPanel',
);
const SupervisionPage = lazyPage(
  () => import('./staff/SupervisionPage').then((m) => m.SupervisionPage),
  'SupervisionPage',
);
const MyWorkPage = lazyPage(
  () => import('./staff/MyWorkPage').then((m) => m.MyWorkPage),
  'MyWorkPage',
);
const SyncPanel = lazyPage(() => import('./sync').then((m) => m.SyncPanel), 'SyncPanel');
// The centre's workbench (served at /workbench/ by the central endpoint): no desk database.
const WorkbenchPage = lazyPage(
  () => import('./workbench/WorkbenchPage').then((m) => m.WorkbenchPage),
  'WorkbenchPage',
);
function isWorkbenchPath(path: string): boolean {
  return (
    path === '/workbench' ||
    path.startsWith('/workbench/') ||
    (path === '/' && window.location.pathname.endsWith('/workbench/'))
  );
}

/** The page chunk a desk path needs (null: none, e.g. a redirect or an unknown path). */
function deskPageFor(path: string): { preload(): Promise<void> } | null {
  if (path === '/' || path === '/desk' || path === '/desk/new') return NewApplicationRoute;
  if (path === '/desk/drafts') return DraftsPage;
  if (path === '/desk/applications') return ApplicationsPage;
  if (matchPath('/desk/app/:id/receipt', path)) return ReceiptPage;
  if (matchPath('/desk/app/:id', path)) return ApplicationDetail;
  if (path === '/desk/feedback') return FeedbackPage;
  if (path === '/counter') return CounterPanel;
  if (path === '/sync') return SyncPanel;
  if (path === '/settings') return SettingsPage;
  if (path === '/supervision') return SupervisionPage;
  if (path === '/mywork') return MyWorkPage;
  const q = queueRoutes.find((r) => r.path === path);
  return q?.Component.preload ? { preload: q.Component.preload } : null;
}

/** Every chunk the desk's routes need, evaluated in idle time once the first page is up. */
export function preloadDeskPages(): Promise<void> {
  const pages: (() => Promise<unknown>)[] = [
    NewApplicationRoute.preload,
    ApplicationsPage.preload,
    ReceiptPage.preload,
    ApplicationDetail.preload,
    DraftsPage.preload,
    FeedbackPage.preload,
    SettingsPage.preload,
    CounterPanel.preload,
    SyncPanel.preload,
    ...queueRoutes.filter((r) => !r.fullScreen).flatMap((r) => r.Component.preload ?? []),
  ];
  // One after the other: each is one task, so input and paints get their turn in between.
  return pages
    .reduce<Promise<unknown>>(
      (prev, load) =>
        prev.then(
          () =>
            new Promise((resolve) => {
              whenIdle(() => {
                load().then(resolve, (e: unknown) => {
                  console.warn('page preload failed', e);
                  resolve(undefined);
                });
              });
            }),
        ),
      Promise.resolve(),
    )
    .then(() => {
      performance.mark('halldesk:pages-preloaded');
    });
}

type Boot =
  | { state: 'opening' }
  | { state: 'ready'; writable: Promise<OpenFailure | null> }
  | { state: 'failed'; reason: OpenFailureReason; message: string; detail: string };

// One boot per page load, even when React runs effects twice in development.
let booting: Promise<Boot> | null = null;

function boot(): Promise<Boot> {
  booting ??= openDeskDatabase().then((r): Boot => {
    if (!r.ok) {
      console.error('database open failed', r.error);
      return { state: 'failed', reason: r.reason, message: r.message, detail: String(r.error) };
    }
    // Sync is a background helper: start it once the first page has had its turn, so that its
    // start-up work never delays what the clerk sees; the desk works without it.
    whenIdle(() => {
      // The engine only (not the sync panel's tables and forms).
      import('./sync/runtime')
        .then((m) => m.startSync())
        .catch((e: unknown) => console.error('sync failed to start', e));
    }, 800);
    // Then the other pages' code, so that the desk keeps working offline.
    whenIdle(() => void preloadDeskPages(), 1200);
    // Local copies that are safely on the centre leave this machine after their retention
    // period (PIPL Art. 19; periods are configuration the centre may push).
    whenIdle(() => {
      Promise.all([import('./db/retention'), import('./db/db'), import('./desk/config')])
        .then(([retention, dbm, config]) =>
          retention.scheduleRetention(dbm.activeDb(), () => config.deskConfig().settings.retention),
        )
        .catch((e: unknown) => console.error('retention failed to start', e));
    }, 5000);
    // The supervision page's day counters, when not whole (the first start after the upgrade
    // that added them, a hall zone change): counted once from the records, in idle time.
    whenIdle(() => {
      Promise.all([import('./db/supervisionCounts'), import('./db/hallZone')])
        .then(([counts, zone]) => counts.ensureCounts(r.db, zone.deskTimeZone()))
        .catch((e: unknown) => console.error('supervision counters rebuild failed', e));
    }, 6000);
    return { state: 'ready', writable: r.writable };
  });
  return booting;
}

function fullScreenRoute(path: string) {
  return queueRoutes.find((r) => r.fullScreen && r.path === path);
}

// Start-up work begins while React is still getting ready: a desk route opens the database and
// fetches its page's code at the same time; a full-screen route fetches only its page.
if (typeof window !== 'undefined' && typeof document !== 'undefined') {
  const path = currentPath();
  const full = fullScreenRoute(path);
  if (isWorkbenchPath(path)) {
    void WorkbenchPage.preload().catch(() => undefined);
  } else if (full) {
    void full.Component.preload?.().catch(() => undefined);
  } else {
    void boot();
    void deskPageFor(path)
      ?.preload()
      .catch(() => undefined);
  }
}

export function App() {
  const lang = useLang();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      // zeroRuntime: components take their CSS from antd's static stylesheet (main.tsx) instead
      // of generating it while the first page renders (a third of that render on a 2-core PC);
      // the tokens (fontSize here) still apply, as CSS variables.
      theme={{ zeroRuntime: true, token: { fontSize: 15 } }}
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <Root />
      </AntApp>
    </ConfigProvider>
  );
}

function Root() {
  const loc = useHashLocation();
  const t = useT();
  const { message } = AntApp.useApp();
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

  if (isWorkbenchPath(loc.path)) {
    return (
      <ErrorBoundary resetKey={loc.path}>
        <WorkbenchPage />
      </ErrorBoundary>
    );
  }
  const full = fullScreenRoute(loc.path);
  if (full) {
    const C = full.Component;
    return (
      <ErrorBoundary resetKey={loc.path}>
        <C />
      </ErrorBoundary>
    );
  }
  return <Booted />;
}

function Booted() {
  const [bootState, setBootState] = useState<Boot>({ state: 'opening' });
  const [blocked, setBlocked] = useState(false);
  const t = useT();
  useEffect(() => {
    let live = true;
    const stop = onUpgradeBlocked(() => live && setBlocked(true));
    void boot().then((b) => {
      if (!live) return;
      setBootState(b);
      // The write probe settles just after the first page: a disk that refuses writes swaps
      // the page for the recovery screen before the clerk can type into it.
      if (b.state === 'ready') {
        void b.writable.then((f) => {
          if (!f || !live) return;
          console.error('database write probe failed', f.error);
          setBootState({
            state: 'failed',
            reason: f.reason,
            message: f.message,
            detail: String(f.error),
          });
        });
      }
    });
    return () => {
      live = false;
      stop();
    };
  }, []);
  // The recovery screen (also when the write probe fails after the first paint) is never hidden.
  useLayoutEffect(() => {
    if (bootState.state === 'failed') dismissFirstPaint();
  }, [bootState.state]);
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
  // Once the hall has staff, the desk needs a signed-in person (staff/StaffGate.tsx).
  return (
    <StaffGate>
      <Routes />
    </StaffGate>
  );
}

function Routes() {
  const loc = useHashLocation();
  const path = loc.path;
  const t = useT();

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
  } else if (path === '/sync') {
    page = <SyncPanel query={loc.query} />;
  } else if (path === '/settings') {
    page = <SettingsPage />;
  } else if (path === '/supervision') {
    page = <SupervisionPage />;
  } else if (path === '/mywork') {
    page = <MyWorkPage />;
  } else {
    const q = queueRoutes.find((r) => r.path === path);
    if (q) {
      const C = q.Component;
      // The queue's set-up is the hall manager's (issue 13); the counter page is everyone's.
      page =
        q.path === '/queue/manager' ? (
          <RequirePermission need="queue.setup">
            <C />
          </RequirePermission>
        ) : (
          <C />
        );
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

// Route pages in their own chunks (code splitting): a page's code loads on first use or when
// preloaded in idle time, so the first page of the desk does not wait for every other page's
// code (charts, QR codes, pinyin tables, the form). A chunk that cannot be loaded (the LAN
// service gone in browser mode) shows a Chinese message with 重试, never a blank page.
import { Button, Result, Space, Spin } from 'antd';
import { type ComponentType, type FunctionComponent, useEffect, useState } from 'react';
import { tr } from '../i18n';

export interface LazyPage<P extends object> extends FunctionComponent<P> {
  /** Loads (and evaluates) the page's code now; resolves when it can render synchronously. */
  preload(): Promise<void>;
  /** True once the code is loaded. */
  isLoaded(): boolean;
}

export interface LazyPageOptions {
  /**
   * A small part of a page (a status-bar segment) rather than a page: nothing is shown while
   * it loads or when it cannot be loaded.
   */
  quiet?: boolean;
}

/**
 * Wraps a dynamic import of a page component. Unlike React.lazy, a failed load is not cached:
 * 重试 imports again, and once loaded the page renders at once (no Suspense fallback flash).
 */
export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
  name: string,
  opts: LazyPageOptions = {},
): LazyPage<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  const start = (): Promise<ComponentType<P>> => {
    pending ??= load().then(
      (C) => {
        loaded = C;
        return C;
      },
      (e: unknown) => {
        // Forget the failure so that the next attempt fetches again.
        pending = null;
        throw e;
      },
    );
    return pending;
  };

  function Page(props: P) {
    const [, setLoadedTick] = useState(0);
    const [error, setError] = useState<unknown>(null);
    const [attempt, setAttempt] = useState(0);
    const ready = loaded !== null;
    useEffect(() => {
      if (ready) return;
      let live = true;
      start().then(
        () => live && setLoadedTick((n) => n + 1),
        (e: unknown) => {
          console.error(`page code failed to load: ${name}`, e);
          if (live) setError(e);
        },
      );
      return () => {
        live = false;
      };
    }, [ready, attempt]);
    if (loaded) {
      const C = loaded;
      return <C {...props} />;
    }
    if (opts.quiet) return null;
    if (error !== null) {
      return (
        <ChunkLoadError
          detail={error instanceof Error ? error.message : String(error)}
          onRetry={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        />
      );
    }
    return (
      <div className="page-loading" aria-busy="true">
        <Spin />
      </div>
    );
  }
  Page.displayName = `LazyPage(${name})`;
  const page = Page as LazyPage<P>;
  page.preload = () => start().then(() => undefined);
  page.isLoaded = () => loaded !== null;
  return page;
}

/** What the clerk sees when a page's code cannot be fetched (network or LAN service gone). */
export function ChunkLoadError(props: { detail: string; onRetry: () => void }) {
  return (
    <Result
      status="warning"
      data-testid="chunk-load-error"
      title={tr('页面文件加载失败', 'This page could not be loaded')}
      subTitle={
        <>
          <div>
            {tr(
              '网络已断开或受理台服务暂时不可用，无法加载此页面的程序文件。已保存的申请和草稿不受影响；网络恢复后请点“重试”。',
              'The network or the desk service is unavailable, so the code of this page could not be fetched. Saved applications and drafts are not affected; retry when the network is back.',
            )}
          </div>
          <code style={{ whiteSpace: 'pre-wrap' }}>{props.detail}</code>
        </>
      }
      extra={
        <Space>
          <Button type="primary" onClick={props.onRetry}>
            {tr('重试', 'Retry')}
          </Button>
          <Button onClick={() => window.location.reload()}>{tr('重新加载', 'Reload')}</Button>
        </Space>
      }
    />
  );
}

/** Runs `fn` when the page is idle (after `delayMs`), so that preloading never delays a paint. */
export function whenIdle(fn: () => void, delayMs = 0): void {
  setTimeout(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 2000 });
    else setTimeout(fn, 0);
  }, delayMs);
}

// Catches render errors of a page so one broken screen never blanks the desk: the clerk sees a
// Chinese explanation and can go back or reload; stored data is untouched.
import { Button, Result, Space } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { tr } from '../i18n';
import { dismissFirstPaint } from './firstPaintHandle';

interface Props {
  children: ReactNode;
  /** Changing this (e.g. the route) clears the error. */
  resetKey?: string;
}

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('render error', error, info.componentStack);
    // The start-up first paint must not hide the explanation.
    dismissFirstPaint();
  }

  override componentDidUpdate(prev: Props): void {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={tr('页面出错了', 'This page failed')}
        subTitle={
          <>
            <div>
              {tr(
                '已保存的申请和草稿不受影响。',
                'Saved applications and drafts are not affected.',
              )}
            </div>
            <code style={{ whiteSpace: 'pre-wrap' }}>{this.state.error.message}</code>
          </>
        }
        extra={
          <Space>
            <Button type="primary" onClick={() => this.setState({ error: null })}>
              {tr('重试', 'Retry')}
            </Button>
            <Button onClick={() => window.location.reload()}>{tr('重新加载', 'Reload')}</Button>
          </Space>
        }
      />
    );
  }
}

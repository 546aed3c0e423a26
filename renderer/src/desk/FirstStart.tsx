// First start: a desk that is not enrolled at the centre leads the clerk to enrollment (同步 →
// 登记本机, the centre's address prefilled when `npm start` passed it), and a desk that is enrolled
// but has no clerk name to 设置 — instead of one banner pointing to 设置 for everything.
import { Alert, Button } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { activeDb } from '../db/db';
import { useT } from '../i18n';
import { navigate } from '../ui/router';
import type { DeskProfile } from './config';

/** Meta key of the enrollment (sync/store.ts META.credentials), read without the sync chunk. */
const CREDENTIALS_KEY = 'sync.credentials';
/** Where `npm start`'s hints (centre address, hall) are kept for the enrollment page. */
export const ENROLL_HINT_KEY = 'halldesk.enrollHint';

export interface EnrollHint {
  centre?: string;
  hall?: string;
}

/** Keeps hints from a URL (`?centre=…&hall=…`) and returns what is known. */
export function enrollHint(query?: URLSearchParams): EnrollHint {
  const centre = query?.get('centre') ?? undefined;
  const hall = query?.get('hall') ?? undefined;
  try {
    if (centre || hall) localStorage.setItem(ENROLL_HINT_KEY, JSON.stringify({ centre, hall }));
    const raw = localStorage.getItem(ENROLL_HINT_KEY);
    return raw ? (JSON.parse(raw) as EnrollHint) : {};
  } catch {
    return { ...(centre ? { centre } : {}), ...(hall ? { hall } : {}) };
  }
}

export function useEnrolled(): boolean | undefined {
  return useLiveQuery(async () => {
    const row = await activeDb().meta.get(CREDENTIALS_KEY);
    return !!row?.value;
  }, []);
}

export function FirstStartNotice(props: { profile: DeskProfile | null | undefined }) {
  const t = useT();
  const enrolled = useEnrolled();
  if (enrolled === undefined || props.profile === undefined) return null;
  if (!enrolled) {
    const hint = enrollHint();
    return (
      <Alert
        type="info"
        showIcon
        style={{ margin: '12px 0' }}
        data-testid="first-start"
        title={t('首次使用：请先登记本受理台', 'First start: enroll this desk')}
        description={t(
          `在“同步”页填写中心地址和管理员给的登记码${hint.hall ? `，登记到营业厅 ${hint.hall}` : ''}；登记后营业厅和受理台编码自动填好。`,
          `On the Sync page enter the centre address and the administrator's enrollment code${hint.hall ? ` to join hall ${hint.hall}` : ''}; the hall and desk codes are then set for you.`,
        )}
        action={
          <Button type="primary" onClick={() => navigate('/sync')} data-testid="go-enroll">
            {t('去登记', 'Enroll')}
          </Button>
        }
      />
    );
  }
  if (props.profile && props.profile.clerkName) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ margin: '12px 0' }}
      title={t('请填写受理员姓名', 'Enter the clerk name')}
      description={
        <span>
          {t('提交前请在', 'Before submitting, enter the clerk in ')}
          <a href="#/settings">{t('设置', 'Settings')}</a>
          {t('中填写受理员姓名。', '.')}
        </span>
      }
    />
  );
}

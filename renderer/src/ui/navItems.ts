// The desk's side navigation (paths, labels, which icon): the React shell and the start-up first
// paint (desk/firstPaint.ts) list the same links from here.
import type { Lang } from '../i18n';
import { QUEUE_PAGES } from '../queue/pages';

export type NavIcon =
  'new' | 'search' | 'drafts' | 'feedback' | 'queue' | 'sync' | 'app' | 'settings';

export interface NavEntry {
  key: string;
  label: string;
  icon: NavIcon;
}

export function navEntries(lang: Lang): NavEntry[] {
  const t = (zh: string, en: string) => (lang === 'en' ? en : zh);
  const items: NavEntry[] = [
    { key: '/desk/new', label: t('新建受理', 'New application'), icon: 'new' },
    { key: '/desk/applications', label: t('受理查询', 'Applications'), icon: 'search' },
    { key: '/desk/drafts', label: t('草稿', 'Drafts'), icon: 'drafts' },
    { key: '/desk/feedback', label: t('意见反馈', 'Feedback'), icon: 'feedback' },
    { key: '/counter', label: t('叫号', 'Queue'), icon: 'queue' },
    { key: '/sync', label: t('同步', 'Sync'), icon: 'sync' },
  ];
  for (const r of Object.values(QUEUE_PAGES)) {
    if (!r.fullScreen) items.push({ key: r.path, label: t(r.title, r.titleEn), icon: 'app' });
  }
  items.push({ key: '/supervision', label: t('工作监督', 'Supervision'), icon: 'app' });
  items.push({ key: '/mywork', label: t('我的工作', 'My work'), icon: 'app' });
  items.push({ key: '/settings', label: t('设置', 'Settings'), icon: 'settings' });
  return items;
}

/** The entry a path belongs to (a detail page belongs to 受理查询). */
export function selectedNavKey(path: string, items: NavEntry[]): string {
  if (path.startsWith('/desk/app/')) return '/desk/applications';
  const hit = items.filter((i) => path === i.key || path.startsWith(`${i.key}/`));
  return hit[0]?.key ?? path;
}

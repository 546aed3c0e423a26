// The queue's pages as data (path, navigation title, full screen or inside the desk chrome):
// routes.tsx adds their components; the desk's navigation lists them without loading any.
export interface QueuePage {
  /** Hash path, e.g. '/kiosk' for #/kiosk. */
  path: string;
  /** Title shown in the navigation (zh-CN). */
  title: string;
  /** The same in English (the desk's English mode). */
  titleEn: string;
  /** Full-screen pages (kiosk, display) render without the desk chrome. */
  fullScreen: boolean;
}

export const QUEUE_PAGES = {
  kiosk: { path: '/kiosk', title: '取号机', titleEn: 'Ticket kiosk', fullScreen: true },
  display: { path: '/display', title: '叫号屏', titleEn: 'Hall display', fullScreen: true },
  rate: { path: '/rate', title: '评价器', titleEn: 'Rating pad', fullScreen: true },
  customer: { path: '/customer', title: '客户屏', titleEn: 'Customer screen', fullScreen: true },
  manager: {
    path: '/queue/manager',
    title: '排队管理',
    titleEn: 'Queue manager',
    fullScreen: false,
  },
  counter: {
    path: '/queue/counter',
    title: '窗口叫号',
    titleEn: 'Counter calling',
    fullScreen: false,
  },
} as const satisfies Record<string, QueuePage>;

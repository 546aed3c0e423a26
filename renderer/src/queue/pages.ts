// The queue's pages as data (path, navigation title, full screen or inside the desk chrome):
// routes.tsx adds their components; the desk's navigation lists them without loading any.
export interface QueuePage {
  /** Hash path, e.g. '/kiosk' for #/kiosk. */
  path: string;
  /** Title shown in the navigation (zh-CN). */
  title: string;
  /** Full-screen pages (kiosk, display) render without the desk chrome. */
  fullScreen: boolean;
}

export const QUEUE_PAGES = {
  kiosk: { path: '/kiosk', title: '取号机', fullScreen: true },
  display: { path: '/display', title: '叫号屏', fullScreen: true },
  rate: { path: '/rate', title: '评价器', fullScreen: true },
  customer: { path: '/customer', title: '客户屏', fullScreen: true },
  manager: { path: '/queue/manager', title: '排队管理', fullScreen: false },
  counter: { path: '/queue/counter', title: '窗口叫号', fullScreen: false },
} as const satisfies Record<string, QueuePage>;

// Queue pages mounted by the app's router (owned by the hall-queue work): kiosk, display, rating
// pad, manager, and a stand-alone counter page for machines without the desk.
import type { ComponentType } from 'react';
import { lazyPage } from '../ui/lazyPage';

// Each page is its own chunk (the manager's charts alone are ~1 MB): a hall TV loads only the
// display, and the desk's first page loads none of them (the desk preloads its own in idle time).
const KioskPage = lazyPage(() => import('./Kiosk').then((m) => m.KioskPage), 'KioskPage');
const DisplayPage = lazyPage(() => import('./Display').then((m) => m.DisplayPage), 'DisplayPage');
const RatePage = lazyPage(() => import('./RatePage').then((m) => m.RatePage), 'RatePage');
const CustomerScreen = lazyPage(
  () => import('../customer/CustomerScreen').then((m) => m.CustomerScreen),
  'CustomerScreen',
);
const ManagerPage = lazyPage(() => import('./Manager').then((m) => m.ManagerPage), 'ManagerPage');
const CounterPage = lazyPage(
  () => import('./CounterPage').then((m) => m.CounterPage),
  'CounterPage',
);

export interface QueueRoute {
  /** Hash path, e.g. '/kiosk' for #/kiosk. */
  path: string;
  /** Title shown in the navigation (zh-CN). */
  title: string;
  /** Full-screen pages (kiosk, display) render without the desk chrome. */
  fullScreen: boolean;
  Component: ComponentType & { preload?: () => Promise<void> };
}

export const queueRoutes: QueueRoute[] = [
  { path: '/kiosk', title: '取号机', fullScreen: true, Component: KioskPage },
  { path: '/display', title: '叫号屏', fullScreen: true, Component: DisplayPage },
  { path: '/rate', title: '评价器', fullScreen: true, Component: RatePage },
  { path: '/customer', title: '客户屏', fullScreen: true, Component: CustomerScreen },
  { path: '/queue/manager', title: '排队管理', fullScreen: false, Component: ManagerPage },
  { path: '/queue/counter', title: '窗口叫号', fullScreen: false, Component: CounterPage },
];

// Queue pages mounted by the app's router (owned by the hall-queue work): kiosk, display, rating
// pad, manager, and a stand-alone counter page for machines without the desk.
import type { ComponentType } from 'react';
import { lazyPage } from '../ui/lazyPage';
import { QUEUE_PAGES, type QueuePage } from './pages';

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

export interface QueueRoute extends QueuePage {
  Component: ComponentType & { preload?: () => Promise<void> };
}

export const queueRoutes: QueueRoute[] = [
  { ...QUEUE_PAGES.kiosk, Component: KioskPage },
  { ...QUEUE_PAGES.display, Component: DisplayPage },
  { ...QUEUE_PAGES.rate, Component: RatePage },
  { ...QUEUE_PAGES.customer, Component: CustomerScreen },
  { ...QUEUE_PAGES.manager, Component: ManagerPage },
  { ...QUEUE_PAGES.counter, Component: CounterPage },
];

// Queue pages mounted by the app's router (owned by the hall-queue work): kiosk, display, rating
// pad, manager, and a stand-alone counter page for machines without the desk.
import type { ComponentType } from 'react';
import { CustomerScreen } from '../customer/CustomerScreen';
import { CounterPage } from './CounterPage';
import { DisplayPage } from './Display';
import { KioskPage } from './Kiosk';
import { ManagerPage } from './Manager';
import { RatePage } from './RatePage';

export interface QueueRoute {
  /** Hash path, e.g. '/kiosk' for #/kiosk. */
  path: string;
  /** Title shown in the navigation (zh-CN). */
  title: string;
  /** Full-screen pages (kiosk, display) render without the desk chrome. */
  fullScreen: boolean;
  Component: ComponentType;
}

export const queueRoutes: QueueRoute[] = [
  { path: '/kiosk', title: '取号机', fullScreen: true, Component: KioskPage },
  { path: '/display', title: '叫号屏', fullScreen: true, Component: DisplayPage },
  { path: '/rate', title: '评价器', fullScreen: true, Component: RatePage },
  { path: '/customer', title: '客户屏', fullScreen: true, Component: CustomerScreen },
  { path: '/queue/manager', title: '排队管理', fullScreen: false, Component: ManagerPage },
  { path: '/queue/counter', title: '窗口叫号', fullScreen: false, Component: CounterPage },
];

// Queue pages mounted by the app's router (owned by the hall-queue work): kiosk, display, manager.
import type { ComponentType } from 'react';

export interface QueueRoute {
  /** Hash path, e.g. '/kiosk' for #/kiosk. */
  path: string;
  /** Title shown in the navigation (zh-CN). */
  title: string;
  /** Full-screen pages (kiosk, display) render without the desk chrome. */
  fullScreen: boolean;
  Component: ComponentType;
}

export const queueRoutes: QueueRoute[] = [];

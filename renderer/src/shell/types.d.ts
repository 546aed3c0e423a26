// window.halldesk: the one object the Electron preload exposes (absent in a plain browser).
import type { HalldeskApi } from '../../../shared/ipc/contract';

declare global {
  interface Window {
    halldesk?: HalldeskApi;
  }
}

export {};

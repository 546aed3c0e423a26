// The workbench's client for customers, the key-customer register and account managers.
import type {
  CustomerDetail,
  CustomerPage,
  KeyCustomerInfo,
  KeyCustomerPage,
  KeyCustomerRequest,
  ManagerNotifications,
  ManagerPage,
  SuggestedPage,
} from '../../../shared/protocol/customers';
import { customerPaths } from '../../../shared/protocol/customers';
import { call } from './api';

function qs(p: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

export const customersApi = {
  list: (p: {
    q?: string;
    conflict?: '1';
    page: number;
    pageSize: number;
  }): Promise<CustomerPage> => call('GET', `${customerPaths.customers}?${qs(p)}`),
  detail: (key: string): Promise<CustomerDetail> => call('GET', customerPaths.customer(key)),
  merge: (key: string, into: string, note?: string): Promise<CustomerDetail> =>
    call('POST', customerPaths.merge(key), { into, ...(note ? { note } : {}) }),
  register: (p: { manager?: string; page: number; pageSize: number }): Promise<KeyCustomerPage> =>
    call('GET', `${customerPaths.keyCustomers}?${qs(p)}`),
  putKey: (key: string, req: KeyCustomerRequest): Promise<KeyCustomerInfo> =>
    call('PUT', customerPaths.keyCustomer(key), req),
  removeKey: (key: string): Promise<{ removed: string }> =>
    call('DELETE', customerPaths.keyCustomer(key)),
  suggested: (p: { page: number; pageSize: number }): Promise<SuggestedPage> =>
    call('GET', `${customerPaths.suggested}?${qs(p)}`),
  manager: (no: string): Promise<ManagerPage> => call('GET', customerPaths.manager(no)),
  seen: (no: string): Promise<{ seenAt: string }> => call('POST', customerPaths.managerSeen(no)),
  notifications: (no: string): Promise<ManagerNotifications> =>
    call('GET', customerPaths.notifications(no)),
};

const MANAGER_KEY = 'halldesk.workbench.manager';
/** The account manager whose page and notifications this browser follows. */
export function savedManager(): string {
  try {
    return localStorage.getItem(MANAGER_KEY) ?? '';
  } catch {
    return '';
  }
}
export function saveManager(no: string): void {
  try {
    localStorage.setItem(MANAGER_KEY, no);
  } catch {
    // storage unavailable: remembered until the page reloads
  }
}

// The workbench's customer API: customers across halls (one record per key, conflicts shown),
// explicit merges, the key-customer register with account managers, suggested key customers,
// and the account manager's page with what changed since they last looked.
import { z } from 'zod';
import type { Application, Feedback } from '../domain/model';
import { KeyReason } from '../domain/customers';
import { API_PREFIX } from './paths';
import type { KeyManagerBadge } from './workbench';
import { text, trimmedText } from './safe';

const WB = `${API_PREFIX}/admin/workbench`;
const enc = encodeURIComponent;

export const customerPaths = {
  customers: `${WB}/customers`,
  customer: (key: string) => `${WB}/customers/${enc(key)}`,
  merge: (key: string) => `${WB}/customers/${enc(key)}/merge`,
  keyCustomers: `${WB}/key-customers`,
  keyCustomer: (key: string) => `${WB}/key-customers/${enc(key)}`,
  suggested: `${WB}/key-customers-suggested`,
  manager: (staffNo: string) => `${WB}/account-managers/${enc(staffNo)}`,
  managerSeen: (staffNo: string) => `${WB}/account-managers/${enc(staffNo)}/seen`,
  notifications: (staffNo: string) => `${WB}/account-managers/${enc(staffNo)}/notifications`,
};

const paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

/** GET customers: `q` is a name prefix, an ID number / credit code, or a 户号. */
export const CustomerListQuery = z.object({
  q: trimmedText(60).optional(),
  /** '1': only customers whose records disagree (same key, different names). */
  conflict: z.enum(['0', '1']).optional(),
  ...paging,
});
export type CustomerListQuery = z.infer<typeof CustomerListQuery>;

export interface CustomerRow {
  key: string;
  name: string;
  /** Every name the desks recorded under this key: more than one is a conflict. */
  names: string[];
  phone: string | null;
  accountNos: string[];
  hallCodes: string[];
  applications: number;
  lastAt: string;
  mergedInto: string | null;
  keyCustomer: boolean;
  /** The account manager when a key customer (the list's badge, served with the page). */
  keyManager: KeyManagerBadge | null;
}
export interface CustomerPage {
  rows: CustomerRow[];
  total: number;
  page: number;
  pageSize: number;
}

export const MergeRequest = z.object({
  /** The customer key this one is merged into (it stays; this one points at it). */
  into: text(60, 3),
  note: trimmedText(500).optional(),
});
export type MergeRequest = z.infer<typeof MergeRequest>;

export interface KeyCustomerInfo {
  key: string;
  name: string;
  reasons: KeyReason[];
  managerStaffNo: string;
  managerName: string;
  managerPhone: string | null;
  managerHallCode: string | null;
  since: string;
  note: string | null;
  updatedAt: string;
}

export interface CustomerDetail {
  customer: CustomerRow;
  /** Keys merged into this customer (their records are shown here too). */
  mergedKeys: string[];
  keyCustomer: KeyCustomerInfo | null;
  applications: Array<
    Pick<Application, 'id' | 'appNo' | 'businessCode' | 'status' | 'deadline' | 'acceptedAt'> & {
      hallCode: string;
      customerName: string;
    }
  >;
  feedback: Array<
    Pick<Feedback, 'id' | 'feedbackNo' | 'kind' | 'status' | 'acceptedAt' | 'content'>
  >;
  ratings: Array<{ appNo: string; level: string; bad: boolean; at: string }>;
  /** Intakes that began from a queue ticket (叫号): the ticket and the day. */
  visits: Array<{ appNo: string; ticketNo: string; hallCode: string; at: string }>;
}

export const KeyCustomerRequest = z.object({
  reasons: z.array(KeyReason).min(1, '至少选择一项原因').max(4),
  managerStaffNo: text(20, 1),
  /** YYYY-MM-DD; default today (Asia/Shanghai). */
  since: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
    .optional(),
  note: trimmedText(500).optional(),
});
export type KeyCustomerRequest = z.infer<typeof KeyCustomerRequest>;

export const KeyCustomerListQuery = z.object({
  manager: text(20).optional(),
  ...paging,
});
export type KeyCustomerListQuery = z.infer<typeof KeyCustomerListQuery>;

export interface KeyCustomerPage {
  rows: KeyCustomerInfo[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SuggestedRow {
  key: string;
  name: string;
  reasons: KeyReason[];
  applications: number;
}
export interface SuggestedPage {
  rows: SuggestedRow[];
  page: number;
  pageSize: number;
}

export interface ManagerCustomer {
  key: string;
  name: string;
  openApplications: Array<{ id: string; appNo: string; status: string; deadline: string }>;
  nextDeadline: string | null;
  openFeedback: number;
}
export interface ManagerChange {
  applicationId: string;
  appNo: string;
  customerKey: string;
  customerName: string;
  status: string;
  /** The moves after the manager last looked (from the record's timeline). */
  moves: Array<{ from: string | null; to: string; at: string; actor: string }>;
  updatedAt: string;
}
export interface ManagerPage {
  staffNo: string;
  name: string;
  phone: string | null;
  seenAt: string | null;
  customers: ManagerCustomer[];
  changes: ManagerChange[];
}
export interface ManagerNotifications {
  seenAt: string | null;
  count: number;
  changes: ManagerChange[];
}

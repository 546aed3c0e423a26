// The centre's workbench API (admin token today, staff roles later): paged search across halls,
// an application's page with its allowed next states, moves and returns, due lists. Shared by the
// central endpoint and the workbench page of the renderer.
import { z } from 'zod';
import type { Application } from '../domain/model';
import type { StageStatus } from '../domain/workflow';
import { FIELD_MAX } from './limits';
import { TransitionRequest } from './messages';
import { API_PREFIX } from './paths';
import { text, trimmedText } from './safe';

const WB = `${API_PREFIX}/admin/workbench`;

export const workbenchPaths = {
  applications: `${WB}/applications`,
  application: (id: string) => `${WB}/applications/${encodeURIComponent(id)}`,
  move: (id: string) => `${WB}/applications/${encodeURIComponent(id)}/move`,
  due: `${WB}/due`,
  reasons: `${WB}/return-reasons`,
  documents: (id: string) => `${WB}/applications/${encodeURIComponent(id)}/documents`,
  document: (id: string, attachmentId: string) =>
    `${WB}/applications/${encodeURIComponent(id)}/documents/${encodeURIComponent(attachmentId)}`,
  documentViews: `${WB}/document-views`,
  /** Who is signed in (admin token or staff session) and what the workbench lets them do. */
  me: `${WB}/me`,
};

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** The first page of a search counts its rows up to this many (a larger total is shown as "N+"). */
export const WORKBENCH_COUNT_CAP = 10_000;

/**
 * GET applications: every filter optional; `q` is one search box (number, serial, name, pinyin
 * initials, ID/credit-code last 4, phone, 户号); `address` is any part of the address. Paged by
 * keyset: `cursor` is the previous page's `nextCursor` (opaque), absent for the first page.
 */
export const WorkbenchSearchQuery = z.object({
  q: trimmedText(60).optional(),
  address: trimmedText(60).optional(),
  hall: text(FIELD_MAX.hallCode).optional(),
  status: text(FIELD_MAX.status).optional(),
  business: text(FIELD_MAX.businessCode).optional(),
  /** Acceptance day range (Asia/Shanghai), inclusive. */
  from: isoDay.optional(),
  to: isoDay.optional(),
  /** overdue = open and past its deadline; soon = open and due within settings.workbench.dueSoonWd. */
  due: z.enum(['overdue', 'soon']).optional(),
  cursor: z.string().max(200).optional(),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});
export type WorkbenchSearchQuery = z.infer<typeof WorkbenchSearchQuery>;

export interface WorkbenchRow {
  id: string;
  appNo: string;
  hallCode: string;
  businessCode: string;
  customerName: string;
  status: string;
  deadline: string;
  acceptedAt: string;
  overdue: boolean;
  /**
   * The account manager of the application's customer when that customer (or the one it was
   * merged into) is in the key-customer register: the list's badge, served with the page.
   */
  keyManager: KeyManagerBadge | null;
}

/** A key customer's account manager as the lists show it. */
export interface KeyManagerBadge {
  staffNo: string;
  name: string;
  phone: string | null;
}

export interface WorkbenchPage {
  rows: WorkbenchRow[];
  /** Counted on the first page only (null on later pages), at most WORKBENCH_COUNT_CAP. */
  total: number | null;
  /** The count stopped at WORKBENCH_COUNT_CAP: there are more. */
  totalCapped: boolean;
  /** The cursor of the next page; null when this page is the last. */
  nextCursor: string | null;
  pageSize: number;
}

export interface NextStateOut {
  state: string;
  label: string;
  labelEn: string;
  /** forward: the workflow's next stages; end: archive/cancel/reject; return: needs a reason. */
  kind: 'forward' | 'end' | 'return';
}

export interface WorkbenchDetail {
  application: Application;
  hallCode: string;
  overdue: boolean;
  /** Stage deadlines (null when the catalogue has no such type or the calendar lacks a year). */
  stages: StageStatus[] | null;
  next: NextStateOut[];
}

/** The CLI's transition request plus, for a return (退回/补正), a configured reason code. */
export const WorkbenchMoveRequest = TransitionRequest.extend({
  /** Required for a return: a code of settings.workbench.returnReasons. */
  reasonCode: text(FIELD_MAX.status).optional(),
});
export type WorkbenchMoveRequest = z.infer<typeof WorkbenchMoveRequest>;

/** Open applications past or near their deadline, counted per hall and current stage. */
export interface DueGroup {
  hallCode: string;
  status: string;
  overdue: number;
  soon: number;
}
export interface DueSummary {
  today: string;
  soonUntil: string;
  groups: DueGroup[];
}

/** A document scan of an application held at the centre (bytes fetched on demand). */
export interface WorkbenchDocument {
  id: string;
  documentCode: string;
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** The bytes have all reached the centre. */
  complete: boolean;
}

/** One view of a document: who, when, which. */
export interface DocumentView {
  viewedAt: string;
  viewer: string;
  viewerName: string | null;
  hallCode: string;
  applicationId: string;
  appNo: string | null;
  attachmentId: string;
  fileName: string | null;
}

/** The signed-in operator as the workbench sees them; `can` gates its pages and buttons. */
export interface WorkbenchMe {
  kind: 'admin' | 'staff';
  staffNo: string | null;
  name: string | null;
  hallCode: string | null;
  can: { move: boolean; documents: boolean; allHalls: boolean };
  /** The halls' time zone (the settings document's): the workbench shows times on that clock. */
  timeZone: string;
}

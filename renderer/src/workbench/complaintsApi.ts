// The workbench's client of the complaints API (issue 14 §2): list, a record's page, assign,
// contact, reply, close, link, handlers, escalations and figures.
import type { FeedbackContact } from '../../../shared/domain/model';
import type {
  ComplaintDetail,
  ComplaintEscalation,
  ComplaintFigures,
  ComplaintHandlerOut,
  ComplaintPage,
} from '../../../shared/protocol/complaints';
import { complaintPaths } from '../../../shared/protocol/complaints';
import { call } from './api';

export interface ComplaintParams {
  hall?: string;
  kind?: string;
  state?: string;
  handler?: string;
  due?: 'overdue' | 'soon';
  page: number;
  pageSize: number;
}

function query(p: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}

export const complaintsApi = {
  list: (p: ComplaintParams): Promise<ComplaintPage> =>
    call('GET', `${complaintPaths.list}?${query(p)}`),
  detail: (id: string): Promise<ComplaintDetail> => call('GET', complaintPaths.one(id)),
  assign: (id: string, staffNo: string): Promise<ComplaintDetail> =>
    call('POST', complaintPaths.assign(id), { staffNo }),
  contact: (
    id: string,
    c: { channel: FeedbackContact['channel']; note: string },
  ): Promise<ComplaintDetail> => call('POST', complaintPaths.contact(id), c),
  reply: (id: string, reply: string, close: boolean): Promise<ComplaintDetail> =>
    call('POST', complaintPaths.reply(id), { reply, close }),
  close: (id: string): Promise<ComplaintDetail> => call('POST', complaintPaths.close(id), {}),
  link: (
    id: string,
    l: { applicationNo?: string; concernsStaffNo?: string; concernsCounter?: string },
  ): Promise<ComplaintDetail> => call('POST', complaintPaths.link(id), l),
  handlers: (hall?: string): Promise<{ handlers: ComplaintHandlerOut[] }> =>
    call('GET', `${complaintPaths.handlers}?${query({ hall })}`),
  escalations: (): Promise<{ escalations: ComplaintEscalation[] }> =>
    call('GET', complaintPaths.escalations),
  figures: (): Promise<ComplaintFigures> => call('GET', complaintPaths.figures),
};

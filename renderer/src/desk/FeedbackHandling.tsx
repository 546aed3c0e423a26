// The centre's handling of a feedback record as the desk shows it (issue 14 §2): who handles it,
// every contact (the desk's and the centre's), the reply the customer is told with its date and
// author, the links; and the form's link fields: an application picker (this desk's records,
// searched by number or name as the clerk types), the clerk's staff number and the counter.
import { Input, Select, Space, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Feedback } from '../../../shared/domain/model';
import { searchApplications } from '../db/repo';
import { useT } from '../i18n';
import { formatDateTime } from './Receipt';

const CHANNELS: Record<string, [string, string]> = {
  phone: ['电话', 'Phone'],
  visit: ['面谈', 'Visit'],
  sms: ['短信', 'SMS'],
  wechat: ['微信', 'WeChat'],
  email: ['邮件', 'Email'],
  other: ['其他', 'Other'],
};

export function FeedbackHandlingView({ fb }: { fb: Feedback }) {
  const t = useT();
  const contacts = fb.contacts ?? [];
  return (
    <div data-testid="feedback-handling">
      <Space wrap size={4}>
        {fb.handler ? (
          <Tag color="purple" data-testid="feedback-handler">
            {t('处理人', 'Handler')} {fb.handler.name}（{fb.handler.staffNo}）
          </Tag>
        ) : (
          <Tag>{t('待中心分派', 'Awaiting assignment')}</Tag>
        )}
        {fb.repeatOf && (
          <Tag color="volcano">
            {t('重复投诉', 'Repeat complaint')} {fb.repeatOf}
          </Tag>
        )}
        {fb.applicationNo && (
          <Tag>
            {t('关联申请', 'Application')} {fb.applicationNo}
          </Tag>
        )}
        {fb.concernsStaffNo && (
          <Tag>
            {t('涉及工号', 'Clerk')} {fb.concernsStaffNo}
          </Tag>
        )}
        {fb.concernsCounter && (
          <Tag>
            {t('涉及窗口', 'Counter')} {fb.concernsCounter}
          </Tag>
        )}
      </Space>
      {contacts.length > 0 && (
        <Timeline
          style={{ marginTop: 8, marginBottom: 0 }}
          items={contacts.map((c) => ({
            key: c.id,
            children: (
              <span data-testid="feedback-contact">
                {formatDateTime(c.at)} {t(...(CHANNELS[c.channel] ?? ['', '']))} {c.by}
                {c.source === 'centre' ? t('（中心）', ' (centre)') : ''}：{c.note}
              </span>
            ),
          }))}
        />
      )}
      {fb.reply && fb.repliedAt && (
        <Typography.Text type="secondary" data-testid="feedback-replied-by">
          {t('答复于', 'Replied')} {formatDateTime(fb.repliedAt)}
          {fb.repliedBy ? ` · ${fb.repliedBy}` : ''}
        </Typography.Text>
      )}
    </div>
  );
}

export interface FeedbackLinks {
  applicationNo: string;
  concernsStaffNo: string;
  concernsCounter: string;
}

/** The link fields of the registration form (all optional). */
export function FeedbackLinkFields({
  value,
  onChange,
}: {
  value: FeedbackLinks;
  onChange: (v: FeedbackLinks) => void;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  useEffect(() => {
    let live = true;
    const q = text.trim();
    void searchApplications(q || undefined, {}, { limit: 10 }).then((r) => {
      if (!live) return;
      setOptions(r.rows.map((a) => ({ value: a.appNo, label: `${a.appNo} ${a.customer.name}` })));
    });
    return () => {
      live = false;
    };
  }, [text]);
  return (
    <Space wrap align="start">
      <Select
        id="fb-application"
        aria-label={t('关联申请（选填）', 'Application (optional)')}
        data-testid="fb-application"
        placeholder={t(
          '关联申请（选填）：输入编号或姓名',
          'Application (optional): number or name',
        )}
        style={{ minWidth: 320 }}
        showSearch={{ filterOption: false, onSearch: setText }}
        allowClear
        value={value.applicationNo || undefined}
        options={options}
        onChange={(v: string | undefined) => onChange({ ...value, applicationNo: v ?? '' })}
      />
      <Input
        id="fb-concerns-staff"
        aria-label={t('涉及工号（选填）', 'Clerk staff no. (optional)')}
        placeholder={t('涉及工号（选填）', 'Clerk staff no. (optional)')}
        maxLength={20}
        value={value.concernsStaffNo}
        onChange={(e) => onChange({ ...value, concernsStaffNo: e.target.value })}
      />
      <Input
        id="fb-concerns-counter"
        aria-label={t('涉及窗口（选填）', 'Counter (optional)')}
        placeholder={t('涉及窗口（选填）', 'Counter (optional)')}
        maxLength={20}
        value={value.concernsCounter}
        onChange={(e) => onChange({ ...value, concernsCounter: e.target.value })}
      />
    </Space>
  );
}

/** The record's link fields from the form (only those filled, with the time they were set). */
export function linksOf(v: FeedbackLinks, at: string): Partial<Feedback> {
  const out: Partial<Feedback> = {};
  if (v.applicationNo.trim()) out.applicationNo = v.applicationNo.trim();
  if (v.concernsStaffNo.trim()) out.concernsStaffNo = v.concernsStaffNo.trim();
  if (v.concernsCounter.trim()) out.concernsCounter = v.concernsCounter.trim();
  if (Object.keys(out).length) out.linksAt = at;
  return out;
}

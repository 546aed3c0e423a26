// The workbench's complaints pages (issue 14 §2): every hall's feedback, server-paged, with
// filters (hall, kind, state, handler, overdue / due soon), escalations and figures; a record's
// page where the handler is assigned (the picker offers only eligible handlers), contacts and the
// reply are recorded, the record is closed (refused without a reply) and linked.
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { FEEDBACK_KIND_LABELS, FEEDBACK_STATUS_LABELS } from '../../../shared/domain/feedback';
import type { FeedbackContact } from '../../../shared/domain/model';
import type {
  ComplaintDetail,
  ComplaintEscalation,
  ComplaintFigures,
  ComplaintHandlerOut,
  ComplaintPage,
  ComplaintRow,
} from '../../../shared/protocol/complaints';
import { tr, useLang, useT } from '../i18n';
import { navigate } from '../ui/router';
import { complaintsApi, type ComplaintParams } from './complaintsApi';
import { ApiError } from './api';
import { HallTime, useHallZone } from './clock';
import { hallDateTime } from '../../../shared/domain/hallTime';

const CHANNELS: Array<[FeedbackContact['channel'], string, string]> = [
  ['phone', '电话', 'Phone'],
  ['visit', '面谈', 'Visit'],
  ['sms', '短信', 'SMS'],
  ['wechat', '微信', 'WeChat'],
  ['email', '邮件', 'Email'],
  ['other', '其他', 'Other'],
];

/** Shows an API failure (the message carries its code's text); a refused token signs out. */
function useApiError(onAuthLost: () => void) {
  const { message } = AntApp.useApp();
  const latest = useRef({ message, onAuthLost });
  latest.current = { message, onAuthLost };
  return useCallback((e: unknown) => {
    const { message: m, onAuthLost: lost } = latest.current;
    if (e instanceof ApiError && e.code === 'E_AUTH') {
      m.error(tr('令牌无效，请重新登录', 'Token refused: sign in again'));
      lost();
      return;
    }
    m.error(e instanceof Error ? e.message : String(e));
  }, []);
}

export function ComplaintsList({ onAuthLost }: { onAuthLost: () => void }) {
  const t = useT();
  const lang = useLang();
  const onError = useApiError(onAuthLost);
  const [params, setParams] = useState<ComplaintParams>({ page: 1, pageSize: 20 });
  const [data, setData] = useState<ComplaintPage | null>(null);
  const [esc, setEsc] = useState<ComplaintEscalation[]>([]);
  const [figures, setFigures] = useState<ComplaintFigures | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let live = true;
    setLoading(true);
    complaintsApi
      .list(params)
      .then((d) => live && setData(d), onError)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [params, onError]);
  useEffect(() => {
    complaintsApi.escalations().then((r) => setEsc(r.escalations), onError);
    complaintsApi.figures().then(setFigures, onError);
  }, [onError]);
  const set = (over: Partial<ComplaintParams>) => setParams({ ...params, ...over, page: 1 });
  const label = (l: { zh: string; en: string }) => (lang === 'en' ? l.en : l.zh);

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('意见投诉', 'Complaints and opinions')}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input
            aria-label={t('营业厅', 'Hall')}
            placeholder={t('营业厅编码', 'Hall code')}
            allowClear
            style={{ width: 140 }}
            onPressEnter={(e) => set({ hall: e.currentTarget.value.trim() || undefined })}
            onBlur={(e) => set({ hall: e.currentTarget.value.trim() || undefined })}
          />
          <Select
            aria-label={t('类别', 'Kind')}
            placeholder={t('类别', 'Kind')}
            allowClear
            style={{ width: 120 }}
            value={params.kind}
            onChange={(v?: string) => set({ kind: v })}
            options={Object.entries(FEEDBACK_KIND_LABELS).map(([k, l]) => ({
              value: k,
              label: label(l),
            }))}
          />
          <Select
            aria-label={t('状态', 'State')}
            placeholder={t('状态', 'State')}
            allowClear
            style={{ width: 120 }}
            value={params.state}
            onChange={(v?: string) => set({ state: v })}
            options={Object.entries(FEEDBACK_STATUS_LABELS).map(([k, l]) => ({
              value: k,
              label: label(l),
            }))}
          />
          <Input
            aria-label={t('处理人工号', 'Handler staff no.')}
            placeholder={t('处理人工号（none=未分派）', 'Handler (none = unassigned)')}
            allowClear
            style={{ width: 200 }}
            onPressEnter={(e) => set({ handler: e.currentTarget.value.trim() || undefined })}
            onBlur={(e) => set({ handler: e.currentTarget.value.trim() || undefined })}
          />
          <Select
            aria-label={t('时限', 'Due')}
            placeholder={t('时限', 'Due')}
            allowClear
            style={{ width: 120 }}
            value={params.due}
            onChange={(v?: 'overdue' | 'soon') => set({ due: v })}
            options={[
              { value: 'overdue', label: t('已超期', 'Overdue') },
              { value: 'soon', label: t('临期', 'Due soon') },
            ]}
          />
        </Space>
        <Table<ComplaintRow>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data?.rows ?? []}
          onRow={(r) => ({
            onClick: () => navigate(`/workbench/feedback/${r.id}`),
            style: { cursor: 'pointer' },
          })}
          pagination={{
            current: params.page,
            pageSize: params.pageSize,
            total: data?.total ?? 0,
            showTotal: (n) => t(`共 ${n} 条`, `${n} in all`),
            onChange: (page, pageSize) => setParams({ ...params, page, pageSize }),
          }}
          columns={[
            {
              title: t('编号', 'No.'),
              dataIndex: 'feedbackNo',
              render: (no: string, r) => (
                <Space size={4}>
                  <a data-testid="complaint-row">{no}</a>
                  {r.repeatOf && <Tag color="volcano">{t('重复', 'Repeat')}</Tag>}
                </Space>
              ),
            },
            { title: t('营业厅', 'Hall'), dataIndex: 'hallCode' },
            {
              title: t('类别', 'Kind'),
              dataIndex: 'kind',
              render: (k: ComplaintRow['kind']) => label(FEEDBACK_KIND_LABELS[k]),
            },
            { title: t('客户', 'Customer'), dataIndex: 'customerName' },
            {
              title: t('状态', 'State'),
              dataIndex: 'status',
              render: (s: ComplaintRow['status'], r) => (
                <Space size={4}>
                  <Tag>{label(FEEDBACK_STATUS_LABELS[s])}</Tag>
                  {r.overdue && <Tag color="red">{t('超期', 'Overdue')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('处理人', 'Handler'),
              dataIndex: 'handlerName',
              render: (n: string | null, r) => (n ? `${n}（${r.handlerNo}）` : t('未分派', '—')),
            },
            { title: t('答复期限', 'Reply by'), dataIndex: 'replyDue' },
          ]}
        />
      </Card>
      <Card title={t('升级记录', 'Escalations')} size="small">
        <Table<ComplaintEscalation>
          size="small"
          rowKey={(e) => `${e.feedbackId}/${e.deadline}`}
          dataSource={esc}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('编号', 'No.'), dataIndex: 'feedbackNo' },
            { title: t('营业厅', 'Hall'), dataIndex: 'hallCode' },
            {
              title: t('超期环节', 'Deadline'),
              dataIndex: 'deadline',
              render: (d: string) =>
                d === 'reply' ? t('答复', 'Reply') : t('首次联系', 'First contact'),
            },
            { title: t('期限', 'Due'), dataIndex: 'dueDate' },
            { title: t('处理人', 'Handler'), dataIndex: 'handlerNo' },
            { title: t('升级至', 'Escalated to'), dataIndex: 'managerNo' },
          ]}
        />
      </Card>
      {figures && (
        <Card title={t('办理情况', 'Figures')} size="small">
          {(['byHall', 'byHandler'] as const).map((k) => (
            <Table
              key={k}
              size="small"
              rowKey="key"
              pagination={false}
              style={{ marginBottom: 12 }}
              dataSource={figures[k]}
              columns={[
                {
                  title: k === 'byHall' ? t('营业厅', 'Hall') : t('处理人', 'Handler'),
                  dataIndex: 'key',
                  render: (key: string, r) => `${key || t('未分派', 'unassigned')} ${r.name ?? ''}`,
                },
                { title: t('按时答复', 'Answered in time'), dataIndex: 'answeredInTime' },
                { title: t('超时答复', 'Answered late'), dataIndex: 'answeredLate' },
                { title: t('未办结', 'Open'), dataIndex: 'open' },
                { title: t('其中超期', 'Open overdue'), dataIndex: 'openOverdue' },
              ]}
            />
          ))}
        </Card>
      )}
    </Space>
  );
}

export function ComplaintView({ id, onAuthLost }: { id: string; onAuthLost: () => void }) {
  const t = useT();
  const tz = useHallZone();
  const lang = useLang();
  const onError = useApiError(onAuthLost);
  const [d, setD] = useState<ComplaintDetail | null>(null);
  const [handlers, setHandlers] = useState<ComplaintHandlerOut[]>([]);
  const [channel, setChannel] = useState<FeedbackContact['channel']>('phone');
  const [note, setNote] = useState('');
  const [reply, setReply] = useState('');
  const [links, setLinks] = useState({
    applicationNo: '',
    concernsStaffNo: '',
    concernsCounter: '',
  });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    complaintsApi.detail(id).then((x) => {
      setD(x);
      setReply(x.feedback.reply ?? '');
      setLinks({
        applicationNo: x.feedback.applicationNo ?? '',
        concernsStaffNo: x.feedback.concernsStaffNo ?? '',
        concernsCounter: x.feedback.concernsCounter ?? '',
      });
      complaintsApi.handlers(x.feedback.hallCode).then((r) => setHandlers(r.handlers), onError);
    }, onError);
  }, [id, onError]);
  const act = (p: Promise<ComplaintDetail>) => {
    setBusy(true);
    p.then(setD, onError).finally(() => setBusy(false));
  };
  if (!d) return null;
  const fb = d.feedback;
  const closed = fb.status === 'closed';
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Button onClick={() => navigate('/workbench/feedback')}>
        {t('返回列表', 'Back to list')}
      </Button>
      <Card
        title={
          <Space>
            <span data-testid="complaint-no">{fb.feedbackNo}</span>
            <Tag>
              {lang === 'en' ? FEEDBACK_KIND_LABELS[fb.kind].en : FEEDBACK_KIND_LABELS[fb.kind].zh}
            </Tag>
            <Tag data-testid="complaint-status">
              {lang === 'en'
                ? FEEDBACK_STATUS_LABELS[fb.status].en
                : FEEDBACK_STATUS_LABELS[fb.status].zh}
            </Tag>
            {d.overdue && <Tag color="red">{t('超期', 'Overdue')}</Tag>}
            {d.repeatOf && (
              <Tag color="volcano">
                {t('重复投诉，前次', 'Repeat of')} {d.repeatOf}
              </Tag>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('营业厅', 'Hall')}>{fb.hallCode}</Descriptions.Item>
          <Descriptions.Item label={t('客户', 'Customer')}>
            {fb.customerName} {fb.phone} {fb.accountNo ?? ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('内容', 'Content')} span={2}>
            {fb.content}
          </Descriptions.Item>
          <Descriptions.Item label={t('登记', 'Recorded')}>
            <HallTime at={fb.acceptedAt} /> {fb.acceptedBy}
          </Descriptions.Item>
          <Descriptions.Item label={t('期限', 'Due')}>
            {t('首次联系', 'First contact')} {fb.firstContactDue} · {t('答复', 'Reply')}{' '}
            {fb.replyDue}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('处理人', 'Handler')} size="small">
        <Space wrap>
          <Select
            aria-label={t('处理人', 'Handler')}
            data-testid="complaint-handler"
            style={{ minWidth: 240 }}
            value={fb.handler?.staffNo}
            disabled={busy || closed}
            placeholder={t('选择处理人', 'Choose a handler')}
            options={handlers.map((h) => ({
              value: h.staffNo,
              label: `${h.name}（${h.staffNo}${h.hallCode ? ` · ${h.hallCode}` : ''}）`,
            }))}
            onChange={(v: string) => act(complaintsApi.assign(id, v))}
          />
          {fb.handler && (
            <Typography.Text type="secondary">
              {fb.handler.auto
                ? t('按规则自动分派', 'assigned by the rules')
                : t('人工分派', 'assigned by hand')}{' '}
              <HallTime at={fb.handler.assignedAt} />
            </Typography.Text>
          )}
        </Space>
      </Card>
      <Card title={t('联系记录', 'Contacts')} size="small">
        <Timeline
          items={(fb.contacts ?? []).map((c) => ({
            key: c.id,
            children: `${hallDateTime(c.at, tz)} ${CHANNELS.find((x) => x[0] === c.channel)?.[lang === 'en' ? 2 : 1] ?? c.channel} ${c.by}：${c.note}`,
          }))}
        />
        {!closed && (
          <Space wrap>
            <Select
              aria-label={t('方式', 'Channel')}
              value={channel}
              style={{ width: 100 }}
              onChange={setChannel}
              options={CHANNELS.map(([v, zh, en]) => ({
                value: v,
                label: lang === 'en' ? en : zh,
              }))}
            />
            <Input
              aria-label={t('联系内容', 'Contact note')}
              data-testid="complaint-contact-note"
              style={{ width: 360 }}
              value={note}
              maxLength={1000}
              onChange={(e) => setNote(e.target.value)}
            />
            <Button
              disabled={busy || !note.trim()}
              onClick={() => {
                act(complaintsApi.contact(id, { channel, note: note.trim() }));
                setNote('');
              }}
            >
              {t('记录联系', 'Record contact')}
            </Button>
          </Space>
        )}
      </Card>
      <Card title={t('答复客户', 'Reply to the customer')} size="small">
        {fb.repliedAt && (
          <Typography.Paragraph type="secondary">
            {t('答复于', 'Replied')} <HallTime at={fb.repliedAt} /> {fb.repliedBy ?? ''}
          </Typography.Paragraph>
        )}
        <Input.TextArea
          aria-label={t('答复内容', 'Reply')}
          data-testid="complaint-reply"
          rows={3}
          maxLength={4000}
          value={reply}
          disabled={closed}
          onChange={(e) => setReply(e.target.value)}
        />
        <Space style={{ marginTop: 8 }}>
          <Button
            disabled={busy || closed}
            onClick={() => act(complaintsApi.reply(id, reply.trim(), false))}
          >
            {t('保存答复', 'Save reply')}
          </Button>
          <Button
            type="primary"
            disabled={busy || closed}
            onClick={() => act(complaintsApi.reply(id, reply.trim(), true))}
          >
            {t('答复并办结', 'Reply and close')}
          </Button>
          <Button disabled={busy || closed} onClick={() => act(complaintsApi.close(id))}>
            {t('办结', 'Close')}
          </Button>
        </Space>
      </Card>
      <Card title={t('关联', 'Links')} size="small">
        <Space wrap>
          <Input
            aria-label={t('申请编号', 'Application no.')}
            placeholder={t('申请编号', 'Application no.')}
            value={links.applicationNo}
            onChange={(e) => setLinks({ ...links, applicationNo: e.target.value })}
          />
          <Input
            aria-label={t('涉及工号', 'Clerk staff no.')}
            placeholder={t('涉及工号', 'Clerk staff no.')}
            value={links.concernsStaffNo}
            onChange={(e) => setLinks({ ...links, concernsStaffNo: e.target.value })}
          />
          <Input
            aria-label={t('涉及窗口', 'Counter')}
            placeholder={t('涉及窗口', 'Counter')}
            value={links.concernsCounter}
            onChange={(e) => setLinks({ ...links, concernsCounter: e.target.value })}
          />
          <Button
            disabled={busy}
            onClick={() =>
              act(
                complaintsApi.link(id, {
                  ...(links.applicationNo.trim()
                    ? { applicationNo: links.applicationNo.trim() }
                    : {}),
                  ...(links.concernsStaffNo.trim()
                    ? { concernsStaffNo: links.concernsStaffNo.trim() }
                    : {}),
                  ...(links.concernsCounter.trim()
                    ? { concernsCounter: links.concernsCounter.trim() }
                    : {}),
                }),
              )
            }
          >
            {t('保存关联', 'Save links')}
          </Button>
        </Space>
      </Card>
      {d.escalations.length > 0 && (
        <Card title={t('升级记录', 'Escalations')} size="small">
          {d.escalations.map((e) => (
            <div key={e.deadline}>
              {e.deadline === 'reply'
                ? t('答复超期', 'Reply overdue')
                : t('首次联系超期', 'First contact overdue')}{' '}
              {e.dueDate} → {e.managerNo ?? t('（无主管）', '(no manager)')}{' '}
              <HallTime at={e.escalatedAt} />
            </div>
          ))}
        </Card>
      )}
    </Space>
  );
}

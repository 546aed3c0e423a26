// 意见反馈: consultations, opinions, complaints and praise recorded like applications, each with
// first-contact and reply due dates from the hall's limits (working days), a list that highlights
// what is late, and the first contact and the reply recorded against it.
import { StarFilled } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { makeFeedbackNo } from '../../../shared/domain/appNumber';
import { CalendarMissingYearError } from '../../../shared/domain/calendar';
import {
  FEEDBACK_KIND_LABELS,
  FEEDBACK_STATUS_LABELS,
  feedbackOverdue,
} from '../../../shared/domain/feedback';
import { maskPhone } from '../../../shared/domain/mask';
import type { Feedback, FeedbackKind } from '../../../shared/domain/model';
import { validateAccountNo, validatePhone } from '../../../shared/domain/validators';
import {
  type FeedbackFilters,
  listFeedback,
  nextApplicationSeq,
  saveFeedback,
  StoreError,
  updateFeedback,
} from '../db/repo';
import { useLang, useT } from '../i18n';
import { currentStaffActor } from '../staff/actor';
import { profileBlocker, profileComplete, useDeskConfig, useProfile } from './config';
import { feedbackDueFor } from './formModel';
import { formatDateTime } from './Receipt';
import { FeedbackCardButton } from './idCard/FeedbackCardButton';
import {
  FeedbackHandlingView,
  FeedbackLinkFields,
  linksOf,
  type FeedbackLinks,
} from './FeedbackHandling';

const KINDS: FeedbackKind[] = ['consultation', 'opinion', 'complaint', 'praise'];

interface FbForm {
  kind: FeedbackKind | '';
  customerName: string;
  phone: string;
  accountNo: string;
  content: string;
  key: boolean;
  managerName: string;
  links: FeedbackLinks;
}

const EMPTY: FbForm = {
  kind: '',
  customerName: '',
  phone: '',
  accountNo: '',
  content: '',
  key: false,
  managerName: '',
  links: { applicationNo: '', concernsStaffNo: '', concernsCounter: '' },
};

export function FeedbackPage() {
  const t = useT();
  return (
    <div style={{ maxWidth: 1100 }}>
      <Typography.Title level={3}>{t('意见反馈', 'Customer feedback')}</Typography.Title>
      <NewFeedback />
      <FeedbackList />
    </div>
  );
}

function NewFeedback() {
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const profile = useProfile();
  const { message } = AntApp.useApp();
  const [f, setF] = useState<FbForm>(EMPTY);
  // The record's id from the start: an ID card read is logged against it before it is saved.
  const [recordId, setRecordId] = useState(() => crypto.randomUUID());
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const errors = useMemo(() => {
    const e: Record<string, string> = {};
    const m = (zh: string, en: string) => (lang === 'en' ? en : zh);
    if (!f.kind) e.kind = m('请选择类别', 'Choose a kind');
    if (!f.customerName.trim()) e.customerName = m('请填写客户姓名', 'Enter the name');
    const p = validatePhone(f.phone);
    if (!p.ok) e.phone = lang === 'en' ? p.messageEn : p.message;
    if (f.accountNo.trim()) {
      const a = validateAccountNo(f.accountNo, cfg.settings.accountNo);
      if (!a.ok) e.accountNo = lang === 'en' ? a.messageEn : a.message;
    }
    if (!f.content.trim()) e.content = m('请填写反馈内容', 'Enter the content');
    if (f.key && !f.managerName.trim())
      e.managerName = m('请填写客户经理', 'Enter the account manager');
    return e;
  }, [f, lang, cfg]);
  const show = (k: string) =>
    showAll || (f as unknown as Record<string, unknown>)[k] ? errors[k] : undefined;
  const status = (k: keyof FbForm) => ({
    validateStatus: show(k) ? ('error' as const) : undefined,
    help: show(k),
  });
  // The one-line text fields share one shape: a labelled item showing the field's error and an
  // input bound to that field.
  const textItem = (
    k: 'customerName' | 'phone' | 'accountNo' | 'managerName',
    id: string,
    label: string,
    opts: { required?: boolean; maxLength?: number } = {},
  ) => (
    <Form.Item label={label} htmlFor={id} required={opts.required} {...status(k)}>
      <Input
        id={id}
        value={f[k]}
        maxLength={opts.maxLength}
        onChange={(e) => setF({ ...f, [k]: e.target.value })}
      />
    </Form.Item>
  );

  async function submit() {
    setShowAll(true);
    setError(null);
    if (Object.keys(errors).length > 0 || !f.kind) return;
    const blocker = profileBlocker(profile, t);
    if (blocker || !profileComplete(profile)) {
      setError(blocker ?? t('受理台设置不完整', 'The desk is not set up'));
      return;
    }
    setBusy(true);
    try {
      const now = new Date();
      const acceptedAt = now.toISOString();
      const due = feedbackDueFor(cfg, f.kind, acceptedAt);
      const date = cfg.calendar.dateOf(now);
      // Feedback numbers use their own per-day counter, kept beside the application counters.
      const seq = await nextApplicationSeq(`feedback:${date}`);
      const phone = validatePhone(f.phone);
      const fb: Feedback = {
        id: recordId,
        feedbackNo: makeFeedbackNo({
          hallCode: profile.hallCode,
          deskCode: profile.deskCode,
          date,
          seq,
        }),
        hallCode: profile.hallCode,
        deskCode: profile.deskCode,
        kind: f.kind,
        customerName: f.customerName.trim(),
        phone: phone.ok ? phone.value : f.phone.trim(),
        ...(f.accountNo.trim() ? { accountNo: f.accountNo.trim() } : {}),
        content: f.content.trim(),
        ...(f.key ? { keyCustomer: { managerName: f.managerName.trim() } } : {}),
        ...linksOf(f.links, acceptedAt),
        acceptedAt,
        // The signed-in person, else the desk profile's clerk (a desk without staff).
        acceptedBy: currentStaffActor()?.name ?? profile.clerkName,
        ...(currentStaffActor() ? { acceptedByStaffNo: currentStaffActor()!.staffNo } : {}),
        firstContactDue: due.firstContactDue,
        replyDue: due.replyDue,
        ...(due.provisional ? { dueProvisional: true } : {}),
        status: 'open',
        updatedAt: acceptedAt,
      };
      await saveFeedback(fb);
      message.success(
        t(
          `已登记 ${fb.feedbackNo}，首次联系 ${fb.firstContactDue} 前，答复 ${fb.replyDue} 前${due.provisional ? '（暂估）' : ''}`,
          `Recorded ${fb.feedbackNo}`,
        ),
      );
      setF(EMPTY);
      setRecordId(crypto.randomUUID());
      setShowAll(false);
    } catch (e) {
      setError(
        e instanceof CalendarMissingYearError
          ? lang === 'en'
            ? e.messageEn
            : e.messageZh
          : e instanceof StoreError
            ? e.message
            : String(e),
      );
    } finally {
      setBusy(false);
    }
  }

  const limit = f.kind ? cfg.settings.feedbackLimits[f.kind] : undefined;
  return (
    <Card size="small" title={t('登记反馈', 'Record feedback')} style={{ marginBottom: 16 }}>
      <Form layout="vertical" component="div">
        <Form.Item label={t('类别', 'Kind')} required {...status('kind')}>
          <Radio.Group
            aria-label={t('类别', 'Kind')}
            value={f.kind || undefined}
            onChange={(e) => setF({ ...f, kind: e.target.value as FeedbackKind })}
            options={KINDS.map((k) => ({
              value: k,
              label: lang === 'en' ? FEEDBACK_KIND_LABELS[k].en : FEEDBACK_KIND_LABELS[k].zh,
            }))}
          />
        </Form.Item>
        {limit && (
          <Typography.Paragraph type="secondary">
            {t(
              `时限：${limit.firstContactWd}个工作日内首次联系，${limit.replyWd}个工作日内答复`,
              `Limits: first contact within ${limit.firstContactWd} WD, reply within ${limit.replyWd} WD`,
            )}
          </Typography.Paragraph>
        )}
        <Row gutter={16}>
          <Col xs={24} md={8}>
            {textItem('customerName', 'fb-name', t('客户姓名', 'Customer name'), {
              required: true,
              maxLength: 100,
            })}
            <FeedbackCardButton
              recordId={recordId}
              name={f.customerName}
              onName={(customerName) => setF((cur) => ({ ...cur, customerName }))}
            />
          </Col>
          <Col xs={24} md={8}>
            {textItem('phone', 'fb-phone', t('联系电话', 'Phone'), {
              required: true,
              maxLength: 30,
            })}
          </Col>
          <Col xs={24} md={8}>
            {textItem('accountNo', 'fb-account', t('户号（选填）', 'Account no. (optional)'), {
              maxLength: 20,
            })}
          </Col>
        </Row>
        <Form.Item
          label={t('反馈内容', 'Content')}
          htmlFor="fb-content"
          required
          {...status('content')}
        >
          <Input.TextArea
            id="fb-content"
            rows={3}
            maxLength={4000}
            value={f.content}
            onChange={(e) => setF({ ...f, content: e.target.value })}
          />
        </Form.Item>
        <Space align="start" wrap>
          <Checkbox checked={f.key} onChange={(e) => setF({ ...f, key: e.target.checked })}>
            {t('大客户', 'Key customer')}
          </Checkbox>
          {f.key &&
            textItem('managerName', 'fb-manager', t('客户经理', 'Account manager'), {
              required: true,
            })}
        </Space>
        <Form.Item label={t('关联（选填）', 'Links (optional)')}>
          <FeedbackLinkFields value={f.links} onChange={(links) => setF({ ...f, links })} />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <div>
          <Button
            type="primary"
            loading={busy}
            onClick={() => void submit()}
            data-testid="save-feedback"
          >
            {t('登记', 'Record')}
          </Button>
        </div>
      </Form>
    </Card>
  );
}

function FeedbackList() {
  const t = useT();
  const lang = useLang();
  const profile = useProfile();
  const { message } = AntApp.useApp();
  const [filters, setFilters] = useState<FeedbackFilters>({ status: ['open', 'contacted'] });
  const [text, setText] = useState('');
  const { calendar } = useDeskConfig();
  const today = calendar.dateOf(new Date());
  const result = useLiveQuery(
    () =>
      listFeedback(
        { ...filters, ...(text.trim() ? { text: text.trim() } : {}), today },
        { limit: 200 },
      ),
    [filters, text, today],
  );
  const [replying, setReplying] = useState<Feedback | null>(null);
  const [reply, setReply] = useState('');
  const actor = profile?.clerkName ?? '';

  async function save(fb: Feedback, msg: string) {
    try {
      await updateFeedback(fb);
      message.success(msg);
    } catch (e) {
      message.error(e instanceof StoreError ? e.message : String(e));
    }
  }

  function contact(fb: Feedback) {
    const at = new Date().toISOString();
    void save(
      {
        ...fb,
        firstContactAt: at,
        status: fb.status === 'open' ? 'contacted' : fb.status,
        updatedAt: at,
      },
      t('已记录首次联系', 'First contact recorded'),
    );
  }

  return (
    <Card size="small" title={t('反馈列表', 'Feedback')}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('搜索反馈', 'Search feedback')}
          placeholder={t('姓名 / 电话 / 户号 / 编号', 'Name / phone / account / number')}
          value={text}
          allowClear
          onChange={(e) => setText(e.target.value)}
          style={{ width: 260 }}
        />
        <Select
          aria-label={t('状态', 'Status')}
          mode="multiple"
          allowClear
          placeholder={t('状态', 'Status')}
          value={
            Array.isArray(filters.status) ? filters.status : filters.status ? [filters.status] : []
          }
          onChange={(v: Feedback['status'][]) =>
            setFilters({ ...filters, status: v.length ? v : undefined })
          }
          options={(Object.keys(FEEDBACK_STATUS_LABELS) as Feedback['status'][]).map((s) => ({
            value: s,
            label: lang === 'en' ? FEEDBACK_STATUS_LABELS[s].en : FEEDBACK_STATUS_LABELS[s].zh,
          }))}
          style={{ minWidth: 200 }}
        />
        <Select
          aria-label={t('类别', 'Kind')}
          allowClear
          placeholder={t('类别', 'Kind')}
          value={filters.kind}
          onChange={(v: FeedbackKind | undefined) => setFilters({ ...filters, kind: v })}
          options={KINDS.map((k) => ({
            value: k,
            label: lang === 'en' ? FEEDBACK_KIND_LABELS[k].en : FEEDBACK_KIND_LABELS[k].zh,
          }))}
          style={{ width: 120 }}
        />
        <Checkbox
          checked={!!filters.overdue}
          onChange={(e) => setFilters({ ...filters, overdue: e.target.checked })}
        >
          {t('仅超期', 'Overdue only')}
        </Checkbox>
      </Space>
      <List
        loading={result === undefined}
        dataSource={result?.rows ?? []}
        locale={{ emptyText: t('没有反馈', 'No feedback') }}
        renderItem={(fb) => {
          const od = feedbackOverdue(fb, today, calendar.timeZone);
          const late = od.firstContactOverdue || od.replyOverdue;
          const open = fb.status === 'open' || fb.status === 'contacted';
          return (
            <List.Item
              data-testid="feedback-row"
              className={late && open ? 'overdue' : undefined}
              style={late && open ? { background: '#fff1f0' } : undefined}
              actions={
                open
                  ? [
                      !fb.firstContactAt && (
                        <Button key="c" size="small" onClick={() => contact(fb)}>
                          {t('记录首次联系', 'Record first contact')}
                        </Button>
                      ),
                      <Button
                        key="r"
                        size="small"
                        type="primary"
                        onClick={() => {
                          setReply(fb.reply ?? '');
                          setReplying(fb);
                        }}
                      >
                        {t('答复', 'Reply')}
                      </Button>,
                    ].filter(Boolean)
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{fb.feedbackNo}</span>
                    <Tag
                      color={
                        fb.kind === 'complaint' ? 'red' : fb.kind === 'praise' ? 'green' : 'blue'
                      }
                    >
                      {lang === 'en'
                        ? FEEDBACK_KIND_LABELS[fb.kind].en
                        : FEEDBACK_KIND_LABELS[fb.kind].zh}
                    </Tag>
                    <Tag>
                      {lang === 'en'
                        ? FEEDBACK_STATUS_LABELS[fb.status].en
                        : FEEDBACK_STATUS_LABELS[fb.status].zh}
                    </Tag>
                    {fb.keyCustomer && (
                      <Tag color="gold" icon={<StarFilled />}>
                        {t('大客户', 'Key')} {fb.keyCustomer.managerName}
                      </Tag>
                    )}
                    <strong>{fb.customerName}</strong>
                    <span>{maskPhone(fb.phone)}</span>
                  </Space>
                }
                description={
                  <div>
                    <div>{fb.content}</div>
                    <Space wrap split="·">
                      <span>
                        {t('登记', 'Recorded')} {formatDateTime(fb.acceptedAt)} {fb.acceptedBy}
                      </span>
                      <span className={od.firstContactOverdue ? 'overdue-text' : undefined}>
                        {t('首次联系', 'First contact')}{' '}
                        {fb.firstContactAt
                          ? formatDateTime(fb.firstContactAt)
                          : t(`${fb.firstContactDue}前`, `by ${fb.firstContactDue}`)}
                      </span>
                      <span className={od.replyOverdue ? 'overdue-text' : undefined}>
                        {t('答复', 'Reply')}{' '}
                        {fb.repliedAt
                          ? formatDateTime(fb.repliedAt)
                          : t(`${fb.replyDue}前`, `by ${fb.replyDue}`)}
                      </span>
                      {fb.dueProvisional && (
                        <Tag color="orange">{t('时限暂估', 'Due dates provisional')}</Tag>
                      )}
                    </Space>
                    {fb.reply && (
                      <div data-testid="feedback-reply">
                        {t('答复内容：', 'Reply: ')}
                        {fb.reply}
                      </div>
                    )}
                    <FeedbackHandlingView fb={fb} />
                  </div>
                }
              />
            </List.Item>
          );
        }}
      />
      <Modal
        open={!!replying}
        title={t('记录答复', 'Record the reply')}
        okText={t('保存答复', 'Save reply')}
        cancelText={t('取消', 'Cancel')}
        okButtonProps={{ disabled: !reply.trim() }}
        onCancel={() => setReplying(null)}
        onOk={async () => {
          if (!replying) return;
          const at = new Date().toISOString();
          await save(
            {
              ...replying,
              firstContactAt: replying.firstContactAt ?? at,
              reply: reply.trim(),
              repliedAt: at,
              status: 'replied',
              updatedAt: at,
            },
            t(`已记录答复（${actor}）`, 'Reply recorded'),
          );
          setReplying(null);
        }}
      >
        <Form layout="vertical" component="div">
          <Form.Item label={t('答复内容', 'Reply')} htmlFor="fb-reply" required>
            <Input.TextArea
              id="fb-reply"
              rows={4}
              maxLength={4000}
              value={reply}
              onChange={(e) => setReply(e.target.value)}
            />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

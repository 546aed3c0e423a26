// Application detail: status timeline (every recorded move with time and actor, plus each
// workflow stage's deadline), working days left before the whole-process deadline, documents
// (a document handed in later is recorded here), scans, and the way back to the receipt.
import { EditOutlined, FileDoneOutlined, PrinterOutlined, StarFilled } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Form,
  Input,
  Modal,
  Button,
  Card,
  Descriptions,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { CalendarMissingYearError, shanghaiDate } from '../../../shared/domain/calendar';
import { findBusinessType } from '../../../shared/domain/catalogue';
import { maskCreditCode, maskId, maskPhone } from '../../../shared/domain/mask';
import type { HallSettings } from '../../../shared/domain/settings';
import type { Application } from '../../../shared/domain/model';
import { validatePhone } from '../../../shared/domain/validators';
import {
  isOverdue,
  isTerminal,
  stageTimeline,
  type StageStatus,
  stateLabel,
} from '../../../shared/domain/workflow';
import { RatingRequest, SignatureStatus } from '../customer/DeskCustomer';
import { getApplication, StoreError, updateApplication } from '../db/repo';
import { type Lang, pick, useLang, useT } from '../i18n';
import { navigate } from '../ui/router';
import { daysLeftText } from './listRows';
import { AccessLog, useRecordAccess } from './AuditLog';
import { type DeskConfig, useDeskConfig, useProfile } from './config';
import { deadlineView } from './formModel';
import { formatDateTime } from './Receipt';
import { ApplicationUploads } from '../sync/UploadProgress';
import { AttachmentTags, ScanButtons, useAttachments } from './Scans';

export function ApplicationDetail(props: { id: string }) {
  const t = useT();
  const app = useLiveQuery(() => getApplication(props.id).then((a) => a ?? null), [props.id]);
  if (app === undefined) return <Spin />;
  if (app === null)
    return <Alert type="error" showIcon title={t('找不到该申请', 'Application not found')} />;
  return <Detail app={app} />;
}

function Detail(props: { app: Application }) {
  const { app } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const profile = useProfile();
  const { message } = AntApp.useApp();
  const attachments = useAttachments(app.id);
  const [editing, setEditing] = useState(false);
  // Opening the detail shows personal data: logged (PIPL Art. 51) with the number as label.
  useRecordAccess({ entity: 'application', entityId: app.id, label: app.appNo });
  const today = shanghaiDate(new Date());
  const type = findBusinessType(cfg.catalogue, app.businessCode);
  // A provisional (暂估) deadline is recounted once the centre has pushed that year's schedule.
  const dl = deadlineView(cfg, app);
  const overdue = isOverdue({ ...app, deadline: dl.date }, today);
  let stages: StageStatus[] | null = null;
  let stageError: string | null = null;
  // Stage deadlines reaching a year without a schedule are counted Mon–Fri and marked 暂估, like
  // the whole-process deadline, rather than hiding the whole timeline.
  const provisionalYears: number[] = [];
  if (type) {
    for (let attempt = 0; attempt < 4 && !stages && !stageError; attempt++) {
      try {
        stages = stageTimeline(
          app,
          type,
          cfg.calendar.withProvisionalYears(provisionalYears),
          today,
        );
      } catch (e) {
        if (e instanceof CalendarMissingYearError && attempt < 3) provisionalYears.push(e.year);
        else
          stageError =
            e instanceof CalendarMissingYearError
              ? lang === 'en'
                ? e.messageEn
                : e.messageZh
              : String(e);
      }
    }
  }
  const docName = (code: string) => {
    const d = type?.documents.find((x) => x.code === code);
    return d ? pick(lang, d.name, d.nameEn) : code;
  };

  async function markReceived(code: string) {
    const actor = profile?.clerkName || app.acceptedBy;
    const at = new Date().toISOString();
    const next: Application = {
      ...app,
      documents: app.documents.map((d) =>
        d.code === code ? { ...d, status: 'received', receivedAt: at } : d,
      ),
      updatedAt: at,
    };
    try {
      await updateApplication(next, { kind: 'documents', actor, note: `${docName(code)} 已补交` });
      message.success(t(`已记录补交：${docName(code)}`, `Recorded: ${docName(code)} received`));
    } catch (e) {
      message.error(e instanceof StoreError ? e.message : String(e));
    }
  }

  return (
    <div style={{ maxWidth: 1000 }}>
      <Space align="center" wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="detail-appno">
          {app.appNo}
        </Typography.Title>
        <Tag color="blue">{stateLabel(app.status, lang)}</Tag>
        {overdue && <Tag color="red">{t('已超期', 'Overdue')}</Tag>}
        {app.keyCustomer && (
          <Tag color="gold" icon={<StarFilled />}>
            {t('大客户', 'Key customer')} · {app.keyCustomer.managerName}
          </Tag>
        )}
        {app.serverVersion === 0 && <Tag>{t('未上传中心', 'Not yet at the centre')}</Tag>}
      </Space>
      <Space style={{ marginBottom: 12 }}>
        <Button icon={<PrinterOutlined />} onClick={() => navigate(`/desk/app/${app.id}/receipt`)}>
          {t('受理回执', 'Receipt')}
        </Button>
        {!isTerminal(app.status) && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('修改联系方式', 'Edit contact')}
          </Button>
        )}
      </Space>
      {editing && (
        <EditContact
          app={app}
          actor={profile?.clerkName || app.acceptedBy}
          onClose={() => setEditing(false)}
        />
      )}
      <Card size="small" title={t('时限', 'Deadline')} style={{ marginBottom: 12 }}>
        <Typography.Text
          className={overdue ? 'overdue-text' : undefined}
          data-testid="detail-deadline"
        >
          {t('承诺办结日期', 'Deadline')} {dl.date}
          {dl.provisional && (
            <Tag color="orange" style={{ marginLeft: 6 }} data-testid="detail-deadline-provisional">
              {t('暂估', 'Provisional')}
            </Tag>
          )}
          {' · '}
          {dl.provisional
            ? provisionalDaysLeft(cfg, dl.date, today, overdue, lang)
            : daysLeftText(cfg, { ...app, deadline: dl.date }, today, lang)}
        </Typography.Text>
        {dl.provisional && (
          <div>
            <Typography.Text type="secondary">
              {t(
                `按周一至周五暂估（${dl.missingYears.join('、')}年节假日安排尚未发布），发布后以中心为准`,
                `Estimated Monday–Friday (the ${dl.missingYears.join(', ')} holiday schedule is not published yet); the centre's date applies once it is`,
              )}
            </Typography.Text>
          </div>
        )}
        {dl.recomputed && (
          <div data-testid="detail-deadline-recomputed">
            <Typography.Text type="secondary">
              {t(
                `已按中心下发的节假日安排重算（受理时暂估为 ${app.deadline}）`,
                `Recomputed with the holiday schedule from the centre (estimated ${app.deadline} at intake)`,
              )}
            </Typography.Text>
          </div>
        )}
      </Card>
      <Card size="small" title={t('基本信息', 'Application')} style={{ marginBottom: 12 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
          <Descriptions.Item label={t('业务类型', 'Business')}>
            {type ? `${type.code} ${pick(lang, type.name, type.nameEn)}` : app.businessCode}
          </Descriptions.Item>
          <Descriptions.Item label={t('户名', 'Customer')}>{app.customer.name}</Descriptions.Item>
          <Descriptions.Item label={t('证件号码', 'ID number')}>
            {maskId(app.customer.idNumber)}
          </Descriptions.Item>
          <Descriptions.Item label={t('联系电话', 'Phone')}>
            {maskPhone(app.customer.phone)}
          </Descriptions.Item>
          {app.customer.creditCode && (
            <Descriptions.Item label={t('统一社会信用代码', 'Credit code')}>
              {maskCreditCode(app.customer.creditCode)}
            </Descriptions.Item>
          )}
          {app.customer.legalRep && (
            <Descriptions.Item label={t('法定代表人', 'Legal rep.')}>
              {app.customer.legalRep}
            </Descriptions.Item>
          )}
          {app.customer.accountNo && (
            <Descriptions.Item label={t('户号', 'Account no.')}>
              {app.customer.accountNo}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('用电地址', 'Address')}>{app.address}</Descriptions.Item>
          <Descriptions.Item label={t('受理', 'Accepted')}>
            {formatDateTime(app.acceptedAt)} · {app.acceptedBy} · {app.hallCode}-{app.deskCode}
          </Descriptions.Item>
          {app.ticketNo && (
            <Descriptions.Item label={t('票号', 'Ticket')}>{app.ticketNo}</Descriptions.Item>
          )}
          {type?.fields
            .filter((f) => app.fields[f.key] !== undefined && app.fields[f.key] !== null)
            .map((f) => {
              const v = app.fields[f.key];
              const opt = f.options?.find((o) => o.value === v);
              const shown =
                typeof v === 'boolean'
                  ? v
                    ? t('是', 'Yes')
                    : t('否', 'No')
                  : opt
                    ? pick(lang, opt.label, opt.labelEn)
                    : `${String(v)}${f.unit ? ` ${f.unit}` : ''}`;
              return (
                <Descriptions.Item key={f.key} label={pick(lang, f.label, f.labelEn)}>
                  {shown}
                </Descriptions.Item>
              );
            })}
          {app.notes && (
            <Descriptions.Item label={t('备注', 'Notes')}>{app.notes}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('客户签名', 'Customer signature')}>
            <SignatureStatus app={app} catalogue={cfg.catalogue} />
          </Descriptions.Item>
          <Descriptions.Item label={t('客户评价', 'Customer rating')}>
            <RatingRequest app={app} actor={profile?.clerkName || app.acceptedBy} />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        size="small"
        title={t('申请资料', 'Documents')}
        extra={<ApplicationUploads applicationId={app.id} />}
        style={{ marginBottom: 12 }}
      >
        {app.documents.map((d) => (
          <div key={d.code} className="doc-row" data-testid={`detail-doc-${d.code}`}>
            <div className="doc-name">{docName(d.code)}</div>
            {d.status === 'received' ? (
              <Tag color="green">{t('已收', 'Received')}</Tag>
            ) : d.status === 'to_follow' ? (
              <Space>
                <Tag color="orange">{t('待补', 'To follow')}</Tag>
                <Button
                  size="small"
                  icon={<FileDoneOutlined />}
                  onClick={() => void markReceived(d.code)}
                >
                  {t('记录补交', 'Record received')}
                </Button>
              </Space>
            ) : (
              <Tag>{t('未提供', 'Not given')}</Tag>
            )}
            <ScanButtons
              applicationId={app.id}
              documentCode={d.code}
              documentName={docName(d.code)}
              onAdded={() => undefined}
            />
            <AttachmentTags
              items={attachments.filter((a) => a.documentCode === d.code)}
              removable={false}
            />
          </div>
        ))}
      </Card>
      <Card size="small" title={t('办理进度', 'Progress')}>
        {stageError && (
          <Alert type="warning" showIcon title={stageError} style={{ marginBottom: 12 }} />
        )}
        {stages && provisionalYears.length > 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="detail-stages-provisional"
            title={t(
              `环节时限含暂估：${provisionalYears.join('、')}年节假日安排尚未发布，按周一至周五计`,
              `Some stage deadlines are provisional: the ${provisionalYears.join(', ')} holiday schedule is not published yet (counted Monday–Friday)`,
            )}
            style={{ marginBottom: 12 }}
          />
        )}
        {stages && (
          <Timeline
            items={stages.map((s) => ({
              color: s.overdue
                ? 'red'
                : s.state === 'done'
                  ? 'green'
                  : s.state === 'current'
                    ? 'blue'
                    : 'gray',
              content: (
                <div>
                  <strong>{lang === 'en' ? s.labelEn : s.label}</strong>{' '}
                  <Typography.Text type="secondary">
                    {s.state === 'done'
                      ? t('已完成', 'done')
                      : s.state === 'current'
                        ? t('进行中', 'in progress')
                        : s.state === 'skipped'
                          ? t('已跳过', 'skipped')
                          : t('未开始', 'not started')}
                    {t(` · 时限${s.limitWd}个工作日`, ` · ${s.limitWd} WD`)}
                    {s.deadline ? t(` · 应于${s.deadline}前完成`, ` · due ${s.deadline}`) : ''}
                  </Typography.Text>
                  {s.overdue && (
                    <Tag color="red" style={{ marginLeft: 8 }}>
                      {t('超期', 'Overdue')}
                    </Tag>
                  )}
                </div>
              ),
            }))}
          />
        )}
        <Typography.Title level={5}>{t('状态记录', 'History')}</Typography.Title>
        <Timeline
          data-testid="history"
          items={app.history.map((h) => ({
            content: (
              <span>
                {formatDateTime(h.at)} · {h.from ? `${stateLabel(h.from, lang)} → ` : ''}
                <strong>{stateLabel(h.to, lang)}</strong> · {h.actor}
                {h.reasonCode && (
                  <Tag color="orange" style={{ marginLeft: 8 }} data-testid="return-reason">
                    {t('退回', 'Returned')}: {returnReasonText(cfg.settings, h.reasonCode, lang)}
                  </Tag>
                )}
                {h.note ? ` · ${h.note}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
      <AccessLog entityId={app.id} />
    </div>
  );
}

/** The contact details the hall may correct after acceptance (phone, contact person, notes). */
/** A return's reason as configured (settings.workbench.returnReasons); an unknown code as is. */
function returnReasonText(settings: HallSettings, code: string, lang: Lang): string {
  const r = settings.workbench.returnReasons.find((x) => x.code === code);
  return r ? (lang === 'en' ? r.labelEn : r.label) : code;
}

function EditContact(props: { app: Application; actor: string; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const { message } = AntApp.useApp();
  const [phone, setPhone] = useState(props.app.customer.phone);
  const [contact, setContact] = useState(props.app.customer.contactName ?? '');
  const [notes, setNotes] = useState(props.app.notes ?? '');
  const [busy, setBusy] = useState(false);
  const p = validatePhone(phone);
  const phoneError = p.ok ? undefined : lang === 'en' ? p.messageEn : p.message;
  async function save() {
    if (!p.ok) return;
    setBusy(true);
    const at = new Date().toISOString();
    const { contactName: _c, ...customer } = props.app.customer;
    const next: Application = {
      ...props.app,
      customer: {
        ...customer,
        phone: p.value,
        ...(contact.trim() ? { contactName: contact.trim() } : {}),
      },
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      updatedAt: at,
    };
    if (!notes.trim()) delete next.notes;
    try {
      await updateApplication(next, { kind: 'edit', actor: props.actor, note: '修改联系方式' });
      message.success(t('已保存', 'Saved'));
      props.onClose();
    } catch (e) {
      message.error(e instanceof StoreError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal
      open
      title={t('修改联系方式', 'Edit contact details')}
      okText={t('保存', 'Save')}
      cancelText={t('取消', 'Cancel')}
      okButtonProps={{ disabled: !p.ok, loading: busy }}
      onOk={() => void save()}
      onCancel={props.onClose}
    >
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('联系电话', 'Phone')}
          htmlFor="e-phone"
          required
          validateStatus={phoneError ? 'error' : undefined}
          help={phoneError}
        >
          <Input
            id="e-phone"
            value={phone}
            maxLength={30}
            onChange={(e) => setPhone(e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('联系人', 'Contact person')} htmlFor="e-contact">
          <Input
            id="e-contact"
            value={contact}
            maxLength={50}
            onChange={(e) => setContact(e.target.value)}
          />
        </Form.Item>
        <Form.Item label={t('备注', 'Notes')} htmlFor="e-notes">
          <Input.TextArea
            id="e-notes"
            rows={3}
            maxLength={2000}
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Working days left before a provisional deadline, counting the missing year Mon–Fri (估). */
function provisionalDaysLeft(
  cfg: DeskConfig,
  deadline: string,
  today: string,
  overdue: boolean,
  lang: Lang,
): string {
  if (overdue) return lang === 'en' ? 'overdue' : '已超期';
  const n = cfg.calendar.workingDaysBetweenProvisional(today, deadline).days;
  return lang === 'en' ? `about ${n} WD left` : `约剩${n}个工作日`;
}

// New application (新建受理): business type picker, the fields the chosen type needs (from the
// catalogue), documents with received / to-follow, scans, key-customer marking, a draft that is
// autosaved as the clerk types, the review step and the durable submit that opens the receipt.
// The cards, inputs, review dialog, Enter navigation and draft state live in ./intake/.
import { SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  Modal,
  Radio,
  Row,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { makeApplicationNo } from '../../../shared/domain/appNumber';
import { findBusinessType } from '../../../shared/domain/catalogue';
import type { CustomerKind } from '../../../shared/domain/model';
import { type ReviewItem, reviewApplication } from '../../../shared/domain/review';
import { useBusyForm } from '../customer/busy';
import { buildCustomerSummary, type CustomerSummary } from '../customer/summary';
import {
  deleteDraft,
  findKeyCustomer,
  getDraft,
  markKeyCustomer,
  StoreError,
  submitApplication,
} from '../db/repo';
import { findRegisteredKeyCustomer } from '../db/keyRegister';
import { pick, useLang, useT } from '../i18n';
import { currentStaffActor } from '../staff/actor';
import { navigate } from '../ui/router';
import { useShortcut } from '../ui/shortcuts';
import { IdCardPanel } from './idCard/IdCardPanel';
import { profileBlocker, profileComplete, useDeskConfig, useProfile } from './config';
import {
  buildApplication,
  type CustomerKey,
  emptyForm,
  type FieldValue,
  type FormDocStatus,
  formFromDraft,
  type IntakeForm,
  IntakeError,
  isBlank,
  layoutOf,
  validateForm,
} from './formModel';
import { CustomerCard } from './intake/CustomerCard';
import { DocumentsCard } from './intake/DocumentsCard';
import { onEnter, onEnterCapture } from './intake/enterNavigation';
import { BusinessTypePicker, TypeField } from './intake/fields';
import { KeyCustomerCard } from './intake/KeyCustomerCard';
import { ReviewDialog } from './intake/ReviewDialog';
import { useIntakeState } from './intake/useIntakeState';
import { FirstStartNotice } from './FirstStart';
import { useAttachments } from './Scans';

/** Who accepts: the signed-in person (name and staff number), else the desk profile's clerk. */
function staffStamp(profileClerk: string): { clerk: string; staffNo?: string } {
  const a = currentStaffActor();
  return a ? { clerk: a.name, staffNo: a.staffNo } : { clerk: profileClerk };
}

/** Route wrapper: gives every intake a draft id in the URL so that a reload resumes it. */
export function NewApplicationRoute(props: { query: URLSearchParams }) {
  const draftId = props.query.get('draft');
  const ticket = props.query.get('ticket') ?? '';
  const business = props.query.get('business') ?? '';
  useEffect(() => {
    if (!draftId) {
      const q = new URLSearchParams({ draft: crypto.randomUUID() });
      if (ticket) q.set('ticket', ticket);
      if (business) q.set('business', business);
      navigate(`/desk/new?${q.toString()}`, { replace: true });
    }
  }, [draftId, ticket, business]);
  if (!draftId) return null;
  return <DraftLoader key={draftId} draftId={draftId} ticket={ticket} business={business} />;
}

function DraftLoader(props: { draftId: string; ticket: string; business: string }) {
  const cfg = useDeskConfig();
  const [initial, setInitial] = useState<IntakeForm | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    getDraft(props.draftId)
      .then((d) => {
        if (cancelled) return;
        if (d) {
          setInitial(formFromDraft(d.form));
          return;
        }
        // Started from the counter panel: the called ticket's category suggests the type.
        const f = emptyForm(props.ticket, props.business.split(',')[0] ?? '');
        const bt = f.businessCode ? findBusinessType(cfg.catalogue, f.businessCode) : undefined;
        if (!bt) f.businessCode = '';
        else if (bt.customerKinds.length === 1) f.customerKind = bt.customerKinds[0] ?? '';
        setInitial(f);
      })
      .catch(
        (e: unknown) => !cancelled && setLoadError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      cancelled = true;
    };
  }, [props.draftId, props.ticket, props.business, cfg]);
  if (loadError) return <Alert type="error" title={`草稿读取失败：${loadError}`} />;
  if (!initial) return null;
  return <IntakeFormView draftId={props.draftId} initial={initial} />;
}

function IntakeFormView(props: { draftId: string; initial: IntakeForm }) {
  const { draftId } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const profile = useProfile();
  const { message } = AntApp.useApp();
  const { form, touched, touch, saveState, update, flush, latest, dirty, closed, timer } =
    useIntakeState(draftId, props.initial);
  const [showAll, setShowAll] = useState(false);
  const [review, setReview] = useState<ReviewItem[] | null>(null);
  // The masked summary the customer screen shows and the customer signs (review step).
  const [reviewSummary, setReviewSummary] = useState<CustomerSummary | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  // A form with content is a customer's business in progress (update policy input).
  useBusyForm(!isBlank(form));

  const layout = useMemo(() => layoutOf(cfg.catalogue, form), [cfg, form]);
  const { errors, warnings } = useMemo(() => validateForm(cfg, form, lang), [cfg, form, lang]);
  const attachments = useAttachments(draftId);
  const visibleError = (key: string) => (showAll || touched.has(key) ? errors[key] : undefined);

  // Key customer known for this 户号 / ID number: offer the mark with its manager.
  const acct = form.customer.accountNo?.trim() ?? '';
  const idNo = form.customer.idNumber?.trim() ?? '';
  const knownKey = useLiveQuery(
    () =>
      acct || idNo
        ? findKeyCustomer({
            ...(acct ? { accountNo: acct } : {}),
            ...(idNo ? { idNumber: idNo.toUpperCase() } : {}),
          })
        : undefined,
    [acct, idNo],
  );
  // A key customer of the centre's register (by credit code, ID number or 户号): the form takes
  // their account manager, once per customer (the clerk may still change or untick it).
  const credit = form.customer.creditCode?.trim() ?? '';
  const registered = useLiveQuery(
    () =>
      acct || idNo || credit
        ? findRegisteredKeyCustomer({ accountNo: acct, idNumber: idNo, creditCode: credit })
        : undefined,
    [acct, idNo, credit],
  );
  const filledFor = useRef<string | null>(null);
  useEffect(() => {
    if (!registered || filledFor.current === registered.customerKey) return;
    filledFor.current = registered.customerKey;
    update((f) =>
      f.keyCustomer.enabled && f.keyCustomer.managerName.trim()
        ? f
        : {
            ...f,
            keyCustomer: {
              enabled: true,
              managerName: registered.managerName,
              managerPhone: registered.managerPhone ?? '',
            },
          },
    );
  }, [registered, update]);

  const setCustomer = (key: CustomerKey, value: string) =>
    update(
      (f) => ({ ...f, customer: { ...f.customer, [key]: value } }),
      key === 'address' ? 'address' : `customer.${key}`,
    );
  const setField = (key: string, value: FieldValue) =>
    update((f) => ({ ...f, fields: { ...f.fields, [key]: value } }), `fields.${key}`);
  const setDoc = (code: string, st: FormDocStatus) =>
    update((f) => ({ ...f, documents: { ...f.documents, [code]: st } }), `documents.${code}`);

  function focusFirstError(keys: string[]) {
    const first = keys[0];
    if (!first) return;
    const el = rootRef.current?.querySelector<HTMLElement>(
      `[data-field="${CSS.escape(first)}"] input, [data-field="${CSS.escape(first)}"] textarea, [data-field="${CSS.escape(first)}"] button`,
    );
    el?.focus();
  }

  function startSubmit() {
    if (submitting || review) return;
    setShowAll(true);
    setSubmitError(null);
    const keys = Object.keys(errors);
    if (keys.length > 0) {
      message.error(
        t(`还有 ${keys.length} 处需要填写或更正`, `${keys.length} field(s) need attention`),
      );
      focusFirstError(keys);
      return;
    }
    const blocker = profileBlocker(profile, t);
    if (blocker || !profileComplete(profile)) {
      // Never a placeholder number: codes only from enrollment (issue 12 §2).
      message.error(blocker ?? t('受理台设置不完整', 'The desk is not set up'));
      return;
    }
    try {
      const now = new Date();
      const app = buildApplication(cfg, form, {
        id: draftId,
        hallCode: profile.hallCode,
        deskCode: profile.deskCode,
        ...staffStamp(profile.clerkName),
        now,
      });
      setReviewSummary(buildCustomerSummary(app, cfg.catalogue));
      // With the calendar the review lists a deadline counted provisionally (暂估, Mon–Fri) for a
      // year whose holiday schedule is not published yet, so the clerk tells the customer.
      setReview(
        reviewApplication(app, cfg.catalogue, cfg.settings, cfg.calendar.dateOf(now), {
          calendar: cfg.calendar,
          acceptedAt: now.toISOString(),
        }),
      );
    } catch (e) {
      setSubmitError(
        e instanceof IntakeError ? (lang === 'en' ? e.messageEn : e.messageZh) : String(e),
      );
    }
  }

  async function confirmSubmit() {
    if (!profileComplete(profile)) return;
    setSubmitting(true);
    setSubmitError(null);
    closed.current = true;
    clearTimeout(timer.current);
    try {
      const app = buildApplication(cfg, latest.current, {
        id: draftId,
        hallCode: profile.hallCode,
        deskCode: profile.deskCode,
        ...staffStamp(profile.clerkName),
        now: new Date(),
      });
      // "确认受理" past review warnings: which ones, for supervision (acceptance errors).
      const overridden = (review ?? []).filter((r) => r.severity === 'warning').map((r) => r.code);
      if (overridden.length) app.overriddenWarnings = overridden;
      const { application } = await submitApplication(app, {
        draftId,
        assignAppNo: (seq, date) =>
          makeApplicationNo({ hallCode: profile.hallCode, deskCode: profile.deskCode, date, seq }),
      });
      if (application.keyCustomer) {
        // The mark is remembered for the next visit; the application itself already carries it.
        await markKeyCustomer({
          customerName: application.customer.name,
          managerName: application.keyCustomer.managerName,
          markedBy: profile.clerkName,
          ...(application.keyCustomer.managerPhone
            ? { managerPhone: application.keyCustomer.managerPhone }
            : {}),
          ...(application.customer.accountNo ? { accountNo: application.customer.accountNo } : {}),
          idNumber: application.customer.idNumber,
        }).catch((e: unknown) => console.error('key customer mark failed', e));
      }
      message.success(t(`已受理：${application.appNo}`, `Accepted: ${application.appNo}`));
      navigate(`/desk/app/${application.id}/receipt`, { replace: true });
    } catch (e) {
      closed.current = false;
      dirty.current = true;
      setSubmitting(false);
      setReview(null);
      const text =
        e instanceof IntakeError
          ? lang === 'en'
            ? e.messageEn
            : e.messageZh
          : e instanceof StoreError
            ? e.message
            : `${t('保存失败', 'Saving failed')}：${String(e)}`;
      setSubmitError(text);
    }
  }

  async function saveNow() {
    dirty.current = true;
    await flush();
    if (!isBlank(latest.current)) message.success(t('草稿已保存', 'Draft saved'));
  }

  useShortcut('ctrl+s', () => void saveNow());
  useShortcut('ctrl+enter', () => startSubmit());

  // Enter moves to the next field (keyboard-first intake); Ctrl+Enter submits.

  const type = form.businessCode ? findBusinessType(cfg.catalogue, form.businessCode) : undefined;

  return (
    <div
      ref={rootRef}
      onKeyDownCapture={(e) => onEnterCapture(rootRef.current, e)}
      onKeyDown={(e) => onEnter(rootRef.current, e)}
      className="intake"
    >
      <Space align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('新建受理', 'New application')}
          {form.ticketNo && (
            <Tag style={{ marginLeft: 12 }}>
              {t('票号', 'Ticket')} {form.ticketNo}
            </Tag>
          )}
        </Typography.Title>
        <Typography.Text
          type={saveState === 'error' ? 'danger' : 'secondary'}
          data-testid="draft-state"
          aria-live="polite"
        >
          {saveState === 'saving' || saveState === 'pending'
            ? t('正在保存草稿…', 'Saving draft…')
            : saveState === 'saved'
              ? t('草稿已自动保存', 'Draft saved')
              : saveState === 'error'
                ? t('草稿保存失败，请检查存储空间', 'Draft could not be saved')
                : ''}
        </Typography.Text>
      </Space>

      {profile !== undefined && !profileComplete(profile) && <FirstStartNotice profile={profile} />}

      <IdCardPanel
        recordId={draftId}
        form={form}
        typeFieldKeys={layout?.typeFields.map((f) => f.key) ?? []}
        onFill={(apply, paths) => {
          update(apply);
          for (const p of paths) touch(p);
        }}
      />

      <Form layout="vertical" component="div" requiredMark>
        <Card size="small" title={t('业务', 'Business')} style={{ marginTop: 12 }}>
          <Row gutter={16}>
            <Col xs={24} md={14}>
              <Form.Item
                label={t(
                  '业务类型（名称、拼音首字母或编码）',
                  'Business type (name, pinyin initials or code)',
                )}
                htmlFor="f-businessCode"
                required
                data-field="businessCode"
                validateStatus={visibleError('businessCode') ? 'error' : undefined}
                help={visibleError('businessCode')}
              >
                <BusinessTypePicker
                  value={form.businessCode}
                  lang={lang}
                  onChange={(code) => {
                    const nt = findBusinessType(cfg.catalogue, code);
                    update(
                      (f) => ({
                        ...f,
                        businessCode: code,
                        customerKind:
                          nt && f.customerKind && nt.customerKinds.includes(f.customerKind)
                            ? f.customerKind
                            : nt?.customerKinds.length === 1
                              ? (nt.customerKinds[0] ?? '')
                              : '',
                      }),
                      'businessCode',
                    );
                  }}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item
                label={t('客户类型', 'Customer kind')}
                required
                data-field="customerKind"
                validateStatus={visibleError('customerKind') ? 'error' : undefined}
                help={visibleError('customerKind')}
              >
                <Radio.Group
                  aria-label={t('客户类型', 'Customer kind')}
                  value={form.customerKind || undefined}
                  onChange={(e) =>
                    update(
                      (f) => ({ ...f, customerKind: e.target.value as CustomerKind }),
                      'customerKind',
                    )
                  }
                  options={(['resident', 'company'] as const).map((k) => ({
                    value: k,
                    label:
                      k === 'resident' ? t('居民', 'Resident') : t('非居民（单位）', 'Company'),
                    disabled: !!type && !type.customerKinds.includes(k),
                  }))}
                />
              </Form.Item>
            </Col>
          </Row>
          {type && (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {pick(
                lang,
                cfg.catalogue.groups.find((g) => g.code === type.group)?.name ?? '',
                cfg.catalogue.groups.find((g) => g.code === type.group)?.nameEn,
              )}
              {' · '}
              {t(
                `办理时限 ${type.totalLimitWd} 个工作日`,
                `Time limit ${type.totalLimitWd} working days`,
              )}
              {type.description ? ` · ${pick(lang, type.description, type.descriptionEn)}` : ''}
            </Typography.Paragraph>
          )}
        </Card>

        {layout && (
          <>
            <CustomerCard
              form={form}
              layout={layout}
              visibleError={visibleError}
              setCustomer={setCustomer}
              touch={touch}
            />

            {layout.typeFields.length > 0 && (
              <Card
                size="small"
                title={t('业务信息', 'Business details')}
                style={{ marginTop: 12 }}
              >
                <Row gutter={16}>
                  {layout.typeFields.map((def) => (
                    <Col key={def.key} xs={24} md={def.kind === 'boolean' ? 24 : 12}>
                      <TypeField
                        def={def}
                        lang={lang}
                        value={form.fields[def.key]}
                        error={visibleError(`fields.${def.key}`)}
                        warning={warnings[`fields.${def.key}`]}
                        required={
                          def.required ||
                          (!!def.requiredWhen &&
                            form.fields[def.requiredWhen.field] === def.requiredWhen.equals)
                        }
                        onChange={(v) => setField(def.key, v)}
                      />
                    </Col>
                  ))}
                </Row>
              </Card>
            )}

            <DocumentsCard
              form={form}
              layout={layout}
              draftId={draftId}
              attachments={attachments}
              visibleError={visibleError}
              setDoc={setDoc}
              update={update}
            />

            <KeyCustomerCard
              form={form}
              knownKey={knownKey}
              registered={registered}
              visibleError={visibleError}
              update={update}
            />
          </>
        )}
      </Form>

      {submitError && (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginTop: 12 }}
          title={submitError}
          data-testid="submit-error"
        />
      )}

      <div className="intake-actions">
        <Space>
          <Button
            type="primary"
            icon={<SendOutlined />}
            data-action="submit"
            loading={submitting}
            onClick={startSubmit}
          >
            {t('提交受理', 'Submit')} <kbd>Ctrl+Enter</kbd>
          </Button>
          <Button icon={<SaveOutlined />} onClick={() => void saveNow()}>
            {t('保存草稿', 'Save draft')} <kbd>Ctrl+S</kbd>
          </Button>
          <Button
            danger
            onClick={() =>
              Modal.confirm({
                title: t('放弃此草稿？', 'Discard this draft?'),
                content: t(
                  '已录入的内容和扫描件将被删除。',
                  'What was entered and its scans will be deleted.',
                ),
                okText: t('放弃', 'Discard'),
                cancelText: t('取消', 'Cancel'),
                onOk: async () => {
                  closed.current = true;
                  clearTimeout(timer.current);
                  await deleteDraft(draftId);
                  navigate('/desk/new', { replace: true });
                },
              })
            }
          >
            {t('放弃', 'Discard')}
          </Button>
        </Space>
      </div>

      {review && (
        <ReviewDialog
          items={review}
          summary={reviewSummary}
          lang={lang}
          busy={submitting}
          onCancel={() => setReview(null)}
          onConfirm={() => void confirmSubmit()}
        />
      )}
    </div>
  );
}

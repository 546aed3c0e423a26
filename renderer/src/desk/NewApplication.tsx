// New application (新建受理): business type picker, the fields the chosen type needs (from the
// catalogue), documents with received / to-follow, scans, key-customer marking, a draft that is
// autosaved as the clerk types, the review step and the durable submit that opens the receipt.
import { SaveOutlined, SendOutlined } from '@ant-design/icons';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { makeApplicationNo } from '../../../shared/domain/appNumber';
import { shanghaiDate } from '../../../shared/domain/calendar';
import {
  type BusinessType,
  type FieldDef,
  findBusinessType,
  searchBusinessTypes,
} from '../../../shared/domain/catalogue';
import type { CustomerKind, IdType } from '../../../shared/domain/model';
import { canSubmit, type ReviewItem, reviewApplication } from '../../../shared/domain/review';
import { validateIdNumber } from '../../../shared/domain/validators';
import { useBusyForm } from '../customer/busy';
import { CustomerConfirm } from '../customer/DeskCustomer';
import { buildCustomerSummary, type CustomerSummary } from '../customer/summary';
import {
  deleteDraft,
  findKeyCustomer,
  getDraft,
  markKeyCustomer,
  saveDraft,
  StoreError,
  submitApplication,
} from '../db/repo';
import { type Lang, pick, useLang, useT } from '../i18n';
import { currentStaffActor } from '../staff/actor';
import { navigate } from '../ui/router';
import { useShortcut } from '../ui/shortcuts';
import { IdCardPanel } from './idCard/IdCardPanel';
import { profileComplete, useDeskConfig, useProfile } from './config';
import {
  buildApplication,
  customerLabel,
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
import { AttachmentTags, ScanButtons, useAttachments } from './Scans';

const AUTOSAVE_MS = 700;

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
      .catch((e: unknown) => !cancelled && setLoadError(String(e)));
    return () => {
      cancelled = true;
    };
  }, [props.draftId, props.ticket, props.business, cfg]);
  if (loadError) return <Alert type="error" title={`草稿读取失败：${loadError}`} />;
  if (!initial) return null;
  return <IntakeFormView draftId={props.draftId} initial={initial} />;
}

type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

function IntakeFormView(props: { draftId: string; initial: IntakeForm }) {
  const { draftId } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const profile = useProfile();
  const { message } = AntApp.useApp();
  const [form, setForm] = useState<IntakeForm>(props.initial);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [review, setReview] = useState<ReviewItem[] | null>(null);
  // The masked summary the customer screen shows and the customer signs (review step).
  const [reviewSummary, setReviewSummary] = useState<CustomerSummary | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);

  // --- autosave: debounced, plus a flush when the page is hidden or closed.
  const latest = useRef(form);
  latest.current = form;
  const dirty = useRef(false);
  const closed = useRef(false); // set once submit starts: a late autosave must not revive the draft
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const flush = useCallback(async (): Promise<void> => {
    clearTimeout(timer.current);
    if (!dirty.current || closed.current) return;
    const f = latest.current;
    dirty.current = false;
    if (isBlank(f)) return;
    setSaveState('saving');
    try {
      await saveDraft({
        id: draftId,
        ...(f.businessCode ? { businessCode: f.businessCode } : {}),
        ...(f.customerKind ? { customerKind: f.customerKind } : {}),
        form: f as unknown as Record<string, unknown>,
        ...(f.ticketNo ? { ticketNo: f.ticketNo } : {}),
      });
      setSaveState('saved');
    } catch (e) {
      dirty.current = true;
      setSaveState('error');
      console.error('draft autosave failed', e);
    }
  }, [draftId]);

  const update = useCallback(
    (fn: (f: IntakeForm) => IntakeForm, touchKey?: string) => {
      setForm((prev) => fn(prev));
      if (touchKey) setTouched((s) => (s.has(touchKey) ? s : new Set(s).add(touchKey)));
      dirty.current = true;
      setSaveState('pending');
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), AUTOSAVE_MS);
    },
    [flush],
  );

  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush();
    };
    const onPageHide = () => void flush();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      // Leaving the page: save what is pending, outside React's commit (and any Dexie zone the
      // navigation happened in), so the write starts its own top-level transaction.
      setTimeout(() => void flush(), 0);
    };
  }, [flush]);

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

  const setCustomer = (key: string, value: string) =>
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
    if (!profileComplete(profile)) {
      message.error(
        t(
          '请先在“设置”中填写营业厅编码、受理台编码和受理员',
          'Set the hall, desk and clerk in Settings first',
        ),
      );
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
        reviewApplication(app, cfg.catalogue, cfg.settings, shanghaiDate(now), {
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
  function onKeyDown(e: React.KeyboardEvent<HTMLDivElement>) {
    if (e.key !== 'Enter' || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
    const el = e.target as HTMLElement;
    if (el.tagName === 'TEXTAREA' || el.tagName === 'BUTTON' || el.tagName === 'A') return;
    if (el.getAttribute('role') === 'combobox') return; // the select handles Enter itself
    e.preventDefault();
    focusNext(el);
  }

  function focusNext(from: HTMLElement) {
    const root = rootRef.current;
    if (!root) return;
    const all = Array.from(
      root.querySelectorAll<HTMLElement>(
        'input:not([type=hidden]):not([disabled]), textarea, [role=combobox]',
      ),
    ).filter((x) => x.offsetParent !== null && !(x as HTMLInputElement).hidden && x.tabIndex >= 0);
    const i = all.indexOf(from);
    let next = all[i + 1];
    // Radio groups: skip the other radios of the same group.
    while (
      next &&
      from instanceof HTMLInputElement &&
      from.type === 'radio' &&
      next instanceof HTMLInputElement &&
      next.type === 'radio' &&
      next.name === from.name
    ) {
      next = all[all.indexOf(next) + 1];
    }
    if (next) next.focus();
    else rootRef.current?.querySelector<HTMLElement>('[data-action=submit]')?.focus();
  }

  const type = form.businessCode ? findBusinessType(cfg.catalogue, form.businessCode) : undefined;

  return (
    <div ref={rootRef} onKeyDown={onKeyDown} className="intake">
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

      {profile !== undefined && !profileComplete(profile) && (
        <Alert
          type="warning"
          showIcon
          style={{ margin: '12px 0' }}
          title={t('本受理台尚未设置', 'This desk is not set up')}
          description={
            <span>
              {t('提交前请在', 'Before submitting, set the hall code, desk code and clerk in ')}
              <a href="#/settings">{t('设置', 'Settings')}</a>
              {t('中填写营业厅编码、受理台编码和受理员姓名。', '.')}
            </span>
          }
        />
      )}

      <IdCardPanel
        recordId={draftId}
        form={form}
        typeFieldKeys={layout?.typeFields.map((f) => f.key) ?? []}
        onFill={(apply, paths) => {
          update(apply);
          setTouched((s) => new Set([...s, ...paths]));
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
            <Card size="small" title={t('客户信息', 'Customer')} style={{ marginTop: 12 }}>
              <Row gutter={16}>
                {layout.customerFields.map((f) => {
                  const key = f.key === 'address' ? 'address' : `customer.${f.key}`;
                  const id = `f-customer-${f.key}`;
                  const label = customerLabel(f, layout.kind, lang);
                  const err = visibleError(key);
                  const value = form.customer[f.key] ?? '';
                  return (
                    <Col key={f.key} xs={24} md={f.key === 'address' ? 24 : 12}>
                      <Form.Item
                        label={label}
                        htmlFor={id}
                        required={f.required}
                        data-field={key}
                        validateStatus={err ? 'error' : undefined}
                        help={err}
                      >
                        {f.key === 'idType' ? (
                          <Select
                            id={id}
                            aria-label={label}
                            value={value || layout.idTypes[0]}
                            onChange={(v: string) => setCustomer('idType', v)}
                            options={layout.idTypes.map((it: IdType) => ({
                              value: it,
                              label: pick(
                                lang,
                                cfg.catalogue.customerBlock.idTypeLabels[it]?.label ?? it,
                                cfg.catalogue.customerBlock.idTypeLabels[it]?.labelEn,
                              ),
                            }))}
                          />
                        ) : (
                          <Input
                            id={id}
                            value={value}
                            maxLength={f.maxLength}
                            autoComplete="off"
                            inputMode={f.key === 'phone' ? 'tel' : undefined}
                            onChange={(e) => setCustomer(f.key, e.target.value)}
                            onBlur={() => setTouched((s) => new Set(s).add(key))}
                          />
                        )}
                      </Form.Item>
                    </Col>
                  );
                })}
              </Row>
              <IdHint form={form} lang={lang} />
            </Card>

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

            <Card size="small" title={t('申请资料', 'Documents')} style={{ marginTop: 12 }}>
              {layout.type.oneCertificate && (
                <Checkbox
                  id="f-commitment"
                  checked={form.commitmentSigned}
                  onChange={(e) =>
                    update(
                      (f) => ({ ...f, commitmentSigned: e.target.checked }),
                      'commitmentSigned',
                    )
                  }
                  style={{ marginBottom: 12 }}
                >
                  {t(
                    `一证受理：客户已签署${cfg.catalogue.customerBlock.commitmentLetter.name}，承诺后补资料`,
                    `One-certificate intake: the customer signed the ${cfg.catalogue.customerBlock.commitmentLetter.nameEn}`,
                  )}
                </Checkbox>
              )}
              <div role="list" aria-label={t('申请资料', 'Documents')}>
                {layout.documents.map((d) => {
                  const key = `documents.${d.code}`;
                  const err = visibleError(key);
                  const st = form.documents[d.code] ?? 'missing';
                  const name = pick(lang, d.name, d.nameEn);
                  const canFollow = d.mayFollow && layout.type.oneCertificate;
                  return (
                    <div
                      key={d.code}
                      role="listitem"
                      className="doc-row"
                      data-field={key}
                      data-testid={`doc-${d.code}`}
                    >
                      <div className="doc-name">
                        <span id={`doc-label-${d.code}`}>{name}</span>{' '}
                        {d.required ? (
                          <Tag color="red">{t('必备', 'Required')}</Tag>
                        ) : (
                          <Tag>{t('选备', 'Optional')}</Tag>
                        )}
                        {canFollow && <Tag color="blue">{t('可后补', 'May follow')}</Tag>}
                        {d.note && (
                          <Typography.Text type="secondary">
                            {' '}
                            {pick(lang, d.note, d.noteEn)}
                          </Typography.Text>
                        )}
                      </div>
                      <Radio.Group
                        aria-labelledby={`doc-label-${d.code}`}
                        value={st}
                        onChange={(e) => setDoc(d.code, e.target.value as FormDocStatus)}
                        options={[
                          { value: 'received', label: t('已收', 'Received') },
                          ...(canFollow
                            ? [{ value: 'to_follow', label: t('后补', 'To follow') }]
                            : []),
                          {
                            value: 'missing',
                            label: d.required ? t('未收', 'Missing') : t('未提供', 'Not given'),
                          },
                        ]}
                      />
                      <ScanButtons
                        applicationId={draftId}
                        documentCode={d.code}
                        documentName={name}
                        onAdded={() => setDoc(d.code, 'received')}
                      />
                      <AttachmentTags
                        items={attachments.filter((a) => a.documentCode === d.code)}
                        removable
                      />
                      {err && (
                        <div className="doc-error" role="alert">
                          {err}
                        </div>
                      )}
                    </div>
                  );
                })}
              </div>
            </Card>

            <Card
              size="small"
              title={t('大客户与备注', 'Key customer and notes')}
              style={{ marginTop: 12 }}
            >
              {knownKey && !form.keyCustomer.enabled && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 12 }}
                  title={t(
                    `该客户为大客户，客户经理：${knownKey.managerName}`,
                    `Key customer, manager: ${knownKey.managerName}`,
                  )}
                  action={
                    <Button
                      size="small"
                      onClick={() =>
                        update((f) => ({
                          ...f,
                          keyCustomer: {
                            enabled: true,
                            managerName: knownKey.managerName,
                            managerPhone: knownKey.managerPhone ?? '',
                          },
                        }))
                      }
                    >
                      {t('标记', 'Mark')}
                    </Button>
                  }
                />
              )}
              <Checkbox
                id="f-keyCustomer"
                checked={form.keyCustomer.enabled}
                onChange={(e) =>
                  update((f) => ({
                    ...f,
                    keyCustomer: { ...f.keyCustomer, enabled: e.target.checked },
                  }))
                }
              >
                {t('大客户（指定客户经理）', 'Key customer (assigned account manager)')}
              </Checkbox>
              {form.keyCustomer.enabled && (
                <Row gutter={16} style={{ marginTop: 8 }}>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label={t('客户经理', 'Account manager')}
                      htmlFor="f-managerName"
                      required
                      data-field="keyCustomer.managerName"
                      validateStatus={visibleError('keyCustomer.managerName') ? 'error' : undefined}
                      help={visibleError('keyCustomer.managerName')}
                    >
                      <Input
                        id="f-managerName"
                        value={form.keyCustomer.managerName}
                        onChange={(e) =>
                          update(
                            (f) => ({
                              ...f,
                              keyCustomer: { ...f.keyCustomer, managerName: e.target.value },
                            }),
                            'keyCustomer.managerName',
                          )
                        }
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      label={t('客户经理电话', "Manager's phone")}
                      htmlFor="f-managerPhone"
                      data-field="keyCustomer.managerPhone"
                      validateStatus={
                        visibleError('keyCustomer.managerPhone') ? 'error' : undefined
                      }
                      help={visibleError('keyCustomer.managerPhone')}
                    >
                      <Input
                        id="f-managerPhone"
                        value={form.keyCustomer.managerPhone}
                        onChange={(e) =>
                          update(
                            (f) => ({
                              ...f,
                              keyCustomer: { ...f.keyCustomer, managerPhone: e.target.value },
                            }),
                            'keyCustomer.managerPhone',
                          )
                        }
                      />
                    </Form.Item>
                  </Col>
                </Row>
              )}
              <Form.Item
                label={t('备注', 'Notes')}
                htmlFor="f-notes"
                style={{ marginTop: 12, marginBottom: 0 }}
              >
                <Input.TextArea
                  id="f-notes"
                  rows={2}
                  maxLength={2000}
                  value={form.notes}
                  onChange={(e) => update((f) => ({ ...f, notes: e.target.value }))}
                />
              </Form.Item>
            </Card>
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

/** Business type picker: search by name, pinyin initials or code (searchBusinessTypes). */
function BusinessTypePicker(props: {
  value: string;
  lang: Lang;
  onChange: (code: string) => void;
}) {
  const cfg = useDeskConfig();
  const t = useT();
  const [search, setSearch] = useState('');
  const options = useMemo(
    () =>
      searchBusinessTypes(cfg.catalogue, search).map((bt: BusinessType) => ({
        value: bt.code,
        label: `${bt.code} ${pick(props.lang, bt.name, bt.nameEn)}`,
        title: bt.initials,
      })),
    [cfg, search, props.lang],
  );
  return (
    <Select
      id="f-businessCode"
      aria-label={t('业务类型', 'Business type')}
      data-testid="business-type"
      value={props.value || undefined}
      placeholder={t(
        '输入名称、拼音首字母（如 dyjmxz）或编码（如 101）',
        'Type a name, pinyin initials (dyjmxz) or a code (101)',
      )}
      showSearch={{ searchValue: search, onSearch: setSearch, filterOption: false }}
      options={options}
      onChange={(v: string) => {
        setSearch('');
        props.onChange(v);
      }}
      notFoundContent={t('没有匹配的业务类型', 'No matching business type')}
      autoFocus={!props.value}
      style={{ width: '100%' }}
      listHeight={320}
    />
  );
}

function TypeField(props: {
  def: FieldDef;
  lang: Lang;
  value: FieldValue | undefined;
  error: string | undefined;
  warning: string | undefined;
  required: boolean;
  onChange: (v: FieldValue) => void;
}) {
  const { def, lang } = props;
  const t = useT();
  const id = `f-field-${def.key}`;
  const label = `${pick(lang, def.label, def.labelEn)}${def.unit ? `（${def.unit}）` : ''}`;
  const status = props.error ? 'error' : props.warning ? 'warning' : undefined;
  const help =
    props.error ?? props.warning ?? (def.help ? pick(lang, def.help, def.helpEn) : undefined);
  if (def.kind === 'boolean') {
    return (
      <Form.Item data-field={`fields.${def.key}`} validateStatus={status} help={props.error}>
        <Checkbox
          id={id}
          checked={props.value === true}
          onChange={(e) => props.onChange(e.target.checked)}
        >
          {label}
          {props.required && <span className="req-star"> *</span>}
        </Checkbox>
      </Form.Item>
    );
  }
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={props.required}
      data-field={`fields.${def.key}`}
      validateStatus={status}
      help={help}
    >
      {def.kind === 'select' ? (
        <Select
          id={id}
          aria-label={label}
          value={typeof props.value === 'string' && props.value ? props.value : undefined}
          placeholder={t('请选择', 'Choose')}
          allowClear={!props.required}
          onChange={(v: string | undefined) => props.onChange(v ?? null)}
          options={(def.options ?? []).map((o) => ({
            value: o.value,
            label: pick(lang, o.label, o.labelEn),
          }))}
        />
      ) : (
        <Input
          id={id}
          type={def.kind === 'date' ? 'date' : 'text'}
          inputMode={def.kind === 'number' ? 'decimal' : undefined}
          maxLength={def.maxLength}
          autoComplete="off"
          value={props.value === null || props.value === undefined ? '' : String(props.value)}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Form.Item>
  );
}

/** After a valid resident ID: birth date, sex and age, so the clerk can compare with the card. */
function IdHint(props: { form: IntakeForm; lang: Lang }) {
  const t = useT();
  const idType = (props.form.customer.idType || 'resident_id') as IdType;
  const no = props.form.customer.idNumber ?? '';
  if (!no || !['resident_id', 'temp_resident_id', 'household_register'].includes(idType))
    return null;
  const r = validateIdNumber(idType, no);
  if (!r.ok || !r.info || !('birthDate' in r.info)) return null;
  const info = r.info;
  return (
    <Typography.Text type="secondary">
      {t(
        `出生日期 ${info.birthDate}，${info.sex === 'male' ? '男' : '女'}，${info.age} 岁${info.note ? `；${info.note}` : ''}`,
        `Born ${info.birthDate}, ${info.sex}, age ${info.age}${info.noteEn ? `; ${info.noteEn}` : ''}`,
      )}
    </Typography.Text>
  );
}

/** The review step: what is missing or unusual, and a deliberate confirmation. */
function ReviewDialog(props: {
  items: ReviewItem[];
  /** The customer-screen summary of the application under review (null: not offered). */
  summary: CustomerSummary | null;
  lang: Lang;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const t = useT();
  const [checked, setChecked] = useState(false);
  // The customer screen is being asked (or said something is wrong): accept after it answers.
  const [customerBlocking, setCustomerBlocking] = useState(false);
  const ok = canSubmit(props.items);
  const needsConfirm = props.items.some((i) => i.severity === 'warning');
  const confirmed = !needsConfirm || checked;
  return (
    <Modal
      open
      title={t('提交前核对', 'Review before submitting')}
      onCancel={props.onCancel}
      maskClosable={false}
      footer={[
        <Button key="back" onClick={props.onCancel} disabled={props.busy}>
          {t('返回修改', 'Back')}
        </Button>,
        <Button
          key="ok"
          type="primary"
          data-testid="confirm-submit"
          autoFocus={!needsConfirm}
          disabled={!ok || !confirmed || customerBlocking}
          loading={props.busy}
          onClick={props.onConfirm}
        >
          {t('确认受理', 'Confirm and accept')}
        </Button>,
      ]}
    >
      {props.items.length === 0 ? (
        <Alert
          type="success"
          showIcon
          title={t('核对通过，没有缺漏或异常。', 'Nothing missing or unusual.')}
        />
      ) : (
        <ul className="review-list" data-testid="review-items">
          {props.items.map((i, n) => (
            <li key={`${i.code}-${n}`}>
              <Tag
                color={
                  i.severity === 'blocker' ? 'red' : i.severity === 'warning' ? 'orange' : 'blue'
                }
              >
                {i.severity === 'blocker'
                  ? t('须更正', 'Fix')
                  : i.severity === 'warning'
                    ? t('请注意', 'Warning')
                    : t('提示', 'Note')}
              </Tag>
              {props.lang === 'en' ? i.messageEn : i.message}
            </li>
          ))}
        </ul>
      )}
      {ok && needsConfirm && (
        <Checkbox
          id="f-review-confirm"
          data-testid="review-confirm"
          checked={checked}
          autoFocus
          onChange={(e) => setChecked(e.target.checked)}
        >
          {t('我已向客户核实以上事项，确认受理', 'I have checked the above with the customer')}
        </Checkbox>
      )}
      {ok && props.summary && (
        <CustomerConfirm summary={props.summary} onBlockingChange={setCustomerBlocking} />
      )}
    </Modal>
  );
}

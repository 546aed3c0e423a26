// The centre's workbench (served by the central endpoint at /workbench/): the admin token typed
// once, the due lists first, a server-paged search across halls, and an application's page whose
// move buttons offer only the states the centre allows (a return asks for a configured reason).
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Empty,
  Input,
  Layout,
  Result,
  Segmented,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReturnReason } from '../../../shared/domain/settings';
import type { DueSummary, NextStateOut, WorkbenchDetail } from '../../../shared/protocol/workbench';
import { tr, useLang, useLangStore, useT } from '../i18n';
import { matchPath, useHashLocation } from '../ui/router';
import { ApiError, saveToken, savedToken, workbenchApi, type SearchFilters } from './api';
import { ApplicationList, FilterBar, stateName } from './ApplicationList';
import { ComplaintsList, ComplaintView } from './ComplaintsPage';
import { CustomerNav, customerRoute } from './CustomerPages';
import { Documents } from './Documents';
import { SignIn } from './SignIn';
import { SupervisionView } from './SupervisionView';
import { HallTime } from './clock';

const ACTOR_KEY = 'halldesk.workbench.actor';

export function WorkbenchPage() {
  const [token, setToken] = useState(savedToken());
  const t = useT();
  const lang = useLang();
  const setLang = useLangStore((s) => s.setLang);
  const loc = useHashLocation();
  const appMatch = matchPath('/workbench/app/:id', loc.path);
  const fbMatch = matchPath('/workbench/feedback/:id', loc.path);
  const onFeedback = fbMatch?.id || loc.path === '/workbench/feedback';
  const onAuthLost = useCallback(() => {
    saveToken(null);
    setToken(null);
  }, []);
  const customerPage = customerRoute(loc.path, onAuthLost);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          <a href="#/workbench">{t('后台工作台', 'Back-office workbench')}</a>
        </Typography.Title>
        <a href="#/workbench/feedback" data-testid="nav-complaints">
          {t('意见投诉', 'Complaints')}
        </a>
        <a href="#/workbench/supervision" data-testid="wb-nav-supervision">
          {t('工作监督', 'Supervision')}
        </a>
        {token && <CustomerNav />}
        <span style={{ flex: 1 }} />
        <Segmented
          value={lang}
          onChange={(v) => setLang(v === 'en' ? 'en' : 'zh')}
          options={[
            { label: '中文', value: 'zh' },
            { label: 'English', value: 'en' },
          ]}
        />
        {token && <Button onClick={onAuthLost}>{t('退出', 'Sign out')}</Button>}
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        {!token ? (
          <SignIn onToken={setToken} />
        ) : fbMatch?.id ? (
          <ComplaintView id={fbMatch.id} onAuthLost={onAuthLost} />
        ) : onFeedback ? (
          <ComplaintsList onAuthLost={onAuthLost} />
        ) : loc.path === '/workbench/supervision' ? (
          <SupervisionRoute onAuthLost={onAuthLost} />
        ) : appMatch?.id ? (
          <ApplicationView id={appMatch.id} onAuthLost={onAuthLost} />
        ) : customerPage ? (
          customerPage
        ) : (
          <Overview onAuthLost={onAuthLost} />
        )}
      </Layout.Content>
    </Layout>
  );
}

/** 工作监督 (SupervisionView.tsx) with the workbench's error handling. */
function SupervisionRoute({ onAuthLost }: { onAuthLost: () => void }) {
  return <SupervisionView onError={useApiError(onAuthLost)} />;
}

/**
 * Shows an API failure; a refused token sends the user back to the token form. The callback is
 * stable (the latest message API and handler are read through a ref): effects that load data list
 * it as a dependency and must not refetch on every render.
 */
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

function Overview({ onAuthLost }: { onAuthLost: () => void }) {
  const t = useT();
  const lang = useLang();
  const onError = useApiError(onAuthLost);
  const [due, setDue] = useState<DueSummary | null>(null);
  const [params, setParams] = useState<SearchFilters>({});
  const [draft, setDraft] = useState<SearchFilters>({});

  useEffect(() => {
    workbenchApi.due().then(setDue, onError);
  }, [onError]);
  const search = (over: Partial<SearchFilters> = {}) => setParams({ ...draft, ...over });

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card title={t('超期与临期（按营业厅、环节）', 'Overdue and due soon (by hall and stage)')}>
        {due && due.groups.length === 0 ? (
          <Empty description={t('没有超期或临期的申请', 'Nothing overdue or due soon')} />
        ) : (
          <Table
            size="small"
            rowKey={(g) => `${g.hallCode}/${g.status}`}
            dataSource={due?.groups ?? []}
            pagination={false}
            columns={[
              { title: t('营业厅', 'Hall'), dataIndex: 'hallCode' },
              {
                title: t('当前环节', 'Stage'),
                dataIndex: 'status',
                render: (s: string) => stateName(s, lang),
              },
              {
                title: t('超期', 'Overdue'),
                dataIndex: 'overdue',
                render: (n: number, g) =>
                  n > 0 ? (
                    <a
                      onClick={() => {
                        const d = { hall: g.hallCode, status: g.status, due: 'overdue' as const };
                        setDraft(d);
                        search(d);
                      }}
                    >
                      <Tag color="red">{n}</Tag>
                    </a>
                  ) : (
                    0
                  ),
              },
              {
                title: t('临期', 'Due soon'),
                dataIndex: 'soon',
                render: (n: number, g) =>
                  n > 0 ? (
                    <a
                      onClick={() => {
                        const d = { hall: g.hallCode, status: g.status, due: 'soon' as const };
                        setDraft(d);
                        search(d);
                      }}
                    >
                      <Tag color="orange">{n}</Tag>
                    </a>
                  ) : (
                    0
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Card title={t('申请查询（全部营业厅）', 'Applications (all halls)')}>
        <FilterBar draft={draft} setDraft={setDraft} onSearch={search} />
        <ApplicationList filters={params} onError={onError} />
      </Card>
    </Space>
  );
}

function ApplicationView({ id, onAuthLost }: { id: string; onAuthLost: () => void }) {
  const t = useT();
  const lang = useLang();
  const { message } = AntApp.useApp();
  const onError = useApiError(onAuthLost);
  const [detail, setDetail] = useState<WorkbenchDetail | null>(null);
  const [missing, setMissing] = useState(false);
  const [reasons, setReasons] = useState<ReturnReason[]>([]);
  const [actor, setActor] = useState(() => sessionStorage.getItem(ACTOR_KEY) ?? '');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    workbenchApi.detail(id).then(setDetail, (e: unknown) => {
      if (e instanceof ApiError && e.code === 'E_NOT_FOUND') setMissing(true);
      else onError(e);
    });
    workbenchApi.reasons().then((r) => setReasons(r.reasons), onError);
  }, [id, onError]);

  if (missing) return <Result status="404" title={t('没有这个申请', 'No such application')} />;
  if (!detail) return null;
  const a = detail.application;

  const move = async (n: NextStateOut) => {
    if (!actor.trim()) {
      message.error(t('请填写经办人', 'Enter who is making the move'));
      return;
    }
    if (n.kind === 'return' && !reason) {
      message.error(t('退回需要选择原因', 'A return needs a reason'));
      return;
    }
    setBusy(true);
    try {
      sessionStorage.setItem(ACTOR_KEY, actor.trim());
      const d = await workbenchApi.move(a.id, {
        to: n.state,
        actor: actor.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(n.kind === 'return' && reason ? { reasonCode: reason } : {}),
      });
      setDetail(d);
      setNote('');
      setReason(undefined);
      message.success(`${t('已转到', 'Moved to')} ${lang === 'en' ? n.labelEn : n.label}`);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  const label = (n: NextStateOut) => (lang === 'en' ? n.labelEn : n.label);
  const reasonLabel = (code?: string) => {
    const r = reasons.find((x) => x.code === code);
    return r ? (lang === 'en' ? r.labelEn : r.label) : code;
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card
        title={
          <span data-testid="wb-app-title">
            {a.appNo} · {stateName(a.status, lang)}
            {detail.overdue && (
              <Tag color="red" style={{ marginLeft: 8 }}>
                {t('超期', 'Overdue')}
              </Tag>
            )}
          </span>
        }
        extra={<a href="#/workbench">{t('返回列表', 'Back to the list')}</a>}
      >
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('营业厅', 'Hall')}>{detail.hallCode}</Descriptions.Item>
          <Descriptions.Item label={t('业务', 'Business')}>{a.businessCode}</Descriptions.Item>
          <Descriptions.Item label={t('客户', 'Customer')}>{a.customer.name}</Descriptions.Item>
          <Descriptions.Item label={t('电话', 'Phone')}>{a.customer.phone}</Descriptions.Item>
          <Descriptions.Item label={t('地址', 'Address')}>{a.address}</Descriptions.Item>
          <Descriptions.Item label={t('办结期限', 'Deadline')}>{a.deadline}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('环节推进', 'Move')}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Input
              style={{ width: 160 }}
              placeholder={t('经办人', 'Handled by')}
              aria-label={t('经办人', 'Handled by')}
              value={actor}
              onChange={(e) => setActor(e.target.value)}
            />
            <Input
              style={{ width: 360 }}
              placeholder={t('说明（可选）', 'Note (optional)')}
              aria-label={t('说明', 'Note')}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            {detail.next.some((n) => n.kind === 'return') && (
              <Select
                style={{ width: 220 }}
                allowClear
                placeholder={t('退回原因', 'Return reason')}
                aria-label={t('退回原因', 'Return reason')}
                value={reason}
                onChange={(v?: string) => setReason(v)}
                options={reasons.map((r) => ({
                  value: r.code,
                  label: lang === 'en' ? r.labelEn : r.label,
                }))}
              />
            )}
          </Space>
          {detail.next.length === 0 ? (
            <Typography.Text type="secondary">
              {t('已办结，不能再变更环节', 'Finished: no further moves')}
            </Typography.Text>
          ) : (
            <Space wrap>
              {detail.next.map((n) => (
                <Button
                  key={`${n.kind}:${n.state}`}
                  disabled={busy}
                  type={n.kind === 'forward' ? 'primary' : 'default'}
                  danger={n.kind === 'end' && n.state !== 'archived'}
                  onClick={() => void move(n)}
                >
                  {n.kind === 'return' ? `${t('退回到', 'Return to')} ${label(n)}` : label(n)}
                </Button>
              ))}
            </Space>
          )}
        </Space>
      </Card>
      {detail.stages && (
        <Card title={t('环节期限', 'Stage deadlines')}>
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={detail.stages}
            columns={[
              {
                title: t('环节', 'Stage'),
                render: (_: unknown, s) => (lang === 'en' ? s.labelEn : s.label),
              },
              { title: t('时限（工作日）', 'Limit (working days)'), dataIndex: 'limitWd' },
              { title: t('期限', 'Deadline'), dataIndex: 'deadline' },
              {
                title: t('状态', 'State'),
                render: (_: unknown, s) =>
                  s.overdue ? <Tag color="red">{t('超期', 'Overdue')}</Tag> : s.state,
              },
            ]}
          />
        </Card>
      )}
      <Documents appId={a.id} onError={onError} />
      <Card title={t('流转记录', 'Timeline')}>
        <Timeline
          items={a.history.map((h) => ({
            children: (
              <span>
                <HallTime at={h.at} /> {stateName(h.to, lang)} · {h.actor}
                {h.reasonCode && (
                  <Tag color="orange" style={{ marginLeft: 8 }}>
                    {t('退回', 'Returned')}: {reasonLabel(h.reasonCode)}
                  </Tag>
                )}
                {h.note ? ` — ${h.note}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}

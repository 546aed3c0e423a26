// The workbench's customer pages (issue 14 §3): customers across halls (conflicts marked), a
// customer's page (applications, feedback, ratings, queue visits, merge, key-customer entry),
// the key-customer register with suggestions, and the account manager's page with the moves
// since they last looked. Routes under #/workbench/customers, /key-customers, /manager.
import {
  Alert,
  App as AntApp,
  Badge,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Empty,
  Form,
  Input,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { customerRules } from '../../../shared/domain/customerRules';
import type { KeyReason } from '../../../shared/domain/customers';
import type {
  CustomerDetail,
  CustomerPage,
  CustomerRow,
  KeyCustomerPage,
  ManagerPage,
  SuggestedPage,
} from '../../../shared/protocol/customers';
import { tr, useLang, useT } from '../i18n';
import { matchPath, navigate } from '../ui/router';
import { ApiError } from './api';
import { customersApi, saveManager, savedManager } from './customersApi';

function useFail(onAuthLost: () => void) {
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

function reasonLabel(code: KeyReason, lang: 'zh' | 'en'): string {
  const r = customerRules.reasons.find((x) => x.code === code);
  return r ? r[lang] : code;
}

/** The customer pages' router: null when the path is none of theirs. */
export function customerRoute(path: string, onAuthLost: () => void) {
  const one = matchPath('/workbench/customers/:key', path);
  if (one?.key) return <CustomerView key={one.key} ckey={one.key} onAuthLost={onAuthLost} />;
  if (path === '/workbench/customers') return <CustomersView onAuthLost={onAuthLost} />;
  if (path === '/workbench/key-customers') return <RegisterView onAuthLost={onAuthLost} />;
  if (path === '/workbench/manager') return <ManagerView onAuthLost={onAuthLost} />;
  return null;
}

/** Header links, with the followed account manager's unread moves as a badge. */
export function CustomerNav() {
  const t = useT();
  const [count, setCount] = useState(0);
  useEffect(() => {
    const no = savedManager();
    if (!no) return;
    let live = true;
    const poll = () =>
      customersApi
        .notifications(no)
        .then((n) => live && setCount(n.count))
        .catch(() => {});
    void poll();
    const timer = setInterval(poll, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return (
    <Space>
      <a href="#/workbench/customers">{t('客户', 'Customers')}</a>
      <a href="#/workbench/key-customers">{t('重点客户', 'Key customers')}</a>
      <Badge count={count} size="small" data-testid="manager-badge">
        <a href="#/workbench/manager">{t('客户经理', 'Account manager')}</a>
      </Badge>
    </Space>
  );
}

const keyOf = (r: { key: string }) => r.key;
const customerLink = (key: string) => `#/workbench/customers/${encodeURIComponent(key)}`;

function CustomersView({ onAuthLost }: { onAuthLost: () => void }) {
  const t = useT();
  const fail = useFail(onAuthLost);
  const [q, setQ] = useState('');
  const [conflict, setConflict] = useState(false);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<CustomerPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [applied, setApplied] = useState('');
  useEffect(() => {
    setLoading(true);
    customersApi
      .list({ q: applied, ...(conflict ? { conflict: '1' as const } : {}), page, pageSize: 20 })
      .then(setData, fail)
      .finally(() => setLoading(false));
  }, [applied, conflict, page, fail]);
  return (
    <Card title={t('客户（跨营业厅）', 'Customers (all halls)')}>
      <Space style={{ marginBottom: 12 }}>
        <Input.Search
          aria-label={t('客户搜索', 'Customer search')}
          placeholder={t(
            '名称、证件号码、信用代码或户号',
            'Name, ID number, credit code or account no.',
          )}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => {
            setPage(1);
            setApplied(v.trim());
          }}
          style={{ width: 360 }}
        />
        <Checkbox checked={conflict} onChange={(e) => setConflict(e.target.checked)}>
          {t('仅信息冲突', 'Conflicts only')}
        </Checkbox>
      </Space>
      <Table<CustomerRow>
        rowKey={keyOf}
        loading={loading}
        dataSource={data?.rows ?? []}
        pagination={{
          current: page,
          pageSize: 20,
          total: data?.total ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        onRow={(r) => ({
          onClick: () => navigate(`/workbench/customers/${encodeURIComponent(r.key)}`),
        })}
        columns={[
          {
            title: t('名称', 'Name'),
            render: (_, r) => (
              <Space>
                <a href={customerLink(r.key)}>{r.name}</a>
                {r.names.length > 1 && <Tag color="orange">{t('信息冲突', 'Conflict')}</Tag>}
                {r.keyCustomer && (
                  <Tag color="gold" title={r.keyManager?.phone ?? undefined}>
                    {r.keyManager
                      ? t(`重点客户 · ${r.keyManager.name}`, `Key · ${r.keyManager.name}`)
                      : t('重点客户', 'Key')}
                  </Tag>
                )}
              </Space>
            ),
          },
          { title: t('客户键', 'Key'), dataIndex: 'key' },
          { title: t('户号', 'Account no.'), render: (_, r) => r.accountNos.join('、') },
          { title: t('营业厅', 'Halls'), render: (_, r) => r.hallCodes.join('、') },
          { title: t('申请数', 'Applications'), dataIndex: 'applications' },
        ]}
      />
    </Card>
  );
}

function CustomerView({ ckey, onAuthLost }: { ckey: string; onAuthLost: () => void }) {
  const t = useT();
  const lang = useLang();
  const fail = useFail(onAuthLost);
  const { message } = AntApp.useApp();
  const [d, setD] = useState<CustomerDetail | null>(null);
  const [into, setInto] = useState('');
  const [reasons, setReasons] = useState<KeyReason[]>([]);
  const [manager, setManager] = useState('');
  const [note, setNote] = useState('');
  const load = useCallback(
    () =>
      customersApi.detail(ckey).then((x) => {
        setD(x);
        setReasons(x.keyCustomer?.reasons ?? []);
        setManager(x.keyCustomer?.managerStaffNo ?? '');
        setNote(x.keyCustomer?.note ?? '');
      }, fail),
    [ckey, fail],
  );
  useEffect(() => {
    void load();
  }, [load]);
  if (!d) return <Card loading />;
  const c = d.customer;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={`${c.name} · ${c.key}`}>
        {c.names.length > 1 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={t(
              `各营业厅登记的名称不一致：${c.names.join('、')}（未自动合并，请核实）`,
              `Halls recorded different names: ${c.names.join(', ')} (not merged; check)`,
            )}
          />
        )}
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('电话', 'Phone')}>{c.phone ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('户号', 'Account no.')}>
            {c.accountNos.join('、') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('营业厅', 'Halls')}>
            {c.hallCodes.join('、')}
          </Descriptions.Item>
          <Descriptions.Item label={t('已合并的客户', 'Merged in')}>
            {d.mergedKeys.join('、') || '—'}
          </Descriptions.Item>
        </Descriptions>
        <Space style={{ marginTop: 12 }}>
          <Input
            aria-label={t('合并到客户键', 'Merge into key')}
            placeholder={t('合并到（客户键，如 I:110…）', 'Merge into (key, e.g. I:110…)')}
            value={into}
            onChange={(e) => setInto(e.target.value)}
            style={{ width: 320 }}
          />
          <Popconfirm
            title={t('确认把本客户合并到该客户？', 'Merge this customer into that one?')}
            onConfirm={() =>
              customersApi.merge(c.key, into.trim()).then((x) => {
                message.success(t('已合并', 'Merged'));
                navigate(`/workbench/customers/${encodeURIComponent(x.customer.key)}`);
              }, fail)
            }
          >
            <Button disabled={!into.trim()}>{t('合并', 'Merge')}</Button>
          </Popconfirm>
        </Space>
      </Card>
      <Card title={t('重点客户登记', 'Key-customer register')} data-testid="key-register-card">
        {d.keyCustomer && (
          <Alert
            type="success"
            style={{ marginBottom: 12 }}
            title={t(
              `重点客户，客户经理 ${d.keyCustomer.managerName}（${d.keyCustomer.managerPhone ?? '无电话'}），自 ${d.keyCustomer.since}`,
              `Key customer, manager ${d.keyCustomer.managerName} (${d.keyCustomer.managerPhone ?? 'no phone'}), since ${d.keyCustomer.since}`,
            )}
          />
        )}
        <Form layout="vertical" style={{ maxWidth: 560 }}>
          <Form.Item label={t('原因', 'Why')} required>
            <Checkbox.Group
              value={reasons}
              onChange={(v) => setReasons(v as KeyReason[])}
              options={customerRules.reasons.map((r) => ({ value: r.code, label: r[lang] }))}
            />
          </Form.Item>
          <Form.Item
            label={t('客户经理工号', 'Account manager staff no.')}
            htmlFor="kc-manager"
            required
          >
            <Input id="kc-manager" value={manager} onChange={(e) => setManager(e.target.value)} />
          </Form.Item>
          <Form.Item label={t('备注', 'Note')} htmlFor="kc-note">
            <Input id="kc-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </Form.Item>
          <Space>
            <Button
              type="primary"
              onClick={() =>
                customersApi
                  .putKey(c.key, {
                    reasons,
                    managerStaffNo: manager.trim(),
                    ...(note.trim() ? { note: note.trim() } : {}),
                  })
                  .then(() => {
                    message.success(t('已登记', 'Registered'));
                    return load();
                  }, fail)
              }
            >
              {d.keyCustomer ? t('保存', 'Save') : t('登记为重点客户', 'Register as key customer')}
            </Button>
            {d.keyCustomer && (
              <Button danger onClick={() => customersApi.removeKey(c.key).then(() => load(), fail)}>
                {t('移出名册', 'Remove')}
              </Button>
            )}
          </Space>
        </Form>
      </Card>
      <Card title={t('申请', 'Applications')}>
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={d.applications}
          columns={[
            {
              title: t('申请编号', 'Number'),
              render: (_, a) => <a href={`#/workbench/app/${a.id}`}>{a.appNo}</a>,
            },
            { title: t('营业厅', 'Hall'), dataIndex: 'hallCode' },
            { title: t('名称', 'Name'), dataIndex: 'customerName' },
            { title: t('状态', 'State'), dataIndex: 'status' },
            { title: t('时限', 'Deadline'), dataIndex: 'deadline' },
          ]}
        />
      </Card>
      <Card title={t('意见与投诉', 'Feedback and complaints')}>
        {d.feedback.length === 0 ? (
          <Empty />
        ) : (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={d.feedback}
            columns={[
              { title: t('编号', 'Number'), dataIndex: 'feedbackNo' },
              { title: t('类型', 'Kind'), dataIndex: 'kind' },
              { title: t('状态', 'State'), dataIndex: 'status' },
              { title: t('内容', 'Content'), dataIndex: 'content' },
            ]}
          />
        )}
      </Card>
      <Card title={t('评价与排队', 'Ratings and queue visits')}>
        <Typography.Paragraph>
          {d.ratings.map((r) => `${r.appNo}：${r.level}`).join('；') || t('无评价', 'No ratings')}
        </Typography.Paragraph>
        <Typography.Paragraph>
          {d.visits.map((v) => `${v.hallCode} ${v.ticketNo}（${v.appNo}）`).join('；') ||
            t('无叫号记录', 'No queue visits')}
        </Typography.Paragraph>
      </Card>
    </Space>
  );
}

function RegisterView({ onAuthLost }: { onAuthLost: () => void }) {
  const t = useT();
  const lang = useLang();
  const fail = useFail(onAuthLost);
  const [page, setPage] = useState(1);
  const [reg, setReg] = useState<KeyCustomerPage | null>(null);
  const [sugg, setSugg] = useState<SuggestedPage | null>(null);
  useEffect(() => {
    customersApi.register({ page, pageSize: 20 }).then(setReg, fail);
  }, [page, fail]);
  useEffect(() => {
    customersApi.suggested({ page: 1, pageSize: 50 }).then(setSugg, fail);
  }, [fail]);
  const reasons = (rs: KeyReason[]) => rs.map((r) => <Tag key={r}>{reasonLabel(r, lang)}</Tag>);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('重点客户名册', 'Key-customer register')}>
        <Table
          rowKey={keyOf}
          dataSource={reg?.rows ?? []}
          pagination={{
            current: page,
            pageSize: 20,
            total: reg?.total ?? 0,
            showSizeChanger: false,
            onChange: setPage,
          }}
          columns={[
            {
              title: t('客户', 'Customer'),
              render: (_, r) => <a href={customerLink(r.key)}>{r.name}</a>,
            },
            { title: t('原因', 'Why'), render: (_, r) => reasons(r.reasons) },
            {
              title: t('客户经理', 'Account manager'),
              render: (_, r) => `${r.managerName}（${r.managerStaffNo}）${r.managerPhone ?? ''}`,
            },
            { title: t('登记日期', 'Since'), dataIndex: 'since' },
          ]}
        />
      </Card>
      <Card title={t('建议的重点客户（按配置规则）', 'Suggested key customers (configured rules)')}>
        <Table
          rowKey={keyOf}
          size="small"
          pagination={false}
          dataSource={sugg?.rows ?? []}
          columns={[
            {
              title: t('客户', 'Customer'),
              render: (_, r) => <a href={customerLink(r.key)}>{r.name}</a>,
            },
            { title: t('符合规则', 'Rules met'), render: (_, r) => reasons(r.reasons) },
            { title: t('申请数', 'Applications'), dataIndex: 'applications' },
          ]}
        />
      </Card>
    </Space>
  );
}

function ManagerView({ onAuthLost }: { onAuthLost: () => void }) {
  const t = useT();
  const fail = useFail(onAuthLost);
  const [no, setNo] = useState(savedManager());
  const [applied, setApplied] = useState(savedManager());
  const [p, setP] = useState<ManagerPage | null>(null);
  const load = useCallback(() => {
    if (!applied) return;
    customersApi.manager(applied).then(setP, fail);
  }, [applied, fail]);
  useEffect(load, [load]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={t('客户经理', 'Account manager')}>
        <Input.Search
          aria-label={t('客户经理工号', 'Account manager staff no.')}
          value={no}
          onChange={(e) => setNo(e.target.value)}
          onSearch={(v) => {
            saveManager(v.trim());
            setApplied(v.trim());
          }}
          enterButton={t('查看', 'Open')}
          style={{ width: 320 }}
        />
        {p && (
          <Typography.Paragraph style={{ marginTop: 12 }}>
            {p.name}（{p.staffNo}）{p.phone ?? ''} · {t('上次查看', 'Last looked')}：
            {p.seenAt ?? t('从未', 'never')}
          </Typography.Paragraph>
        )}
      </Card>
      {p && (
        <Card
          title={
            <Badge count={p.changes.length} offset={[12, 0]}>
              {t('上次查看以来的变化', 'Changes since you last looked')}
            </Badge>
          }
          extra={
            <Button onClick={() => customersApi.seen(p.staffNo).then(load, fail)}>
              {t('标为已读', 'Mark as read')}
            </Button>
          }
        >
          {p.changes.length === 0 ? (
            <Empty description={t('没有新变化', 'Nothing new')} />
          ) : (
            <ul data-testid="manager-changes">
              {p.changes.map((c) => (
                <li key={c.applicationId}>
                  <a href={`#/workbench/app/${c.applicationId}`}>{c.appNo}</a> {c.customerName}：
                  {c.moves.map((m) => `${m.from ?? ''}→${m.to}（${m.actor}）`).join('，') ||
                    c.status}
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
      {p && (
        <Card title={t('我的客户', 'My customers')}>
          <Table
            rowKey={keyOf}
            pagination={false}
            dataSource={p.customers}
            columns={[
              {
                title: t('客户', 'Customer'),
                render: (_, r) => <a href={customerLink(r.key)}>{r.name}</a>,
              },
              {
                title: t('在办申请', 'Open applications'),
                render: (_, r) =>
                  r.openApplications.map((a) => `${a.appNo}（${a.status}）`).join('，'),
              },
              { title: t('最近时限', 'Next deadline'), render: (_, r) => r.nextDeadline ?? '—' },
              { title: t('未结意见', 'Open feedback'), dataIndex: 'openFeedback' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

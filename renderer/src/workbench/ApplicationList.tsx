// The workbench's application list: the filters (one search box, address, hall, state, business
// type, acceptance dates, due) and a virtualised table that fetches the next keyset page as the
// user scrolls near its end, so that a million rows scroll without a pause (only the visible rows
// are rendered; each page is one indexed query on the server).
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { STATE_LABELS } from '../../../shared/domain/paths';
import type { WorkbenchRow } from '../../../shared/protocol/workbench';
import { useLang, useT } from '../i18n';
import { navigate } from '../ui/router';
import { workbenchApi, type SearchFilters } from './api';

/** Rows per fetched page; the next one is asked for when fewer than this remain below the view. */
const PAGE = 100;
const ROW_HEIGHT = 39;
const LIST_HEIGHT = 520;

export function stateName(s: string, lang: 'zh' | 'en'): string {
  const l = (STATE_LABELS as Record<string, { zh: string; en: string } | undefined>)[s];
  return l ? l[lang] : s;
}

interface Loaded {
  rows: WorkbenchRow[];
  total: number | null;
  capped: boolean;
  next: string | null;
}

export function ApplicationList({
  filters,
  onError,
}: {
  filters: SearchFilters;
  onError: (e: unknown) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [data, setData] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(false);
  // The search the loaded rows belong to: a page that arrives for an older search is dropped.
  const generation = useRef(0);
  const fetching = useRef(false);

  useEffect(() => {
    const gen = ++generation.current;
    fetching.current = true;
    setLoading(true);
    setData(null);
    workbenchApi
      .search({ ...filters, pageSize: PAGE })
      .then(
        (p) =>
          gen === generation.current &&
          setData({ rows: p.rows, total: p.total, capped: p.totalCapped, next: p.nextCursor }),
        onError,
      )
      .finally(() => {
        if (gen !== generation.current) return;
        fetching.current = false;
        setLoading(false);
      });
  }, [filters, onError]);

  const more = useCallback(() => {
    if (!data?.next || fetching.current) return;
    const gen = generation.current;
    fetching.current = true;
    setLoading(true);
    workbenchApi
      .search({ ...filters, pageSize: PAGE, cursor: data.next })
      .then((p) => {
        if (gen !== generation.current) return;
        setData((d) => d && { ...d, rows: d.rows.concat(p.rows), next: p.nextCursor });
      }, onError)
      .finally(() => {
        if (gen !== generation.current) return;
        fetching.current = false;
        setLoading(false);
      });
  }, [data, filters, onError]);

  const onScroll = (e: React.UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget as HTMLDivElement | null;
    if (!el) return;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - PAGE * ROW_HEIGHT * 0.5) more();
  };

  const total = data?.total ?? 0;
  return (
    <>
      <Typography.Text type="secondary" data-testid="wb-list-count">
        {data
          ? data.capped
            ? t(
                `超过 ${total} 件（已载入 ${data.rows.length}）`,
                `over ${total} (${data.rows.length} loaded)`,
              )
            : t(`共 ${total} 件`, `${total} in all`)
          : ' '}
      </Typography.Text>
      <Table<WorkbenchRow>
        virtual
        size="small"
        rowKey="id"
        data-testid="wb-list"
        loading={loading && !data}
        scroll={{ x: 900, y: LIST_HEIGHT }}
        dataSource={data?.rows ?? []}
        pagination={false}
        onScroll={onScroll}
        onRow={(r) => ({ onDoubleClick: () => navigate(`/workbench/app/${r.id}`) })}
        footer={
          data?.next
            ? () => (
                <Button size="small" loading={loading} onClick={more}>
                  {t('载入更多', 'Load more')}
                </Button>
              )
            : undefined
        }
        columns={[
          {
            title: t('申请编号', 'Number'),
            dataIndex: 'appNo',
            width: 260,
            render: (no: string, r) => <a href={`#/workbench/app/${r.id}`}>{no}</a>,
          },
          { title: t('营业厅', 'Hall'), dataIndex: 'hallCode', width: 90 },
          {
            title: t('客户', 'Customer'),
            dataIndex: 'customerName',
            width: 220,
            // A key customer's account manager comes with the page (no request per row).
            render: (name: string, r) =>
              r.keyManager ? (
                <Space size={4} wrap>
                  {name}
                  <Tag
                    color="gold"
                    data-testid="wb-key-manager"
                    title={r.keyManager.phone ?? undefined}
                  >
                    {t(`客户经理 ${r.keyManager.name}`, `Manager ${r.keyManager.name}`)}
                  </Tag>
                </Space>
              ) : (
                name
              ),
          },
          { title: t('业务', 'Business'), dataIndex: 'businessCode', width: 80 },
          {
            title: t('环节', 'State'),
            dataIndex: 'status',
            width: 110,
            render: (s: string) => stateName(s, lang),
          },
          {
            title: t('期限', 'Deadline'),
            dataIndex: 'deadline',
            width: 180,
            render: (d: string, r) =>
              r.overdue ? <Tag color="red">{`${d} ${t('超期', 'overdue')}`}</Tag> : d,
          },
        ]}
      />
    </>
  );
}

/** The filter bar: edits a draft; Enter in any field or the button runs the search. */
export function FilterBar({
  draft,
  setDraft,
  onSearch,
}: {
  draft: SearchFilters;
  setDraft: (d: SearchFilters) => void;
  onSearch: (over?: Partial<SearchFilters>) => void;
}) {
  const t = useT();
  const lang = useLang();
  const text = (
    key: 'hall' | 'business' | 'address' | 'from' | 'to',
    label: string,
    width: number,
    type?: string,
  ) => (
    <Input
      style={{ width }}
      type={type}
      allowClear={!type}
      placeholder={label}
      aria-label={label}
      value={draft[key] ?? ''}
      onChange={(e) => setDraft({ ...draft, [key]: e.target.value || undefined })}
      onPressEnter={() => onSearch()}
    />
  );
  return (
    <Space wrap style={{ marginBottom: 12 }}>
      <Input.Search
        style={{ width: 380 }}
        allowClear
        aria-label={t('搜索', 'Search')}
        placeholder={t(
          '申请编号 / 流水号 / 客户名称 / 拼音首字母 / 证件后4位 / 电话 / 户号',
          'Number / serial / name / pinyin initials / ID last 4 / phone / account no.',
        )}
        value={draft.q ?? ''}
        onChange={(e) => setDraft({ ...draft, q: e.target.value })}
        onSearch={(v) => onSearch({ q: v })}
      />
      {text('address', t('地址（任意部分）', 'Address (any part)'), 200)}
      {text('hall', t('营业厅编号', 'Hall code'), 110)}
      {text('business', t('业务类型代码', 'Business type code'), 130)}
      <Select
        style={{ width: 150 }}
        allowClear
        placeholder={t('环节', 'State')}
        aria-label={t('环节', 'State')}
        value={draft.status}
        onChange={(v?: string) => setDraft({ ...draft, status: v })}
        options={Object.keys(STATE_LABELS).map((s) => ({ value: s, label: stateName(s, lang) }))}
      />
      {text('from', t('受理日期起', 'Accepted from'), 150, 'date')}
      {text('to', t('受理日期止', 'Accepted to'), 150, 'date')}
      <Select
        style={{ width: 110 }}
        allowClear
        placeholder={t('期限', 'Due')}
        aria-label={t('期限', 'Due')}
        value={draft.due}
        onChange={(v?: 'overdue' | 'soon') => setDraft({ ...draft, due: v })}
        options={[
          { value: 'overdue', label: t('已超期', 'Overdue') },
          { value: 'soon', label: t('临期', 'Due soon') },
        ]}
      />
      <Button type="primary" onClick={() => onSearch()}>
        {t('查询', 'Search')}
      </Button>
    </Space>
  );
}

// The workbench's application list: the filters (one search box, address, hall, state, business
// type, acceptance dates, due) and a virtualised table that fetches the next keyset page as the
// user scrolls near its end, so that a million rows scroll without a pause (only the visible rows
// are rendered; each page is one indexed query on the server).
import { Button, Input, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { STATE_LABELS } from '../../../shared/domain/paths';
import type { WorkbenchRow } from '../../../shared/protocol/workbench';
import { useLang, useT } from '../i18n';
import { navigate } from '../ui/router';
import { workbenchApi, type SearchFilters } from './api';

/** Rows per fetched page; the next one is asked for when fewer than half of this remain below. */
const PAGE = 100;
const ROW_HEIGHT = 39;
const LIST_HEIGHT = 520;
/** Rows drawn above and below the view, so a quick wheel turn never shows a blank band. */
const OVERSCAN = 8;
/**
 * Tallest scroll area drawn (px). Browsers cap an element's height (~33 M px in Chromium), so
 * past ~770,000 loaded rows the scrollbar is compressed: positions are mapped, rows keep their
 * height.
 */
const MAX_SCROLL_PX = 30_000_000;

/** The cap in force: the e2e test lowers it (a window property) to compress 260 rows. */
function maxScrollPx(): number {
  const v = (window as { halldeskWbMaxScrollPx?: unknown }).halldeskWbMaxScrollPx;
  return typeof v === 'number' && v > 0 ? v : MAX_SCROLL_PX;
}

export function stateName(s: string, lang: 'zh' | 'en'): string {
  const l = (STATE_LABELS as Record<string, { zh: string; en: string } | undefined>)[s];
  return l ? l[lang] : s;
}

interface Loaded {
  /** Appended to in place (a page at a time); `version` tells React it grew. */
  rows: WorkbenchRow[];
  version: number;
  total: number | null;
  capped: boolean;
  next: string | null;
}

interface Column {
  key: string;
  title: string;
  width: number;
  cell: (r: WorkbenchRow) => React.ReactNode;
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
  const [scrollTop, setScrollTop] = useState(0);
  // The search the loaded rows belong to: a page that arrives for an older search is dropped.
  const generation = useRef(0);
  const fetching = useRef(false);
  const body = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    const gen = ++generation.current;
    fetching.current = true;
    setLoading(true);
    setData(null);
    setScrollTop(0);
    if (body.current) body.current.scrollTop = 0;
    workbenchApi
      .search({ ...filters, pageSize: PAGE })
      .then(
        (p) =>
          gen === generation.current &&
          setData({
            rows: p.rows,
            version: 0,
            total: p.total,
            capped: p.totalCapped,
            next: p.nextCursor,
          }),
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
        // In place, once (not in the state updater, which React may run twice): copying a
        // list of a million rows for every page of 100 is what paused it.
        for (const r of p.rows) data.rows.push(r);
        setData((d) => d && { ...d, version: d.version + 1, next: p.nextCursor });
      }, onError)
      .finally(() => {
        if (gen !== generation.current) return;
        fetching.current = false;
        setLoading(false);
      });
  }, [data, filters, onError]);

  const rows = data?.rows ?? [];
  const full = rows.length * ROW_HEIGHT;
  const drawn = Math.min(full, maxScrollPx());
  // Where the view is in the whole list (1:1 until the scroll area is compressed).
  const ratio = drawn > LIST_HEIGHT ? (full - LIST_HEIGHT) / (drawn - LIST_HEIGHT) : 1;
  const at = scrollTop * ratio;
  const first = Math.max(0, Math.floor(at / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((at + LIST_HEIGHT) / ROW_HEIGHT) + OVERSCAN);

  const nearEnd = (top: number) => top * ratio + LIST_HEIGHT >= full - PAGE * ROW_HEIGHT * 0.5;
  const onScroll = (e: React.UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    setScrollTop(top);
    if (nearEnd(top)) more();
  };
  // Once the area is compressed it no longer grows with a new page: at its bottom a wheel turn
  // or a key scrolls nothing and fires no scroll event, so they ask for the next page themselves
  // (769,400 rows was where the bench's scrolling stopped before this).
  const onPush = (el: HTMLDivElement) => {
    if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 && nearEnd(el.scrollTop)) more();
  };

  const columns: Column[] = [
    {
      key: 'appNo',
      title: t('申请编号', 'Number'),
      width: 260,
      cell: (r) => <a href={`#/workbench/app/${r.id}`}>{r.appNo}</a>,
    },
    { key: 'hall', title: t('营业厅', 'Hall'), width: 90, cell: (r) => r.hallCode },
    {
      key: 'customer',
      title: t('客户', 'Customer'),
      width: 220,
      // A key customer's account manager comes with the page (no request per row).
      cell: (r) =>
        r.keyManager ? (
          <Space size={4}>
            {r.customerName}
            <Tag color="gold" data-testid="wb-key-manager" title={r.keyManager.phone ?? undefined}>
              {t(`客户经理 ${r.keyManager.name}`, `Manager ${r.keyManager.name}`)}
            </Tag>
          </Space>
        ) : (
          r.customerName
        ),
    },
    { key: 'business', title: t('业务', 'Business'), width: 80, cell: (r) => r.businessCode },
    {
      key: 'state',
      title: t('环节', 'State'),
      width: 110,
      cell: (r) => stateName(r.status, lang),
    },
    {
      key: 'deadline',
      title: t('期限', 'Deadline'),
      width: 180,
      cell: (r) =>
        r.overdue ? <Tag color="red">{`${r.deadline} ${t('超期', 'overdue')}`}</Tag> : r.deadline,
    },
  ];
  const width = columns.reduce((a, c) => a + c.width, 0);

  const total = data?.total ?? 0;
  return (
    <>
      <Typography.Text type="secondary" data-testid="wb-list-count">
        {data
          ? data.capped
            ? t(
                `超过 ${total} 件（已载入 ${rows.length}）`,
                `over ${total} (${rows.length} loaded)`,
              )
            : t(`共 ${total} 件`, `${total} in all`)
          : ' '}
      </Typography.Text>
      {/* Only the rows in view are drawn, each absolutely placed: a render costs the same with
          a hundred rows loaded or a million (antd's virtual Table re-walked all of them). */}
      <div className="wb-list" role="table" data-testid="wb-list" aria-rowcount={rows.length}>
        <div className="wb-list-head" role="row" style={{ width }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" style={{ width: c.width }}>
              {c.title}
            </div>
          ))}
        </div>
        <div
          ref={body}
          className="wb-list-body"
          data-testid="wb-list-body"
          style={{ height: LIST_HEIGHT }}
          onScroll={onScroll}
          onWheel={(e) => e.deltaY > 0 && onPush(e.currentTarget)}
          onKeyDown={(e) =>
            ['ArrowDown', 'PageDown', 'End', ' '].includes(e.key) && onPush(e.currentTarget)
          }
          tabIndex={0}
          aria-label={t('申请列表', 'Applications')}
        >
          {data === null && loading ? (
            <div className="wb-list-empty">
              <Spin />
            </div>
          ) : rows.length === 0 ? (
            <div className="wb-list-empty">{t('没有符合条件的申请', 'No applications match')}</div>
          ) : (
            <div style={{ height: drawn, width, position: 'relative' }}>
              {rows.slice(first, last).map((r, i) => (
                <div
                  key={r.id}
                  role="row"
                  className="wb-row"
                  style={{
                    top: scrollTop + (first + i) * ROW_HEIGHT - at,
                    height: ROW_HEIGHT,
                    width,
                  }}
                  onDoubleClick={() => navigate(`/workbench/app/${r.id}`)}
                >
                  {columns.map((c) => (
                    <div key={c.key} role="cell" style={{ width: c.width }}>
                      {c.cell(r)}
                    </div>
                  ))}
                </div>
              ))}
            </div>
          )}
        </div>
        {data?.next && (
          <div className="wb-list-foot">
            <Button size="small" loading={loading} onClick={more}>
              {t('载入更多', 'Load more')}
            </Button>
          </div>
        )}
      </div>
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

// 受理查询: a virtualised list of stored applications, newest first, with one search box (number,
// name, ID whole or last 4, phone, 户号, address) and filters (status, type, date, overdue, key
// customer). ID numbers and phones are masked; overdue rows are highlighted.
import { SearchOutlined, StarFilled } from '@ant-design/icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Button, Checkbox, DatePicker, Input, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useLiveQuery } from 'dexie-react-hooks';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Application } from '../../../shared/domain/model';
import { STATE_LABELS } from '../../../shared/domain/paths';
import {
  type ApplicationFilters,
  type SearchKind,
  type SearchQuery,
  countApplicationsInSlices,
  searchApplications,
} from '../db/repo';
import { planText } from '../db/searchPlan';
import { type Lang, pick, useLang, useT } from '../i18n';
import { dismissFirstPaint } from '../ui/firstPaintHandle';
import { navigate } from '../ui/router';
import { type DeskConfig, useDeskConfig } from './config';
import { HouseholdAllowanceReminder } from './HouseholdAllowances';
import { takeEarlyFirstPage, takeTypedSearch } from './firstPaint';
import {
  emptySearchText,
  FIRST_PAGE,
  listHeadings,
  resultCountText,
  ROW_HEIGHT,
  rowView,
  searchPlaceholder,
} from './listRows';

const PAGE = 100;
// The total is counted once the list has been quiet this long (a count over 200,000 rows is
// seconds of index walking; it must never sit between the clerk and the first rows or a submit).
const COUNT_QUIET_MS = 700;

interface Counted {
  query: SearchQuery | undefined;
  filters: ApplicationFilters;
  total: number | undefined;
}

interface ListState {
  text: string;
  kind: SearchKind;
  status: string[];
  business: string[];
  range: [string, string] | null;
  overdue: boolean;
  keyCustomer: boolean;
}

const INITIAL: ListState = {
  text: '',
  kind: 'auto',
  status: [],
  business: [],
  range: null,
  overdue: false,
  keyCustomer: false,
};

// The list's search survives going to a detail page and back within the session.
let remembered: ListState = INITIAL;

function toQuery(s: ListState): SearchQuery | undefined {
  const text = s.text.trim();
  return text ? { text, kind: s.kind } : undefined;
}

function toFilters(s: ListState, today: string): ApplicationFilters {
  return {
    ...(s.status.length ? { status: s.status } : {}),
    ...(s.business.length ? { businessCode: s.business } : {}),
    ...(s.range ? { from: s.range[0], to: s.range[1] } : {}),
    ...(s.overdue ? { overdue: true } : {}),
    ...(s.keyCustomer ? { keyCustomer: true } : {}),
    today,
  };
}

export function ApplicationsPage() {
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  // What the clerk typed into the start-up paint's search box carries over (firstPaint.ts).
  const [draft, setDraft] = useState<ListState>(() => {
    const typed = takeTypedSearch();
    return typed ? { ...remembered, text: typed } : remembered;
  });
  const [applied, setApplied] = useState<ListState>(remembered);
  const today = cfg.calendar.dateOf(new Date());
  const query = useMemo(() => toQuery(applied), [applied]);
  const filters = useMemo(() => toFilters(applied, today), [applied, today]);

  // The first page is a live query: new or changed applications show up without a refresh.
  // It reads one page off the index and no count, so it paints at once and re-runs cheaply
  // after every write; the total comes after (below).
  // At start-up the first page may already have been read (and painted) before this code
  // arrived (firstPaint.ts): the list starts from it instead of waiting for the same query.
  const [early] = useState(() => takeEarlyFirstPage(query, filters));
  const first = useLiveQuery(
    () =>
      searchApplications(query, filters, { limit: FIRST_PAGE, countTotal: false }).then((r) => ({
        ...r,
        error: null as string | null,
      })),
    [query, filters],
    early ? { ...early, error: null as string | null } : undefined,
  );
  const [counted, setCounted] = useState<Counted | null>(null);
  // Count when the page does not know its total and the store has been quiet for a moment; a
  // change restarts the wait and abandons a count under way (the sliced count lets writes
  // through between its slices anyway).
  useEffect(() => {
    if (!first || first.total !== undefined) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      const counting = query
        ? searchApplications(query, filters, { limit: 1 }).then((r) => r.total)
        : countApplicationsInSlices(filters, { signal: ctrl.signal });
      counting.then(
        (total) => {
          if (!ctrl.signal.aborted) setCounted({ query, filters, total });
        },
        (e: unknown) => console.warn('list total not counted', e),
      );
    }, COUNT_QUIET_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [first, query, filters]);
  // Between counts, new applications arriving at the top of the live page keep the total right.
  const prevFirst = useRef<typeof first>(undefined);
  useEffect(() => {
    const prev = prevFirst.current;
    prevFirst.current = first;
    if (!prev || !first || prev === first) return;
    const known = new Set(prev.rows.map((r) => r.id));
    const top = prev.rows[0]?.acceptedAt ?? '';
    const added = first.rows.filter((r) => !known.has(r.id) && r.acceptedAt >= top).length;
    if (added === 0) return;
    setCounted((c) =>
      c && c.query === query && c.filters === filters && c.total !== undefined
        ? { ...c, total: c.total + added }
        : c,
    );
  }, [first, query, filters]);
  const total =
    first?.total ??
    (counted && counted.query === query && counted.filters === filters ? counted.total : undefined);
  const [more, setMore] = useState<Application[]>([]);
  const [moreHasMore, setMoreHasMore] = useState<boolean | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Functional: an already empty list keeps its identity (no extra render per live update).
    setMore((m) => (m.length ? [] : m));
    setMoreHasMore(null);
  }, [first]);

  const rows = useMemo(() => [...(first?.rows ?? []), ...more], [first, more]);
  // Layout effect: the start-up first paint goes in the same frame as these rows come in.
  useLayoutEffect(() => {
    if (!first) return;
    dismissFirstPaint();
    if (performance.getEntriesByName('halldesk:list-first-rows').length === 0) {
      performance.mark('halldesk:list-first-rows');
    }
  }, [first]);
  const hasMore = moreHasMore ?? first?.hasMore ?? false;

  const loadMore = useCallback(async () => {
    if (loading || !hasMore) return;
    setLoading(true);
    try {
      const r = await searchApplications(query, filters, {
        limit: PAGE,
        offset: rows.length,
        countTotal: false,
      });
      setMore((m) => [...m, ...r.rows]);
      setMoreHasMore(r.hasMore);
    } catch (e) {
      setError(String(e));
    } finally {
      setLoading(false);
    }
  }, [loading, hasMore, query, filters, rows.length]);

  // Stable, so that the memoised filter bar does not re-render on every live update.
  const applyState = useCallback((next: ListState) => {
    remembered = next;
    setError(null);
    setApplied(next);
  }, []);
  const apply = (next: ListState = draft) => applyState(next);

  // Typing searches after a short pause; Enter searches at once.
  useEffect(() => {
    if (draft.text === applied.text && draft.kind === applied.kind) return;
    const id = setTimeout(() => apply({ ...applied, text: draft.text, kind: draft.kind }), 300);
    return () => clearTimeout(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft.text, draft.kind]);

  // The filter bar (three selects, a date range picker, checkboxes: most of this page's
  // rendering and style work) mounts right after the first rows have painted, so the rows do
  // not wait for it; a list opened with filters applied shows them at once.
  const [filtersShown, setFiltersShown] = useState(remembered !== INITIAL);
  useEffect(() => {
    if (filtersShown || first === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setFiltersShown(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [filtersShown, first]);

  const parentRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex >= rows.length - 20 && hasMore && !loading) void loadMore();
  }, [lastIndex, rows.length, hasMore, loading, loadMore]);

  const kindOptions: { value: SearchKind; label: string }[] = [
    { value: 'auto', label: t('自动识别', 'Auto') },
    { value: 'appNo', label: t('申请编号', 'Application no.') },
    { value: 'serial', label: t('流水号', 'Serial') },
    { value: 'name', label: t('户名', 'Name') },
    { value: 'pinyin', label: t('拼音首字母', 'Pinyin initials') },
    { value: 'idLast4', label: t('证件后4位', 'ID last 4') },
    { value: 'id', label: t('证件号码', 'ID number') },
    { value: 'phone', label: t('电话', 'Phone') },
    { value: 'accountNo', label: t('户号', 'Account no.') },
    { value: 'address', label: t('地址', 'Address') },
  ];

  return (
    <div>
      <Typography.Title level={3}>{t('受理查询', 'Applications')}</Typography.Title>
      <HouseholdAllowanceReminder />
      <Space wrap style={{ marginBottom: 12 }}>
        <Space.Compact>
          <Select
            aria-label={t('搜索方式', 'Search by')}
            value={draft.kind}
            onChange={(kind: SearchKind) => setDraft({ ...draft, kind })}
            options={kindOptions}
            style={{ width: 120 }}
          />
          <Input
            id="app-search"
            aria-label={t('搜索申请', 'Search applications')}
            placeholder={searchPlaceholder(lang)}
            value={draft.text}
            allowClear
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
            onPressEnter={() => apply()}
            style={{ width: 420 }}
            autoFocus
          />
          <Button
            icon={<SearchOutlined />}
            onClick={() => apply()}
            aria-label={t('搜索', 'Search')}
          />
        </Space.Compact>
      </Space>
      {!filtersShown ? (
        // The filter bar's height, so that nothing moves when it comes in.
        <div style={{ minHeight: 32, marginBottom: 12 }} aria-hidden />
      ) : (
        <FilterBar draft={draft} setDraft={setDraft} apply={applyState} />
      )}
      <div style={{ marginBottom: 8 }} aria-live="polite" data-testid="result-count">
        {resultCountText(rows.length, total, first !== undefined, lang)}
        {first?.truncated && (
          <Typography.Text type="warning">
            {' '}
            {t(
              '地址搜索只查了最近的记录，请加筛选条件缩小范围',
              'The address search covered recent records only: add a filter',
            )}
          </Typography.Text>
        )}
        {error && <Typography.Text type="danger"> {error}</Typography.Text>}
      </div>
      {first !== undefined && total === 0 && query && (
        <Typography.Paragraph type="secondary" data-testid="empty-search">
          {emptySearchText(
            query.text,
            (planText(query.text, query.kind ?? 'auto') ?? [{ kind: 'ad' as const }]).map(
              (p) => p.kind,
            ),
            lang,
          )}
        </Typography.Paragraph>
      )}
      <div className="list-head" aria-hidden>
        {listHeadings(lang).map((h) => (
          <span key={h}>{h}</span>
        ))}
      </div>
      <div
        ref={parentRef}
        className="app-list"
        role="list"
        aria-label={t('申请列表', 'Applications')}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const app = rows[vi.index];
            if (!app) return null;
            return (
              <AppRow key={app.id} app={app} top={vi.start} today={today} lang={lang} cfg={cfg} />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/**
 * Status, type, date, overdue and key-customer filters. Memoised: a live update of the list
 * (every submit, every sync) must not re-render three selects and a date range picker.
 */
const FilterBar = memo(function FilterBar(props: {
  draft: ListState;
  setDraft: (s: ListState) => void;
  apply: (s: ListState) => void;
}) {
  const { draft, setDraft, apply } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="list-filters">
      <Select
        mode="multiple"
        allowClear
        aria-label={t('状态', 'Status')}
        placeholder={t('状态', 'Status')}
        value={draft.status}
        onChange={(status: string[]) => {
          const next = { ...draft, status };
          setDraft(next);
          apply(next);
        }}
        options={Object.entries(STATE_LABELS).map(([k, v]) => ({
          value: k,
          label: lang === 'en' ? v.en : v.zh,
        }))}
        style={{ minWidth: 160 }}
        maxTagCount="responsive"
      />
      <Select
        mode="multiple"
        allowClear
        aria-label={t('业务类型', 'Business type')}
        placeholder={t('业务类型', 'Business type')}
        value={draft.business}
        onChange={(business: string[]) => {
          const next = { ...draft, business };
          setDraft(next);
          apply(next);
        }}
        options={cfg.catalogue.types.map((bt) => ({
          value: bt.code,
          label: `${bt.code} ${pick(lang, bt.name, bt.nameEn)}`,
        }))}
        optionFilterProp="label"
        style={{ minWidth: 220 }}
        maxTagCount="responsive"
      />
      <DatePicker.RangePicker
        aria-label={t('受理日期', 'Accepted between')}
        onChange={(v: [Dayjs | null, Dayjs | null] | null) => {
          const range: [string, string] | null =
            v && v[0] && v[1] ? [v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')] : null;
          const next = { ...draft, range };
          setDraft(next);
          apply(next);
        }}
      />
      <Checkbox
        checked={draft.overdue}
        onChange={(e) => {
          const next = { ...draft, overdue: e.target.checked };
          setDraft(next);
          apply(next);
        }}
      >
        {t('仅超期', 'Overdue only')}
      </Checkbox>
      <Checkbox
        checked={draft.keyCustomer}
        onChange={(e) => {
          const next = { ...draft, keyCustomer: e.target.checked };
          setDraft(next);
          apply(next);
        }}
      >
        {t('仅大客户', 'Key customers only')}
      </Checkbox>
    </Space>
  );
});

const SECONDARY = { color: 'rgba(0, 0, 0, 0.45)' } as const;

function AppRowView(props: {
  app: Application;
  top: number;
  today: string;
  lang: Lang;
  cfg: DeskConfig;
}) {
  const { app } = props;
  const r = rowView(app, props.cfg, props.today, props.lang);
  const open = () => navigate(`/desk/app/${app.id}`);
  return (
    <div
      role="listitem"
      tabIndex={0}
      data-testid="app-row"
      className={`app-row${r.overdue ? ' overdue' : ''}`}
      style={{ top: props.top, height: ROW_HEIGHT }}
      onClick={open}
      onKeyDown={(e) => {
        if (e.key === 'Enter') open();
      }}
    >
      <span>
        <a href={r.href} onClick={(e) => e.stopPropagation()} tabIndex={-1}>
          {r.appNo}
        </a>
      </span>
      <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
        {r.keyTag && (
          <Tag color="gold" icon={<StarFilled />} title={r.keyTag.manager}>
            {r.keyTag.text}
          </Tag>
        )}
        <strong>{r.name}</strong>
        {/* A plain span (antd's secondary text colour): one per row, rendered for every row. */}
        <span style={SECONDARY}> {r.business}</span>
      </span>
      <span data-testid="row-id">{r.idMasked}</span>
      <span data-testid="row-phone">{r.phoneMasked}</span>
      <span>{r.state}</span>
      <span className={r.overdue ? 'overdue-text' : undefined}>
        {r.deadline}
        <br />
        <small>{r.daysLeft}</small>
      </span>
    </div>
  );
}

type AppRowProps = Parameters<typeof AppRowView>[0];

/** What a row shows of an application: rows re-render only when one of these changes. */
function sameRowContent(a: Application, b: Application): boolean {
  return (
    a.id === b.id &&
    a.appNo === b.appNo &&
    a.status === b.status &&
    a.deadline === b.deadline &&
    a.acceptedAt === b.acceptedAt &&
    a.updatedAt === b.updatedAt &&
    a.businessCode === b.businessCode &&
    a.customer.name === b.customer.name &&
    a.customer.idNumber === b.customer.idNumber &&
    a.customer.phone === b.customer.phone &&
    a.keyCustomer?.managerName === b.keyCustomer?.managerName
  );
}

// Every live update brings new row objects for the same applications: only rows whose content
// or position changed re-render (a submit with the list on screen re-renders one row, not 20).
const AppRow = memo(
  AppRowView,
  (p: AppRowProps, n: AppRowProps) =>
    p.top === n.top &&
    p.today === n.today &&
    p.lang === n.lang &&
    p.cfg === n.cfg &&
    sameRowContent(p.app, n.app),
);

// 受理查询 before the UI code has arrived: on a start on the list's route, this paints the
// list's first page from the local database in plain DOM (same rows, same masking, same places as
// the React list) while React, antd and the pages are still downloading and compiling, which on
// a 2-core hall PC takes several hundred milliseconds. The rows are links, so a click already
// opens the application. The React list then starts from the same query result and removes this
// paint in the commit that draws its own rows, so the swap does not flicker (ui/firstPaintHandle).
import AppstoreOutlined from '@ant-design/icons-svg/es/asn/AppstoreOutlined';
import CommentOutlined from '@ant-design/icons-svg/es/asn/CommentOutlined';
import FileAddOutlined from '@ant-design/icons-svg/es/asn/FileAddOutlined';
import FileTextOutlined from '@ant-design/icons-svg/es/asn/FileTextOutlined';
import QuestionCircleOutlined from '@ant-design/icons-svg/es/asn/QuestionCircleOutlined';
import SearchOutlined from '@ant-design/icons-svg/es/asn/SearchOutlined';
import SettingOutlined from '@ant-design/icons-svg/es/asn/SettingOutlined';
import SoundOutlined from '@ant-design/icons-svg/es/asn/SoundOutlined';
import SyncOutlined from '@ant-design/icons-svg/es/asn/SyncOutlined';
import type { AbstractNode, IconDefinition } from '@ant-design/icons-svg/es/types';
import type { Application } from '../../../shared/domain/model';
import {
  type ApplicationFilters,
  type SearchQuery,
  type SearchResult,
  searchApplicationsIn,
} from '../db/search';
import { type Lang, useLangStore } from '../i18n';
import { currentPath, openDeskDatabase } from '../startup';
import { firstPaintShown, showFirstPaint } from '../ui/firstPaintHandle';
import { type NavIcon, navEntries, selectedNavKey } from '../ui/navItems';
import { paintConfig } from './paintConfig';
import {
  FIRST_PAGE,
  listHeadings,
  resultCountText,
  ROW_HEIGHT,
  rowView,
  type RowView,
  searchPlaceholder,
} from './listRows';

export const LIST_PATH = '/desk/applications';

interface Early {
  today: string;
  page: SearchResult<Application>;
}

let early: Early | null = null;
let searchBox: HTMLInputElement | null = null;

/**
 * What the clerk typed into the paint's search box before the list took over (it carries over
 * into the real search box, so no keystroke is lost at start-up). Taken once.
 */
export function takeTypedSearch(): string {
  const text = searchBox?.value ?? '';
  searchBox = null;
  return text;
}

/**
 * The first page read at start-up, for the React list to start from (no second wait, no
 * flicker): only while it is the page on screen, for the list's opening state (no search text,
 * no filter) on the same day. Taken once.
 */
export function takeEarlyFirstPage(
  query: SearchQuery | undefined,
  filters: ApplicationFilters,
): SearchResult<Application> | undefined {
  const e = early;
  early = null;
  if (!e || !firstPaintShown() || query !== undefined) return undefined;
  const keys = Object.keys(filters);
  if (keys.length !== 1 || filters.today !== e.today) return undefined;
  return e.page;
}

/** Reads the first page and paints it; resolves once painted (or once there is nothing to do). */
export async function startFirstPaint(): Promise<void> {
  if (currentPath() !== LIST_PATH) return;
  // Start-up marks (bench:local reads them): this code in, the page read, the paint on screen.
  performance.mark('halldesk:first-paint-start');
  const opened = await openDeskDatabase();
  // A database that cannot open gets the React recovery screen, nothing painted over it.
  if (!opened.ok) return;
  // Read without the schemas (paintConfig.ts): zod and the catalogue's validation would add
  // ~150 KB of code to compile before the first row. main.tsx makes the validated
  // configuration current before React's first render. Today is the hall's (its zone).
  const cfg = await paintConfig(opened.db);
  const today = cfg.calendar.dateOf(new Date());
  const page = await searchApplicationsIn(
    opened.db,
    undefined,
    { today },
    { limit: FIRST_PAGE, countTotal: false },
  );
  early = { today, page };
  performance.mark('halldesk:first-paint-read');
  if (currentPath() !== LIST_PATH || firstPaintShown()) return;
  const lang = useLangStore.getState().lang;
  const rows = page.rows.map((app) => rowView(app, cfg, today, lang));
  if (showFirstPaint(paint(lang, rows, resultCountText(rows.length, page.total, true, lang)))) {
    performance.mark('halldesk:first-paint-shown');
    searchBox?.focus();
  }
}

// The same icon definitions antd's icon components draw (@ant-design/icons-svg).
const NAV_ICONS: Record<NavIcon, IconDefinition> = {
  new: FileAddOutlined,
  search: SearchOutlined,
  drafts: FileTextOutlined,
  feedback: CommentOutlined,
  queue: SoundOutlined,
  sync: SyncOutlined,
  app: AppstoreOutlined,
  settings: SettingOutlined,
};

function svg(node: AbstractNode): SVGElement {
  const e = document.createElementNS('http://www.w3.org/2000/svg', node.tag);
  for (const [k, v] of Object.entries(node.attrs)) e.setAttribute(k, v);
  for (const c of node.children ?? []) e.append(svg(c));
  return e;
}

/** An icon as antd's <Icon> renders it (span.anticon > svg, 1em, currentColor). */
function icon(def: IconDefinition): HTMLElement {
  const node = typeof def.icon === 'function' ? def.icon('currentColor', '#e6f4ff') : def.icon;
  const e = svg(node);
  e.setAttribute('width', '1em');
  e.setAttribute('height', '1em');
  e.setAttribute('fill', 'currentColor');
  e.setAttribute('aria-hidden', 'true');
  return el('span', 'anticon fp-icon', e);
}

type Child = Node | string;

function el(tag: string, cls: string | null, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  // append() takes text as text nodes: customer data never becomes markup.
  e.append(...children);
  return e;
}

function paint(lang: Lang, rows: RowView[], countText: string): HTMLElement {
  const zh = lang !== 'en';
  const nav = navEntries(lang);
  const selected = selectedNavKey(LIST_PATH, nav);
  const navList = el('ul', 'shell-nav');
  for (const n of nav) {
    const a = el('a', null, icon(NAV_ICONS[n.icon]), el('span', 'shell-nav-label', n.label));
    a.setAttribute('href', `#${n.key}`);
    if (n.key === selected) a.setAttribute('aria-current', 'page');
    navList.append(el('li', null, a));
  }

  // A real input, focused as the React list's is: typing goes into it and carries over.
  const search = document.createElement('input');
  search.className = 'fp-input';
  search.placeholder = searchPlaceholder(lang);
  search.setAttribute('aria-label', zh ? '搜索申请' : 'Search applications');
  searchBox = search;

  const list = el('div', null);
  list.style.height = `${rows.length * ROW_HEIGHT}px`;
  list.style.position = 'relative';
  rows.forEach((r, i) => list.append(row(r, i * ROW_HEIGHT)));
  const listBox = el('div', 'app-list', list);
  listBox.setAttribute('role', 'list');
  listBox.setAttribute('aria-label', zh ? '申请列表' : 'Applications');

  const root = el(
    'div',
    'first-paint',
    el('aside', 'fp-sider', el('div', 'fp-brand', zh ? '营业厅受理台' : 'HallDesk'), navList),
    el(
      'div',
      'fp-main',
      el(
        'header',
        'fp-header',
        el('strong', null, zh ? '营业厅受理台 HallDesk' : 'HallDesk service hall desk'),
        el(
          'span',
          'fp-header-tools',
          el(
            'span',
            'fp-seg',
            el('span', zh ? 'fp-seg-on' : null, '中文'),
            el('span', zh ? null : 'fp-seg-on', 'English'),
          ),
          el('span', 'fp-f1', icon(QuestionCircleOutlined), 'F1'),
        ),
      ),
      el(
        'div',
        'fp-content',
        el('h3', 'fp-title', zh ? '受理查询' : 'Applications'),
        el(
          'div',
          'fp-search',
          el('span', 'fp-select', zh ? '自动识别' : 'Auto'),
          search,
          el('span', 'fp-button', icon(SearchOutlined)),
        ),
        el('div', 'fp-filters'),
        el('div', 'fp-count', countText),
        el('div', 'list-head', ...listHeadings(lang).map((h) => el('span', null, h))),
        listBox,
      ),
    ),
    el('footer', 'status-bar', '\u00a0'),
  );
  root.setAttribute('aria-busy', 'true');
  return root;
}

function row(r: RowView, top: number): HTMLElement {
  const who = el('span', 'fp-who');
  if (r.keyTag) {
    const tag = el('span', 'fp-tag', `★ ${r.keyTag.text}`);
    tag.title = r.keyTag.manager;
    who.append(tag);
  }
  who.append(el('strong', null, r.name), el('span', 'fp-secondary', ` ${r.business}`));
  const due = el('span', r.overdue ? 'overdue-text' : null, r.deadline, el('br', null));
  due.append(el('small', null, r.daysLeft));
  // The whole row is the link (the React row opens the application on a click anywhere too).
  const a = el(
    'a',
    `app-row${r.overdue ? ' overdue' : ''}`,
    el('span', 'fp-appno', r.appNo),
    who,
    el('span', null, r.idMasked),
    el('span', null, r.phoneMasked),
    el('span', null, r.state),
    due,
  );
  a.setAttribute('href', r.href);
  a.setAttribute('role', 'listitem');
  a.dataset.testid = 'app-row-first-paint';
  a.style.top = `${top}px`;
  a.style.height = `${ROW_HEIGHT}px`;
  return a;
}

// The supervision tables' figure columns (desk and workbench): title, and the figure a click on
// the number opens (the records behind it).
import type { FigureKey } from '../../../shared/staff/supervision';

export const FIGURE_COLUMNS: { figure: FigureKey; zh: string; en: string }[] = [
  { figure: 'accepted', zh: '受理', en: 'Accepted' },
  { figure: 'overridden', zh: '忽略提示受理', en: 'Past warnings' },
  { figure: 'returned', zh: '退回/驳回', en: 'Returned' },
  { figure: 'promisedOutstanding', zh: '后补未交', en: 'Promised, missing' },
  { figure: 'overdue', zh: '超期', en: 'Overdue' },
  { figure: 'rated', zh: '评价', en: 'Rated' },
  { figure: 'badRatings', zh: '差评', en: 'Bad' },
];

/** A staff number as a test id / key part: 未记录 is '-', the hall total '*'. */
export const staffKey = (s: string | null) => s ?? '-';

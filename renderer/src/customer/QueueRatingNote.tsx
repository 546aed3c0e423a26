// A quiet line for the clerk about the last customer-screen rating relayed to the hall queue
// (waiting for 完成, counted, not counted and why). Never shown on the customer screen.
import { Typography } from 'antd';
import { useT, type Tr } from '../i18n';
import type { QueueRatingNote as Note } from './queueRating';
import { useQueueRatingNote } from './queueRelay';

export function queueRatingNoteText(t: Tr, n: Note): string {
  const who = `${n.ticketNo}（${n.label}）`;
  switch (n.kind) {
    case 'waiting':
      return t(
        `客户屏评价 ${who} 将在该号完成后计入排队满意度`,
        `Customer rating ${who} counts in the queue statistics once the ticket is finished`,
      );
    case 'sent':
      return t(`客户屏评价 ${who} 已计入排队满意度`, `Customer rating ${who} counted by the queue`);
    case 'already':
      return t(
        `${n.ticketNo} 号已有评价，客户屏评价未重复计入`,
        `${n.ticketNo} was rated already; not counted twice`,
      );
    case 'retry':
      return t(
        `排队服务暂不可达，客户屏评价 ${who} 稍后自动重试`,
        `Queue service unreachable; rating ${who} will be retried`,
      );
    case 'dropped':
      return t(
        `客户屏评价 ${who} 未计入排队满意度：${n.why}`,
        `Rating ${who} not counted by the queue: ${n.why}`,
      );
  }
}

/** The note, or only the one about `ticketNo` when given (beside one application's rating). */
export function QueueRatingNote(props: { ticketNo?: string | undefined }) {
  const t = useT();
  const note = useQueueRatingNote();
  if (!note || (props.ticketNo && note.ticketNo !== props.ticketNo)) return null;
  return (
    <Typography.Text
      type="secondary"
      className="no-print"
      style={{ fontSize: 12 }}
      data-testid="queue-rating-note"
      data-kind={note.kind}
    >
      {queueRatingNoteText(t, note)}
    </Typography.Text>
  );
}

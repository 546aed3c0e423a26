// 我的工作: the signed-in clerk's own page — the back office's returns of the applications they
// accepted (with the reason code's label and note, newest first) and the commendations and
// corrections written about them. From the desk's own data (works offline).
import { Alert, Card, List, Space, Tag, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { hallDateTime } from '../../../shared/domain/hallTime';
import { deskTimeZone } from '../db/hallZone';
import type { Application, Transition } from '../../../shared/domain/model';
import { stateLabel } from '../../../shared/domain/workflow';
import { NOTE_KIND_LABEL, type SupervisionNote } from '../../../shared/staff/notes';
import { staffConfig } from '../../../shared/staff/roles';
import { activeDb, type HallDeskDB } from '../db/db';
import { timeKey } from '../db/keys';
import { useDeskConfig } from '../desk/config';
import { pick, useLang, useT } from '../i18n';
import { Link } from '../ui/router';
import { returnReasonLabel } from './returnReason';
import { useStaffGate } from './session';

export interface ReturnNotice {
  app: Application;
  ret: Transition;
}

/** The returns of the applications `staffNo` accepted in the last `days` days, newest first. */
export async function returnNotices(
  db: HallDeskDB,
  staffNo: string,
  days: number,
  now = Date.now(),
): Promise<ReturnNotice[]> {
  const rows = await db.applications
    .where('t')
    .aboveOrEqual(timeKey(now - days * 86_400_000))
    .filter((a) => a.acceptedByStaffNo === staffNo && a.history.some((h) => !!h.reasonCode))
    .toArray();
  return rows
    .flatMap((a) =>
      a.history.filter((h) => h.reasonCode).map((ret) => ({ app: a as Application, ret })),
    )
    .sort((x, y) => (x.ret.at < y.ret.at ? 1 : -1));
}

export function MyWorkPage() {
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const session = useStaffGate((s) => s.session);
  const staffNo = session && !session.locked ? session.staffNo : null;
  const notices = useLiveQuery(
    () =>
      staffNo
        ? returnNotices(activeDb(), staffNo, staffConfig.supervision.returnNoticeDays)
        : Promise.resolve([]),
    [staffNo],
  );
  const notes = useLiveQuery(
    () =>
      staffNo
        ? activeDb()
            .supervisionNotes.where('staffNo')
            .equals(staffNo)
            .filter((n) => !n.withdrawnAt) // withdrawn: no longer standing
            .reverse()
            .sortBy('createdAt')
        : Promise.resolve([] as SupervisionNote[]),
    [staffNo],
  );
  return (
    <div>
      <Typography.Title level={3}>{t('我的工作', 'My work')}</Typography.Title>
      {!staffNo && (
        <Alert
          type="info"
          showIcon
          title={t('请先登录本人账号', 'Sign in with your own account')}
        />
      )}
      <Card
        size="small"
        title={t('后台退回通知', 'Returns by the back office')}
        data-testid="return-notices"
      >
        <List
          size="small"
          dataSource={notices ?? []}
          locale={{ emptyText: t('没有被退回的申请', 'No returns') }}
          renderItem={({ app, ret }) => (
            <List.Item data-testid="return-notice">
              <Space wrap>
                <Link to={`/desk/app/${app.id}`}>{app.appNo}</Link>
                <span>{app.customer.name}</span>
                <Tag color="orange">{returnReasonLabel(cfg, ret.reasonCode!, lang)}</Tag>
                {ret.note && <span>{ret.note}</span>}
                <span style={{ color: '#888' }}>
                  {hallDateTime(ret.at, deskTimeZone())} · {ret.actor} · {t('退回至', 'back to')}{' '}
                  {stateLabel(ret.to, lang)}
                </span>
                {app.status === ret.to && <Tag color="red">{t('待补正', 'To correct')}</Tag>}
              </Space>
            </List.Item>
          )}
        />
      </Card>
      <Card
        size="small"
        style={{ marginTop: 12 }}
        title={t('表彰与纠错', 'Commendations and corrections')}
        data-testid="my-notes"
      >
        <List
          size="small"
          dataSource={notes ?? []}
          locale={{ emptyText: t('暂无记录', 'None') }}
          renderItem={(n) => (
            <List.Item data-testid="my-note">
              <Space wrap>
                <Tag color={n.kind === 'commendation' ? 'green' : 'red'}>
                  {pick(lang, NOTE_KIND_LABEL[n.kind].zh, NOTE_KIND_LABEL[n.kind].en)}
                </Tag>
                <span>
                  {n.periodFrom} ~ {n.periodTo}
                </span>
                <span>{n.text}</span>
                {n.ref && <Tag>{n.ref.label ?? n.ref.id}</Tag>}
                <span style={{ color: '#888' }}>{n.createdByName ?? n.createdByStaffNo}</span>
              </Space>
            </List.Item>
          )}
        />
      </Card>
    </div>
  );
}

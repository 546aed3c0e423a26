// The desk's reminder of 一户多人口 allowances about to lapse or lapsed (householdAllowance.ts):
// shown above the application list so that the clerk can ask the customer to renew in time.
import { Alert, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { allowancesToRenew } from '../../../shared/domain/householdAllowance';
import { applicationsOfType } from '../db/repo';
import { useT } from '../i18n';
import { navigate } from '../ui/router';
import { useDeskConfig } from './config';

export function HouseholdAllowanceReminder() {
  const t = useT();
  const { settings, calendar } = useDeskConfig();
  const rule = settings.multiPersonHousehold;
  const list = useLiveQuery(
    async () =>
      allowancesToRenew(
        await applicationsOfType(rule.businessCode),
        settings,
        calendar.dateOf(new Date()),
      ),
    [rule.businessCode, rule.validityMonths, rule.remindDaysBefore, calendar],
    [],
  );
  if (list.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="household-allowance-reminder"
      title={t(
        `一户多人口阶梯基数：${list.length} 户即将到期或已到期（有效期${rule.validityMonths}个月），请提醒客户重新申请`,
        `Multi-person household allowance: ${list.length} lapsing or lapsed (valid ${rule.validityMonths} months): remind the customers to renew`,
      )}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {list.map((a) => (
            <li key={a.applicationId}>
              <Typography.Link onClick={() => navigate(`/desk/app/${a.applicationId}`)}>
                {a.appNo}
              </Typography.Link>{' '}
              {a.customerName}{' '}
              {a.state === 'expired'
                ? t(`已于 ${a.validUntil} 到期`, `lapsed on ${a.validUntil}`)
                : t(`${a.validUntil} 到期`, `lapses on ${a.validUntil}`)}
            </li>
          ))}
        </ul>
      }
    />
  );
}

// Screens and actions follow roles: a part of a page that needs a permission shows a refusal
// (who may) instead, once the hall has staff. A desk without staff keeps every screen as before.
// PermissionTable is the settings page's "who may do what", from shared/config/staff.json.
import { Alert, Card, Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import {
  PERMISSIONS,
  allowedRolesText,
  may,
  roleLabel,
  rolesFor,
  staffConfig,
  type Permission,
} from '../../../shared/staff/roles';
import { useLang, useT } from '../i18n';
import { useStaffGate } from './session';

/** True when the signed-in person may do `p` (always true on a desk whose hall has no staff). */
export function useMay(p: Permission): boolean {
  return useStaffGate((s) => !s.required || (!!s.session && may(s.session.roles, p)));
}

export function RequirePermission(props: { need: Permission; children: ReactNode; what?: string }) {
  const ok = useMay(props.need);
  const lang = useLang();
  const t = useT();
  if (ok) return <>{props.children}</>;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="role-refused"
      title={
        lang === 'en'
          ? `${props.what ?? 'This'} needs the role: ${allowedRolesText(props.need, 'en')}`
          : `${props.what ?? '此功能'}需要角色：${allowedRolesText(props.need)}`
      }
      description={t(
        '请由有权限的人员登录后操作。',
        'Ask a person with that role to sign in and do it.',
      )}
    />
  );
}

export function PermissionTable() {
  const t = useT();
  const lang = useLang();
  const rows = PERMISSIONS.map((p) => ({ key: p, p }));
  return (
    <Card
      size="small"
      title={t('谁可以做什么', 'Who may do what')}
      style={{ marginBottom: 16 }}
      data-testid="permission-table"
    >
      <Table
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: t('操作', 'Action'),
            render: (_: unknown, r: { p: Permission }) =>
              lang === 'en' ? r.p : (PERMISSION_ZH[r.p] ?? r.p),
          },
          {
            title: t('角色', 'Roles'),
            render: (_: unknown, r: { p: Permission }) =>
              rolesFor(r.p).map((role) => <Tag key={role}>{roleLabel(role, lang)}</Tag>),
          },
        ]}
      />
    </Card>
  );
}

// The actions' Chinese names, from the configuration.
const PERMISSION_ZH: Record<string, string> = Object.fromEntries(
  Object.entries(staffConfig.permissions).map(([k, v]) => [k, v.zh]),
);

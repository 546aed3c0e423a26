// Role checks at both ends: the permission table from configuration (desk: useMay/RequirePermission
// use may()), and the centre's requirePermission / hall scope for staff operators.
import { describe, expect, it } from 'vitest';
import { operatorHallScope, requirePermission } from '../../../server/central/operator';
import { ApiFailure } from '../../../server/central/errors';
import { allowedRolesText, may, staffConfig } from '../../../shared/staff/roles';

describe('roles', () => {
  it('a clerk cannot change configuration, queue set-up, staff or retention; a manager can', () => {
    for (const p of ['config.change', 'queue.setup', 'staff.manage', 'retention.change'] as const) {
      expect(may(['clerk'], p)).toBe(false);
      expect(may(['hall_manager'], p)).toBe(true);
      expect(may(['clerk', 'hall_manager'], p)).toBe(true);
    }
    expect(may(['clerk'], 'application.accept')).toBe(true);
    expect(may(['back_office'], 'application.accept')).toBe(false);
    expect(allowedRolesText('config.change')).toBe('营业厅主管 或 管理员');
    expect(staffConfig.policy).toMatchObject({
      lockoutAttempts: 5,
      lockoutMinutes: 15,
      idleLockMinutes: 5,
      maxStaleDays: 7,
    });
  });

  it('the centre refuses a staff operator without the role, with E_STAFF_ROLE', () => {
    const clerk = {
      kind: 'staff' as const,
      staffNo: 'C1',
      name: '甲',
      roles: ['clerk' as const],
      hallId: 1,
    };
    const refuse = () => requirePermission(clerk, 'staff.manage');
    expect(refuse).toThrow(ApiFailure);
    try {
      refuse();
    } catch (e) {
      expect((e as ApiFailure).code).toBe('E_STAFF_ROLE');
      expect((e as ApiFailure).message).toContain('营业厅主管');
    }
    expect(() => requirePermission(clerk, 'admin')).toThrow('管理员');
    expect(() => requirePermission({ kind: 'admin' }, 'staff.manage')).not.toThrow();
    expect(operatorHallScope(clerk)).toBe(1);
    expect(operatorHallScope({ ...clerk, roles: ['back_office'] })).toBeNull();
  });
});

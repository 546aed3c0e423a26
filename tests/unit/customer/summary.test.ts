// The customer-screen summary: every ID and phone masked (what is sent never holds the full
// number, also when one was typed into a free-text field), deterministic, Chinese labels.
import { describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../../shared/domain/catalogue';
import { canonicalJson } from '../../../shared/signature/canonical';
import { buildCustomerSummary, maskSensitiveText } from '../../../renderer/src/customer/summary';
import { makeApp } from '../store/factory';

const FULL_ID = '11010519491231002X';
const FULL_PHONE = '13812345678';

function resident() {
  return makeApp(
    {
      businessCode: '101',
      address: '北京市东城区和平里1号',
      fields: { capacity: 8 },
      documents: [
        { code: 'id_doc', status: 'received', attachmentIds: [] },
        { code: 'property_proof', status: 'to_follow', attachmentIds: [] },
      ],
      commitmentSigned: true,
    },
    { name: '张三', idNumber: FULL_ID, phone: FULL_PHONE },
  );
}

describe('buildCustomerSummary', () => {
  it('masks the ID (first 6 + last 4) and the phone (3****4) and never sends the full ones', () => {
    const s = buildCustomerSummary(resident(), defaultCatalogue);
    const text = canonicalJson(s);
    expect(text).not.toContain(FULL_ID);
    expect(text).not.toContain(FULL_PHONE);
    const row = (label: string) => s.rows.find((r) => r.label.startsWith(label))?.value;
    expect(row('证件')).toBe('110105********002X');
    expect(row('联系电话')).toBe('138****5678');
    expect(row('户名')).toBe('张三');
    expect(row('业务类型')).toBe('101 低压居民新装');
    expect(row('用电地址')).toBe('北京市东城区和平里1号');
    expect(row('待补资料')).toContain('（已签署客户承诺书）');
    expect(s.title).toBe('业务受理确认单 · 低压居民新装');
  });

  it('masks an ID or mobile typed into free text (address, notes fields)', () => {
    const app = resident();
    app.address = `和平里1号 联系 ${FULL_PHONE} 证 ${FULL_ID}`;
    const text = canonicalJson(buildCustomerSummary(app, defaultCatalogue));
    expect(text).not.toContain(FULL_PHONE);
    expect(text).not.toContain(FULL_ID);
    expect(text).toContain('138****5678');
    expect(text).toContain('110105********002X');
  });

  it('masks company credit codes and the legal representative ID', () => {
    const app = makeApp(
      { businessCode: '102', customerKind: 'company' },
      {
        name: '北京测试科技有限公司',
        idNumber: '440524188001010014',
        creditCode: '91110000600037341L',
        legalRep: '李四',
        phone: '010-62345678',
      },
    );
    const text = canonicalJson(buildCustomerSummary(app, defaultCatalogue));
    expect(text).not.toContain('440524188001010014');
    expect(text).not.toContain('91110000600037341L');
    expect(text).not.toContain('62345678');
    expect(text).toContain('440524********0014');
    expect(text).toContain('911100********341L');
  });

  it('is deterministic: the same application gives the same signed text', () => {
    const app = resident();
    expect(canonicalJson(buildCustomerSummary(app, defaultCatalogue))).toBe(
      canonicalJson(buildCustomerSummary(structuredClone(app), defaultCatalogue)),
    );
    const moved = { ...app, address: '北京市东城区和平里2号' };
    expect(canonicalJson(buildCustomerSummary(moved, defaultCatalogue))).not.toBe(
      canonicalJson(buildCustomerSummary(app, defaultCatalogue)),
    );
  });
});

describe('maskSensitiveText', () => {
  it('masks 18- and 15-digit IDs and mobiles, leaves other numbers', () => {
    expect(maskSensitiveText(`证号${FULL_ID}号`)).toBe('证号110105********002X号');
    expect(maskSensitiveText('12345678901234567890')).toBe('12345678901234567890'); // 20 digits
    expect(maskSensitiveText(`号 ${FULL_ID}`)).toBe('号 110105********002X');
    expect(maskSensitiveText('旧证 110105491231002')).toBe('旧证 110105*****1002');
    expect(maskSensitiveText('电话+86 13812345678')).not.toContain('13812345678');
    expect(maskSensitiveText('和平里1号 容量 8 kW 户号 1234567890')).toBe(
      '和平里1号 容量 8 kW 户号 1234567890',
    );
  });
});

// The intake's own inputs: the business type picker (name, pinyin initials or code), a per-type
// field drawn from its catalogue definition (identifier fields normalised from full-width IME
// input), and the resident-ID hint (birth date, sex, age) the clerk compares with the card.
import { Checkbox, Form, Input, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import {
  type BusinessType,
  type FieldDef,
  searchBusinessTypes,
} from '../../../../shared/domain/catalogue';
import type { IdType } from '../../../../shared/domain/model';
import { normalizeIdentifier } from '../../../../shared/domain/normalize';
import { validateIdNumber } from '../../../../shared/domain/validators';
import { type Lang, pick, useT } from '../../i18n';
import { useDeskConfig } from '../config';
import type { FieldValue, IntakeForm } from '../formModel';

/** Business type picker: search by name, pinyin initials or code (searchBusinessTypes). */
export function BusinessTypePicker(props: {
  value: string;
  lang: Lang;
  onChange: (code: string) => void;
}) {
  const cfg = useDeskConfig();
  const t = useT();
  const [search, setSearch] = useState('');
  const options = useMemo(
    () =>
      searchBusinessTypes(cfg.catalogue, search).map((bt: BusinessType) => ({
        value: bt.code,
        label: `${bt.code} ${pick(props.lang, bt.name, bt.nameEn)}`,
        title: bt.initials,
      })),
    [cfg, search, props.lang],
  );
  return (
    <Select
      id="f-businessCode"
      aria-label={t('业务类型', 'Business type')}
      data-testid="business-type"
      value={props.value || undefined}
      placeholder={t(
        '输入名称、拼音首字母（如 dyjmxz）或编码（如 101）',
        'Type a name, pinyin initials (dyjmxz) or a code (101)',
      )}
      showSearch={{ searchValue: search, onSearch: setSearch, filterOption: false }}
      options={options}
      onChange={(v: string) => {
        setSearch('');
        props.onChange(v);
      }}
      notFoundContent={t('没有匹配的业务类型', 'No matching business type')}
      autoFocus={!props.value}
      style={{ width: '100%' }}
      listHeight={320}
    />
  );
}

export function TypeField(props: {
  def: FieldDef;
  lang: Lang;
  value: FieldValue | undefined;
  error: string | undefined;
  warning: string | undefined;
  required: boolean;
  onChange: (v: FieldValue) => void;
}) {
  const { def, lang } = props;
  const t = useT();
  const id = `f-field-${def.key}`;
  const label = `${pick(lang, def.label, def.labelEn)}${def.unit ? `（${def.unit}）` : ''}`;
  const status = props.error ? 'error' : props.warning ? 'warning' : undefined;
  const help =
    props.error ?? props.warning ?? (def.help ? pick(lang, def.help, def.helpEn) : undefined);
  if (def.kind === 'boolean') {
    return (
      <Form.Item data-field={`fields.${def.key}`} validateStatus={status} help={props.error}>
        <Checkbox
          id={id}
          checked={props.value === true}
          onChange={(e) => props.onChange(e.target.checked)}
        >
          {label}
          {props.required && <span className="req-star"> *</span>}
        </Checkbox>
      </Form.Item>
    );
  }
  return (
    <Form.Item
      label={label}
      htmlFor={id}
      required={props.required}
      data-field={`fields.${def.key}`}
      validateStatus={status}
      help={help}
    >
      {def.kind === 'select' ? (
        <Select
          id={id}
          aria-label={label}
          value={typeof props.value === 'string' && props.value ? props.value : undefined}
          placeholder={t('请选择', 'Choose')}
          allowClear={!props.required}
          onChange={(v: string | undefined) => props.onChange(v ?? null)}
          options={(def.options ?? []).map((o) => ({
            value: o.value,
            label: pick(lang, o.label, o.labelEn),
          }))}
        />
      ) : (
        <Input
          id={id}
          type={def.kind === 'date' ? 'date' : 'text'}
          inputMode={def.kind === 'number' ? 'decimal' : undefined}
          maxLength={def.maxLength}
          autoComplete="off"
          value={props.value === null || props.value === undefined ? '' : String(props.value)}
          onChange={(e) =>
            props.onChange(
              // Numbers and identifiers typed with a Chinese IME (１２, Ｘ) are taken as ASCII.
              def.kind === 'number' || def.format
                ? normalizeIdentifier(e.target.value)
                : e.target.value,
            )
          }
        />
      )}
    </Form.Item>
  );
}

/** After a valid resident ID: birth date, sex and age, so the clerk can compare with the card. */
export function IdHint(props: { form: IntakeForm; lang: Lang }) {
  const t = useT();
  const idType = (props.form.customer.idType || 'resident_id') as IdType;
  const no = props.form.customer.idNumber ?? '';
  if (!no || !['resident_id', 'temp_resident_id', 'household_register'].includes(idType))
    return null;
  const r = validateIdNumber(idType, no);
  if (!r.ok || !r.info || !('birthDate' in r.info)) return null;
  const info = r.info;
  return (
    <Typography.Text type="secondary">
      {t(
        `出生日期 ${info.birthDate}，${info.sex === 'male' ? '男' : '女'}，${info.age} 岁${info.note ? `；${info.note}` : ''}`,
        `Born ${info.birthDate}, ${info.sex}, age ${info.age}${info.noteEn ? `; ${info.noteEn}` : ''}`,
      )}
    </Typography.Text>
  );
}

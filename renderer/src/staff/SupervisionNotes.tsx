// 表彰与纠错 on the supervision page: the notes of the period (of the chosen clerk when one is
// chosen) and, for the hall manager, the form that records one with the record it concerns.
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Select,
  Space,
  Tag,
} from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { NOTE_KIND_LABEL, type NoteKind, type NoteRef } from '../../../shared/staff/notes';
import type { Figures } from '../../../shared/staff/supervision';
import { activeDb } from '../db/db';
import { pick, useLang, useT } from '../i18n';
import { useProfile } from '../desk/config';
import { useMay } from './Guard';
import { listNotes, NoteError, saveNote } from './notes';
import { NoteActions, NoteHistory, NoteMarks } from './SupervisionNoteEdit';
import { useStaffGate } from './session';

/** What the form starts with (a drill-down row's 纠错 names the record and the clerk). */
export interface NoteDraft {
  kind: NoteKind;
  staffNo?: string;
  ref?: NoteRef;
}

export function NotesPanel(props: {
  from: string;
  to: string;
  clerks: Figures[];
  staffNo?: string | null;
  draft: NoteDraft | null;
  setDraft: (d: NoteDraft | null) => void;
}) {
  const t = useT();
  const lang = useLang();
  const canWrite = useMay('supervision.commend');
  const notes = useLiveQuery(
    () => listNotes(activeDb(), props.from, props.to, props.staffNo ?? undefined),
    [props.from, props.to, props.staffNo],
  );
  return (
    <Card
      size="small"
      style={{ marginTop: 12 }}
      data-testid="supervision-notes"
      title={t('表彰与纠错', 'Commendations and corrections')}
      extra={
        canWrite && (
          <Space>
            <Button
              size="small"
              data-testid="note-commend"
              onClick={() =>
                props.setDraft({
                  kind: 'commendation',
                  ...(props.staffNo ? { staffNo: props.staffNo } : {}),
                })
              }
            >
              {t('记表彰', 'Commend')}
            </Button>
            <Button
              size="small"
              danger
              data-testid="note-correct"
              onClick={() =>
                props.setDraft({
                  kind: 'correction',
                  ...(props.staffNo ? { staffNo: props.staffNo } : {}),
                })
              }
            >
              {t('记纠错', 'Correction')}
            </Button>
          </Space>
        )
      }
    >
      <List
        size="small"
        dataSource={notes ?? []}
        locale={{ emptyText: t('本期没有记录', 'None in this period') }}
        renderItem={(n) => (
          <List.Item data-testid="note-row">
            <Space wrap style={n.withdrawnAt ? { textDecoration: 'line-through' } : undefined}>
              <Tag color={n.kind === 'commendation' ? 'green' : 'red'}>
                {pick(lang, NOTE_KIND_LABEL[n.kind].zh, NOTE_KIND_LABEL[n.kind].en)}
              </Tag>
              <span>
                {n.staffName ?? n.staffNo}（{n.staffNo}）
              </span>
              <span>
                {n.periodFrom} ~ {n.periodTo}
              </span>
              <span>{n.text}</span>
              {n.ref && <Tag>{n.ref.label ?? n.ref.id}</Tag>}
              <span style={{ color: '#888' }}>
                {t('记录人', 'By')} {n.createdByName ?? n.createdByStaffNo}
              </span>
            </Space>
            <NoteMarks note={n} />
            {canWrite && <NoteActions note={n} />}
            <NoteHistory history={n.history} />
          </List.Item>
        )}
      />
      {props.draft && (
        <NoteForm
          draft={props.draft}
          from={props.from}
          to={props.to}
          clerks={props.clerks}
          onClose={() => props.setDraft(null)}
        />
      )}
    </Card>
  );
}

function NoteForm(props: {
  draft: NoteDraft;
  from: string;
  to: string;
  clerks: Figures[];
  onClose: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const { message } = AntApp.useApp();
  const profile = useProfile();
  const session = useStaffGate((s) => s.session);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{
    kind: NoteKind;
    staffNo: string;
    text: string;
    refEntity: NoteRef['entity'];
    refId?: string;
  }>();
  const people = props.clerks.filter((c) => c.staffNo && c.staffNo !== '*');
  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const person = people.find((c) => c.staffNo === v.staffNo);
      const refId = v.refId?.trim();
      await saveNote(activeDb(), profile?.hallCode ?? '', session, {
        kind: v.kind,
        staffNo: v.staffNo.trim(),
        ...(person ? { staffName: person.name } : {}),
        periodFrom: props.from,
        periodTo: props.to,
        text: v.text,
        ...(refId
          ? {
              ref: {
                entity: v.refEntity,
                id: refId,
                ...(props.draft.ref?.id === refId && props.draft.ref.label
                  ? { label: props.draft.ref.label }
                  : {}),
              },
            }
          : {}),
      });
      message.success(t('已记录', 'Recorded'));
      props.onClose();
    } catch (e) {
      message.error(e instanceof NoteError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={pick(lang, NOTE_KIND_LABEL[props.draft.kind].zh, NOTE_KIND_LABEL[props.draft.kind].en)}
      okText={t('保存', 'Save')}
      cancelText={t('取消', 'Cancel')}
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={props.onClose}
      okButtonProps={{ 'data-testid': 'note-save' } as Record<string, string>}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          kind: props.draft.kind,
          staffNo: props.draft.staffNo,
          refEntity: props.draft.ref?.entity ?? 'application',
          refId: props.draft.ref?.id,
        }}
      >
        <Form.Item name="kind" label={t('类别', 'Kind')}>
          <Radio.Group>
            <Radio value="commendation">{t('表彰', 'Commendation')}</Radio>
            <Radio value="correction">{t('纠错', 'Correction')}</Radio>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="staffNo"
          label={t('人员', 'Person')}
          rules={[{ required: true, message: t('请选择人员', 'Choose the person') }]}
        >
          <Select
            data-testid="note-staff"
            showSearch
            options={people.map((c) => ({ value: c.staffNo!, label: `${c.name}（${c.staffNo}）` }))}
          />
        </Form.Item>
        <div style={{ marginBottom: 12, color: '#888' }}>
          {t('期间', 'Period')}：{props.from} ~ {props.to}
        </div>
        <Form.Item
          name="text"
          label={t('事由', 'What')}
          rules={[
            { required: true, whitespace: true, message: t('请填写事由', 'Say what it is for') },
            { max: 500, message: t('最多 500 字', 'At most 500 characters') },
          ]}
        >
          <Input.TextArea data-testid="note-text" rows={3} />
        </Form.Item>
        <Space.Compact style={{ width: '100%' }}>
          <Form.Item name="refEntity" noStyle>
            <Select
              style={{ width: 120 }}
              options={[
                { value: 'application', label: t('申请', 'Application') },
                { value: 'feedback', label: t('反馈', 'Feedback') },
                { value: 'ticket', label: t('排队号', 'Ticket') },
              ]}
            />
          </Form.Item>
          <Form.Item name="refId" noStyle>
            <Input
              data-testid="note-ref"
              placeholder={t('涉及的记录（可选）', 'Record (optional)')}
            />
          </Form.Item>
        </Space.Compact>
      </Form>
    </Modal>
  );
}

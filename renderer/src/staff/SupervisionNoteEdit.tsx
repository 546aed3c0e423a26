// Editing and withdrawing a commendation / correction on the desk (its author or the hall
// manager: supervision.commend): the change goes into the note's history (who, when, before and
// after), shown under the note, and to the centre with the next sync (notes.ts updateNote).
import { App as AntApp, Button, Form, Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import {
  NOTE_KIND_LABEL,
  NoteChangeError,
  type NoteChange,
  type NoteKind,
  type SupervisionNote,
} from '../../../shared/staff/notes';
import { activeDb } from '../db/db';
import { pick, useLang, useT } from '../i18n';
import { NoteError, updateNote } from './notes';
import { useStaffGate } from './session';

function failText(e: unknown): string {
  return e instanceof NoteError || e instanceof NoteChangeError ? e.message : String(e);
}

/** The edit and withdraw buttons of one note (hall manager only; none once withdrawn). */
export function NoteActions(props: { note: SupervisionNote }) {
  const t = useT();
  const lang = useLang();
  const { message, modal } = AntApp.useApp();
  const session = useStaffGate((s) => s.session);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ kind: NoteKind; text: string }>();
  const n = props.note;
  if (n.withdrawnAt) return null;
  return (
    <>
      <Button
        size="small"
        type="link"
        data-testid="note-edit"
        onClick={() => {
          form.setFieldsValue({ kind: n.kind, text: n.text });
          setEditing(true);
        }}
      >
        {t('修改', 'Edit')}
      </Button>
      <Button
        size="small"
        type="link"
        danger
        data-testid="note-withdraw"
        onClick={() => {
          let reason = '';
          modal.confirm({
            title: t('撤回这条记录？', 'Withdraw this note?'),
            content: (
              <Input
                placeholder={t('撤回原因（可不填）', 'Reason (optional)')}
                data-testid="note-withdraw-reason"
                onChange={(e) => (reason = e.target.value)}
              />
            ),
            okText: t('撤回', 'Withdraw'),
            cancelText: t('取消', 'Cancel'),
            onOk: async () => {
              try {
                await updateNote(activeDb(), session, n.id, {
                  action: 'withdraw',
                  ...(reason.trim() ? { reason: reason.trim() } : {}),
                });
                message.success(t('已撤回', 'Withdrawn'));
              } catch (e) {
                message.error(failText(e));
              }
            },
          });
        }}
      >
        {t('撤回', 'Withdraw')}
      </Button>
      <Modal
        open={editing}
        title={t('修改记录', 'Edit note')}
        okText={t('保存', 'Save')}
        cancelText={t('取消', 'Cancel')}
        confirmLoading={busy}
        onCancel={() => setEditing(false)}
        okButtonProps={{ 'data-testid': 'note-edit-save' } as Record<string, string>}
        onOk={async () => {
          const v = await form.validateFields();
          setBusy(true);
          try {
            await updateNote(activeDb(), session, n.id, {
              action: 'edit',
              body: { kind: v.kind, text: v.text },
            });
            message.success(t('已修改', 'Saved'));
            setEditing(false);
          } catch (e) {
            message.error(failText(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t('类别', 'Kind')}>
            <Radio.Group
              options={(['commendation', 'correction'] as const).map((k) => ({
                value: k,
                label: pick(lang, NOTE_KIND_LABEL[k].zh, NOTE_KIND_LABEL[k].en),
              }))}
            />
          </Form.Item>
          <Form.Item
            name="text"
            label={t('内容', 'Text')}
            rules={[{ required: true, whitespace: true, message: t('请填写内容', 'Required') }]}
          >
            <Input.TextArea rows={3} maxLength={500} data-testid="note-edit-text" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** The note's changes, oldest first: who, when, what it was and what it became. */
export function NoteHistory(props: { history: NoteChange[] | undefined }) {
  const t = useT();
  if (!props.history?.length) return null;
  return (
    <Space direction="vertical" size={0} style={{ width: '100%' }} data-testid="note-history">
      {props.history.map((h) => (
        <Typography.Text key={`${h.at}-${h.action}`} type="secondary" style={{ fontSize: 12 }}>
          {dayjs(h.at).format('YYYY-MM-DD HH:mm')} {h.byName ?? h.byStaffNo}（{h.byStaffNo}）
          {h.action === 'withdraw'
            ? ` ${t('撤回', 'withdrew')}${h.reason ? `：${h.reason}` : ''}`
            : ` ${t('修改', 'edited')}：「${h.before.text}」→「${h.after?.text ?? ''}」`}
        </Typography.Text>
      ))}
    </Space>
  );
}

/** 已撤回 / 已修改 marks beside a note. */
export function NoteMarks(props: { note: SupervisionNote }) {
  const t = useT();
  if (props.note.withdrawnAt)
    return <Tag data-testid="note-withdrawn">{t('已撤回', 'Withdrawn')}</Tag>;
  if (props.note.history?.length) return <Tag>{t('已修改', 'Edited')}</Tag>;
  return null;
}

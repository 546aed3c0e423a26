// A hall's commendations and corrections in the centre's workbench (工作监督): listed with their
// history (who changed what, when), and edited or withdrawn by a hall manager of that hall
// signed in as themselves (PATCH /api/v1/admin/supervision/notes/:id; the centre checks the role
// and the hall, and the hall's desks pull the change).
import { App as AntApp, Button, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { NoteChangeRequest, SupervisionNote } from '../../../shared/staff/notes';
import { staffPaths } from '../../../shared/staff/directory';
import { useT } from '../i18n';
import { NoteHistory } from '../staff/SupervisionNoteEdit';
import { ApiError, savedToken } from './api';

async function patchNote(id: string, req: NoteChangeRequest): Promise<SupervisionNote> {
  const token = savedToken();
  const res = await fetch(`${staffPaths.adminSupervision}/notes/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(req),
  });
  const json = (await res.json().catch(() => null)) as {
    note?: SupervisionNote;
    error?: { code: string; message: string };
  } | null;
  if (!res.ok || !json?.note)
    throw new ApiError(
      res.status,
      json?.error?.code ?? 'E_HTTP',
      json?.error?.message ?? `HTTP ${res.status}`,
    );
  return json.note;
}

export function CentreNotes(props: {
  notes: SupervisionNote[];
  onChanged: (n: SupervisionNote) => void;
}) {
  const t = useT();
  const { message, modal } = AntApp.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (id: string, req: NoteChangeRequest) => {
    setBusy(id);
    try {
      props.onChanged(await patchNote(id, req));
      message.success(req.action === 'withdraw' ? t('已撤回', 'Withdrawn') : t('已修改', 'Saved'));
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const ask = (title: string, initial: string, then: (v: string) => void) => {
    let value = initial;
    modal.confirm({
      title,
      content: (
        <Input.TextArea
          defaultValue={initial}
          rows={3}
          maxLength={500}
          data-testid="wb-note-input"
          onChange={(e) => (value = e.target.value)}
        />
      ),
      okText: t('确定', 'OK'),
      cancelText: t('取消', 'Cancel'),
      onOk: () => then(value),
    });
  };
  return (
    <Space direction="vertical" style={{ marginTop: 8, width: '100%' }} data-testid="wb-sup-notes">
      {props.notes.map((n) => (
        <div key={n.id} data-testid="wb-note">
          <span style={n.withdrawnAt ? { textDecoration: 'line-through' } : undefined}>
            <Tag color={n.kind === 'commendation' ? 'green' : 'red'}>
              {n.kind === 'commendation' ? t('表彰', 'Commendation') : t('纠错', 'Correction')}
            </Tag>
            {n.staffName ?? n.staffNo}（{n.staffNo}） {n.periodFrom}~{n.periodTo} {n.text}
            {n.ref ? ` · ${n.ref.label ?? n.ref.id}` : ''}
          </span>
          {n.withdrawnAt ? (
            <Tag style={{ marginLeft: 8 }}>{t('已撤回', 'Withdrawn')}</Tag>
          ) : (
            <>
              <Button
                size="small"
                type="link"
                loading={busy === n.id}
                data-testid="wb-note-edit"
                onClick={() =>
                  ask(t('修改内容', 'Edit text'), n.text, (v) => {
                    void run(n.id, { action: 'edit', body: { text: v } });
                  })
                }
              >
                {t('修改', 'Edit')}
              </Button>
              <Button
                size="small"
                type="link"
                danger
                data-testid="wb-note-withdraw"
                onClick={() =>
                  ask(t('撤回原因（可不填）', 'Reason (optional)'), '', (v) => {
                    void run(n.id, {
                      action: 'withdraw',
                      ...(v.trim() ? { reason: v.trim() } : {}),
                    });
                  })
                }
              >
                {t('撤回', 'Withdraw')}
              </Button>
            </>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('记录人', 'By')} {n.createdByName ?? n.createdByStaffNo}
          </Typography.Text>
          <NoteHistory history={n.history} />
        </div>
      ))}
    </Space>
  );
}

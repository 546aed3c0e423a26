// 草稿: unfinished intakes, autosaved; open one to resume where the clerk stopped (also after a
// reload or a crash), or discard it.
import { Button, Empty, List, Modal, Space, Tag, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { findBusinessType } from '../../../shared/domain/catalogue';
import { maskId } from '../../../shared/domain/mask';
import { deleteDraft, listDrafts } from '../db/repo';
import { pick, useLang, useT } from '../i18n';
import { navigate } from '../ui/router';
import { useDeskConfig } from './config';
import { formFromDraft } from './formModel';
import { formatDateTime } from './Receipt';

export function DraftsPage() {
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const drafts = useLiveQuery(() => listDrafts(), []);
  return (
    <div>
      <Typography.Title level={3}>{t('草稿', 'Drafts')}</Typography.Title>
      {drafts && drafts.length === 0 ? (
        <Empty description={t('没有未完成的受理', 'No unfinished applications')} />
      ) : (
        <List
          loading={drafts === undefined}
          dataSource={drafts ?? []}
          renderItem={(d) => {
            const f = formFromDraft(d.form);
            const type = d.businessCode
              ? findBusinessType(cfg.catalogue, d.businessCode)
              : undefined;
            return (
              <List.Item
                data-testid="draft-row"
                actions={[
                  <Button
                    key="open"
                    type="primary"
                    size="small"
                    onClick={() => navigate(`/desk/new?draft=${d.id}`)}
                  >
                    {t('继续受理', 'Resume')}
                  </Button>,
                  <Button
                    key="del"
                    danger
                    size="small"
                    onClick={() =>
                      Modal.confirm({
                        title: t('删除此草稿？', 'Delete this draft?'),
                        okText: t('删除', 'Delete'),
                        cancelText: t('取消', 'Cancel'),
                        onOk: () => deleteDraft(d.id),
                      })
                    }
                  >
                    {t('删除', 'Delete')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space>
                      <a href={`#/desk/new?draft=${d.id}`}>
                        {type
                          ? `${type.code} ${pick(lang, type.name, type.nameEn)}`
                          : t('未选业务类型', 'No business type yet')}
                      </a>
                      {f.ticketNo && <Tag>{f.ticketNo}</Tag>}
                    </Space>
                  }
                  description={
                    <Space split="·">
                      <span>{f.customer.name || t('未填户名', 'no name yet')}</span>
                      {f.customer.idNumber && <span>{maskId(f.customer.idNumber)}</span>}
                      <span>
                        {t('最后编辑', 'Last edited')} {formatDateTime(d.updatedAt)}
                      </span>
                    </Space>
                  }
                />
              </List.Item>
            );
          }}
        />
      )}
    </div>
  );
}

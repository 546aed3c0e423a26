// An application's document scans at the workbench, loaded on demand: the list only when asked
// for, each scan's bytes only when opened (the centre logs every view: who, when, which), and
// the views of this application listed under it.
import { Button, Card, Empty, Image, Table } from 'antd';
import { useEffect, useState } from 'react';
import type { DocumentView, WorkbenchDocument } from '../../../shared/protocol/workbench';
import { useT } from '../i18n';
import { workbenchApi } from './api';
import { HallTime } from './clock';

export function Documents({ appId, onError }: { appId: string; onError: (e: unknown) => void }) {
  const t = useT();
  const [docs, setDocs] = useState<WorkbenchDocument[] | null>(null);
  const [views, setViews] = useState<DocumentView[]>([]);
  const [shown, setShown] = useState<{ url: string; name: string; image: boolean } | null>(null);

  useEffect(() => () => void (shown && URL.revokeObjectURL(shown.url)), [shown]);

  const load = () =>
    workbenchApi.documents(appId).then((r) => {
      setDocs(r.documents);
      setViews(r.views);
    }, onError);

  const open = async (d: WorkbenchDocument) => {
    try {
      const blob = await workbenchApi.document(appId, d.id);
      setShown({
        url: URL.createObjectURL(blob),
        name: d.fileName,
        image: d.mimeType.startsWith('image/'),
      });
      await load();
    } catch (e) {
      onError(e);
    }
  };

  return (
    <Card title={t('资料与扫描件', 'Documents and scans')} data-testid="wb-documents">
      {docs === null ? (
        <Button onClick={() => void load()}>{t('载入扫描件', 'Load the scans')}</Button>
      ) : docs.length === 0 ? (
        <Empty description={t('没有扫描件', 'No scans')} />
      ) : (
        <Table<WorkbenchDocument>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={docs}
          columns={[
            { title: t('资料', 'Document'), dataIndex: 'documentCode' },
            { title: t('文件', 'File'), dataIndex: 'fileName' },
            {
              title: '',
              render: (_: unknown, d) =>
                d.complete ? (
                  <Button size="small" onClick={() => void open(d)}>
                    {t('查看', 'View')}
                  </Button>
                ) : (
                  t('未上传完', 'Uploading')
                ),
            },
          ]}
        />
      )}
      {shown &&
        (shown.image ? (
          <Image src={shown.url} alt={shown.name} style={{ maxWidth: 480, marginTop: 12 }} />
        ) : (
          <a href={shown.url} download={shown.name}>
            {shown.name}
          </a>
        ))}
      {docs !== null && (
        <Table<DocumentView>
          style={{ marginTop: 12 }}
          size="small"
          rowKey={(v) => `${v.viewedAt}/${v.viewer}/${v.attachmentId}`}
          pagination={false}
          title={() => t('查看记录', 'Access log')}
          dataSource={views}
          columns={[
            {
              title: t('时间', 'When'),
              dataIndex: 'viewedAt',
              render: (at: string) => <HallTime at={at} />,
            },
            {
              title: t('查看人', 'Who'),
              render: (_: unknown, v) =>
                v.viewerName ? `${v.viewerName} (${v.viewer})` : v.viewer,
            },
            { title: t('文件', 'File'), dataIndex: 'fileName' },
          ]}
        />
      )}
    </Card>
  );
}

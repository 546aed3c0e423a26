// Scans and photos of a document: from a file (scanner output, phone transfer) or the desk camera
// (getUserMedia, where a camera is present), stored as attachments of the draft/application.
import { CameraOutlined, DeleteOutlined, PaperClipOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Modal, Space, Tag } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState } from 'react';
import type { AttachmentMeta } from '../../../shared/domain/model';
import { addAttachment, deleteAttachment, getAttachment, listAttachments } from '../db/repo';
import { VaultLockedError } from '../db/vault';
import { useT } from '../i18n';

/** Attachments of one draft/application, live. */
export function useAttachments(applicationId: string): AttachmentMeta[] {
  return useLiveQuery(() => listAttachments(applicationId), [applicationId], []);
}

const MAX_BYTES = 20 * 1024 * 1024;

function cameraAvailable(): boolean {
  return typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
}

export function ScanButtons(props: {
  applicationId: string;
  documentCode: string;
  documentName: string;
  onAdded: () => void;
}) {
  const t = useT();
  const { message } = AntApp.useApp();
  const fileRef = useRef<HTMLInputElement>(null);
  const [camOpen, setCamOpen] = useState(false);

  async function store(blob: Blob, fileName: string) {
    if (blob.size > MAX_BYTES) {
      message.error(t('文件超过20MB，请压缩后再上传', 'The file is larger than 20 MB'));
      return;
    }
    await addAttachment(
      {
        applicationId: props.applicationId,
        documentCode: props.documentCode,
        fileName,
        mimeType: blob.type || 'application/octet-stream',
      },
      blob,
    );
    props.onAdded();
  }

  return (
    <Space size={4}>
      <input
        ref={fileRef}
        type="file"
        accept="image/*,application/pdf"
        multiple
        style={{ display: 'none' }}
        data-testid={`scan-file-${props.documentCode}`}
        aria-label={`${t('上传扫描件', 'Upload scan')}：${props.documentName}`}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          void (async () => {
            try {
              for (const f of files) await store(f, f.name);
            } catch (err) {
              message.error(`${t('保存扫描件失败', 'Could not store the scan')}：${String(err)}`);
            }
          })();
        }}
      />
      <Button
        size="small"
        icon={<PaperClipOutlined />}
        onClick={() => fileRef.current?.click()}
        aria-label={`${t('上传扫描件', 'Upload scan')}：${props.documentName}`}
      >
        {t('扫描件', 'Scan')}
      </Button>
      {cameraAvailable() && (
        <Button
          size="small"
          icon={<CameraOutlined />}
          onClick={() => setCamOpen(true)}
          aria-label={`${t('拍照', 'Photo')}：${props.documentName}`}
        >
          {t('拍照', 'Photo')}
        </Button>
      )}
      {camOpen && (
        <CameraCapture
          title={`${t('拍照', 'Photo')}：${props.documentName}`}
          onClose={() => setCamOpen(false)}
          onCapture={(blob) => {
            setCamOpen(false);
            const name = `${props.documentCode}-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`;
            store(blob, name).catch((err: unknown) =>
              message.error(`${t('保存照片失败', 'Could not store the photo')}：${String(err)}`),
            );
          }}
        />
      )}
    </Space>
  );
}

function CameraCapture(props: {
  title: string;
  onClose: () => void;
  onCapture: (b: Blob) => void;
}) {
  const t = useT();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const streamRef = useRef<MediaStream | null>(null);

  useEffect(() => {
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1920 }, height: { ideal: 1080 } }, audio: false })
      .then((stream) => {
        if (cancelled) {
          stream.getTracks().forEach((tr) => tr.stop());
          return;
        }
        streamRef.current = stream;
        if (videoRef.current) {
          videoRef.current.srcObject = stream;
          void videoRef.current.play().catch(() => undefined);
        }
      })
      .catch((e: unknown) => setError(String(e)));
    return () => {
      cancelled = true;
      streamRef.current?.getTracks().forEach((tr) => tr.stop());
    };
  }, []);

  function capture() {
    const v = videoRef.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    canvas.toBlob((b) => b && props.onCapture(b), 'image/jpeg', 0.9);
  }

  return (
    <Modal
      open
      title={props.title}
      onCancel={props.onClose}
      okText={t('拍摄', 'Capture')}
      cancelText={t('取消', 'Cancel')}
      onOk={capture}
      okButtonProps={{ disabled: !!error }}
      destroyOnHidden
    >
      {error ? (
        <p role="alert">{t('无法打开摄像头：', 'Cannot open the camera: ') + error}</p>
      ) : (
        <video
          ref={videoRef}
          style={{ width: '100%' }}
          muted
          playsInline
          aria-label={t('摄像头预览', 'Camera preview')}
        />
      )}
    </Modal>
  );
}

/** The attachments of one document, with view and (for drafts) delete. */
export function AttachmentTags(props: { items: AttachmentMeta[]; removable: boolean }) {
  const t = useT();
  const { message } = AntApp.useApp();
  if (props.items.length === 0) return null;
  return (
    <Space size={4} wrap>
      {props.items.map((a) => (
        <Tag
          key={a.id}
          closable={props.removable}
          closeIcon={
            props.removable ? <DeleteOutlined aria-label={t('删除', 'Delete')} /> : undefined
          }
          onClose={(e) => {
            e.preventDefault();
            deleteAttachment(a.id).catch((err: unknown) => message.error(String(err)));
          }}
        >
          <a
            href="#"
            onClick={(e) => {
              e.preventDefault();
              void getAttachment(a.id).then(
                (r) => {
                  if (!r) return;
                  if (r.blob.size === 0 && r.meta.size > 0) {
                    // Uploaded and past its retention period (db/retention.ts): the centre has it.
                    message.info(
                      t(
                        '本机副本已按留存期限清除，原件保存在中心',
                        'The local copy was removed after its retention period; the centre keeps the file',
                      ),
                    );
                    return;
                  }
                  const url = URL.createObjectURL(r.blob);
                  window.open(url, '_blank', 'noopener');
                  setTimeout(() => URL.revokeObjectURL(url), 60_000);
                },
                (err: unknown) =>
                  // A sealed scan whose key is gone (db/vault.ts), or a read that failed.
                  message.error(
                    err instanceof VaultLockedError
                      ? t(
                          '本机密钥不可用，该扫描件无法打开；如已上传，原件保存在中心',
                          'The key for stored files is not available here; if uploaded, the centre keeps the file',
                        )
                      : `${t('打开失败', 'Could not open')}：${String(err)}`,
                  ),
              );
            }}
          >
            {a.fileName}
          </a>{' '}
          ({Math.max(1, Math.round(a.size / 1024))} KB)
        </Tag>
      ))}
    </Space>
  );
}

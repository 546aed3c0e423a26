// 受理回执: the customer's receipt. Masked ID and phone (PIPL), documents received and to follow,
// the deadline in working days, the clerk, and a QR code of the application number. Printed via
// the shell (browser: the print dialog, whose "save as PDF" destination gives the PDF).
import {
  FileAddOutlined,
  FilePdfOutlined,
  PrinterOutlined,
  ProfileOutlined,
} from '@ant-design/icons';
import { Alert, App as AntApp, Button, Descriptions, Space, Spin, Typography } from 'antd';
import { useLiveQuery } from 'dexie-react-hooks';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { findBusinessType, resolveLimits } from '../../../shared/domain/catalogue';
import { hallDateTime } from '../../../shared/domain/hallTime';
import { deskTimeZone } from '../db/hallZone';
import { maskCreditCode, maskId, maskPhone } from '../../../shared/domain/mask';
import type { Application } from '../../../shared/domain/model';
import { receiptFacts } from '../../../shared/domain/receiptFacts';
import { RatingRequest, SignatureStatus } from '../customer/DeskCustomer';
import { recordAccess } from '../db/audit';
import { getApplication } from '../db/repo';
import { pick, useLang, useT } from '../i18n';
import { shell } from '../shell/bridge';
import { navigate } from '../ui/router';
import { useShortcut } from '../ui/shortcuts';
import { useRecordAccess } from './AuditLog';
import { useDeskConfig, useProfile } from './config';

export function useQrDataUrl(text: string | undefined): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!text) return;
    let live = true;
    QRCode.toDataURL(text, { margin: 1, width: 168, errorCorrectionLevel: 'M' })
      .then((u) => live && setUrl(u))
      .catch((e: unknown) => console.error('qr failed', e));
    return () => {
      live = false;
    };
  }, [text]);
  return url;
}

/** Acceptance time on the hall's clock (configured zone), whatever the PC's zone. */
export function formatDateTime(iso: string): string {
  return hallDateTime(iso, deskTimeZone());
}

export function ReceiptPage(props: { id: string }) {
  const t = useT();
  const { message } = AntApp.useApp();
  const app = useLiveQuery(() => getApplication(props.id).then((a) => a ?? null), [props.id]);
  const profile = useProfile();
  const [busy, setBusy] = useState(false);
  // The receipt shows personal data: opening and printing it are logged (PIPL Art. 51).
  useRecordAccess(
    app ? { entity: 'application', entityId: app.id, label: app.appNo, detail: '回执' } : null,
  );

  async function run(job: () => Promise<void>) {
    setBusy(true);
    try {
      if (app) {
        await recordAccess({
          action: 'print',
          entity: 'application',
          entityId: app.id,
          label: app.appNo,
          detail: '回执',
        });
      }
      await job();
    } catch (e) {
      message.error(
        `${t('打印失败', 'Printing failed')}：${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      setBusy(false);
    }
  }
  const print = () => run(() => shell.print());
  const savePdf = (appNo: string) =>
    run(async () => {
      const r = await shell.printReceipt({ mode: 'pdf', fileName: `回执-${appNo}.pdf` });
      if (r.pdfPath) message.success(t(`已保存PDF：${r.pdfPath}`, `PDF saved: ${r.pdfPath}`));
      else if (r.message) message.warning(r.message);
    });
  useShortcut('ctrl+p', () => void print());

  if (app === undefined) return <Spin />;
  if (app === null)
    return <Alert type="error" showIcon title={t('找不到该申请', 'Application not found')} />;
  return (
    <div>
      <Space className="no-print" style={{ marginBottom: 16 }} wrap>
        <Button
          type="primary"
          icon={<PrinterOutlined />}
          onClick={() => void print()}
          loading={busy}
          autoFocus
          data-testid="print-receipt"
        >
          {shell.isElectron
            ? t('打印回执', 'Print receipt')
            : t('打印回执 / 另存为PDF', 'Print / save as PDF')}{' '}
          <kbd>Ctrl+P</kbd>
        </Button>
        {shell.isElectron && (
          <Button icon={<FilePdfOutlined />} onClick={() => void savePdf(app.appNo)} loading={busy}>
            {t('另存为PDF', 'Save as PDF')}
          </Button>
        )}
        <Button icon={<ProfileOutlined />} onClick={() => navigate(`/desk/app/${app.id}`)}>
          {t('查看详情', 'Details')}
        </Button>
        <Button icon={<FileAddOutlined />} onClick={() => navigate('/desk/new')}>
          {t('新建受理', 'New application')} <kbd>Alt+N</kbd>
        </Button>
      </Space>
      {!shell.isElectron && (
        <Typography.Paragraph type="secondary" className="no-print">
          {t(
            '浏览器中打印时，在打印对话框的“目标打印机”中选择“另存为PDF”即可保存PDF。',
            'In the print dialog choose "Save as PDF" as the destination to get a PDF.',
          )}
        </Typography.Paragraph>
      )}
      <div className="no-print" style={{ marginBottom: 12 }}>
        <Space align="center">
          <Typography.Text strong>{t('客户评价', 'Customer rating')}：</Typography.Text>
          <RatingRequest app={app} actor={profile?.clerkName || app.acceptedBy} />
        </Space>
      </div>
      <Receipt app={app} />
    </div>
  );
}

export function Receipt(props: { app: Application }) {
  const { app } = props;
  const t = useT();
  const lang = useLang();
  const cfg = useDeskConfig();
  const qr = useQrDataUrl(app.appNo);
  const type = findBusinessType(cfg.catalogue, app.businessCode);
  const limit = type
    ? resolveLimits(type, app.fields, cfg.settings.wholeProcessLimitsWd.byBusinessCode).totalLimitWd
    : undefined;
  const docName = (code: string) => {
    const d = type?.documents.find((x) => x.code === code);
    return d ? pick(lang, d.name, d.nameEn) : code;
  };
  const received = app.documents.filter((d) => d.status === 'received').map((d) => docName(d.code));
  const missing = app.documents.filter((d) => d.status === 'to_follow').map((d) => docName(d.code));
  const idTypeLabel = cfg.catalogue.customerBlock.idTypeLabels[app.customer.idType];
  // What the customer asked for (new name, new holder, old and new capacity, categories…).
  const facts = type ? receiptFacts(type, app.fields) : [];
  return (
    <article className="receipt" data-testid="receipt" aria-label={t('受理回执', 'Receipt')}>
      <header className="receipt-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('业务受理回执', 'Application receipt')}
          </Typography.Title>
          <div className="receipt-no">
            {t('申请编号', 'Application no.')}：
            <strong data-testid="receipt-appno">{app.appNo}</strong>
          </div>
        </div>
        {qr ? (
          <img
            src={qr}
            alt={`${t('申请编号二维码', 'QR code of the application number')} ${app.appNo}`}
            className="receipt-qr"
            data-testid="receipt-qr"
          />
        ) : (
          <div className="receipt-qr" />
        )}
      </header>
      <Descriptions bordered size="small" column={1} className="receipt-body">
        <Descriptions.Item label={t('业务类型', 'Business')}>
          {type ? `${type.code} ${pick(lang, type.name, type.nameEn)}` : app.businessCode}
        </Descriptions.Item>
        <Descriptions.Item label={t('户名', 'Customer')}>
          <span data-testid="receipt-name">{app.customer.name}</span>
        </Descriptions.Item>
        {app.customer.accountNo && (
          <Descriptions.Item label={t('户号', 'Account no.')}>
            {app.customer.accountNo}
          </Descriptions.Item>
        )}
        {app.customer.creditCode && (
          <Descriptions.Item label={t('统一社会信用代码', 'Credit code')}>
            {maskCreditCode(app.customer.creditCode)}
          </Descriptions.Item>
        )}
        <Descriptions.Item
          label={
            idTypeLabel
              ? pick(lang, idTypeLabel.label, idTypeLabel.labelEn)
              : t('证件号码', 'ID number')
          }
        >
          <span data-testid="receipt-id">{maskId(app.customer.idNumber)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('联系电话', 'Phone')}>
          <span data-testid="receipt-phone">{maskPhone(app.customer.phone)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('用电地址', 'Address')}>{app.address}</Descriptions.Item>
        {facts.map((f) => (
          <Descriptions.Item key={f.key} label={pick(lang, f.label, f.labelEn)}>
            <span data-testid={`receipt-fact-${f.key}`}>{pick(lang, f.value, f.valueEn)}</span>
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={t('已收资料', 'Documents received')}>
          <span data-testid="receipt-received">
            {received.length ? received.join('、') : t('无', 'none')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('待补资料', 'Documents to follow')}>
          <span data-testid="receipt-missing">
            {missing.length
              ? `${missing.join('、')}${app.commitmentSigned ? t('（已签署客户承诺书）', ' (commitment letter signed)') : ''}`
              : t('无', 'none')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('受理时间', 'Accepted at')}>
          <span data-testid="receipt-accepted">
            {hallDateTime(app.acceptedAt, cfg.settings.timeZone)}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('承诺办结日期', 'Deadline')}>
          <strong data-testid="receipt-deadline">{app.deadline}</strong>
          {app.deadlineProvisional && (
            // Counted Mon–Fri because that year's holidays were not published at acceptance: the
            // customer is told the date is an estimate the centre confirms later.
            <strong data-testid="receipt-deadline-provisional">
              {t('（暂估）', ' (provisional)')}
            </strong>
          )}
          {limit !== undefined &&
            t(`（${limit}个工作日内，法定节假日顺延）`, ` (within ${limit} working days)`)}
          {app.deadlineProvisional && (
            <div data-testid="receipt-deadline-note">
              {t(
                `${app.deadline.slice(0, 4)}年节假日安排尚未发布，办结日期按周一至周五暂估，发布后以供电中心通知为准`,
                `The ${app.deadline.slice(0, 4)} holiday schedule is not published yet: the date is estimated Monday–Friday; the centre confirms it once published`,
              )}
            </div>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('受理人', 'Clerk')}>
          <span data-testid="receipt-clerk">{app.acceptedBy}</span>
          {` · ${app.hallCode}-${app.deskCode}`}
        </Descriptions.Item>
        {app.keyCustomer && (
          <Descriptions.Item label={t('客户经理', 'Account manager')}>
            {app.keyCustomer.managerName}
            {app.keyCustomer.managerPhone ? ` ${app.keyCustomer.managerPhone}` : ''}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('客户签名', 'Customer signature')}>
          <SignatureStatus app={app} catalogue={cfg.catalogue} />
        </Descriptions.Item>
      </Descriptions>
      <p className="receipt-foot">
        {t(
          '请妥善保管本回执，凭申请编号或扫描二维码查询办理进度。您的个人信息仅用于办理本业务。',
          'Keep this receipt; use the application number or the QR code to ask about progress. Your personal data is used for this application only.',
        )}
      </p>
    </article>
  );
}

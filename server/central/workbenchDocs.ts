// An application's document scans at the workbench, loaded on demand: the list (metadata only)
// and each scan's bytes, every view written to document_views (who, when, which) before the
// bytes leave; the views are listed per application or newest first for the whole centre.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Application } from '../../shared/domain/model';
import {
  workbenchPaths,
  type DocumentView,
  type WorkbenchDocument,
} from '../../shared/protocol/workbench';
import type { Db } from '../db/db';
import { iso } from '../db/db';
import * as admin from './admin';
import { contentDisposition, servedContentType } from './attachments';
import { fail } from './errors';
import type { Operator } from './operator';
import { authorizeWorkbench, requireAppHall, workbenchMe, workbenchScope } from './workbenchAccess';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function appFor(db: Db, op: Operator, idOrNo: string): Promise<Application> {
  const app = await admin.getApplication(db, idOrNo);
  await requireAppHall(db, op, app.hallCode);
  return app;
}

export async function listDocuments(db: Db, appId: string): Promise<WorkbenchDocument[]> {
  const { rows } = await db.query<{
    id: string;
    record: { documentCode?: string; fileName?: string; mimeType?: string; size?: number };
    sha256: string;
    complete: boolean | null;
  }>(
    `SELECT t.id, t.record, t.sha256, b.complete
       FROM attachments t LEFT JOIN blobs b ON b.hall_id = t.hall_id AND b.sha256 = t.sha256
      WHERE t.application_id = $1
      ORDER BY t.record->>'createdAt', t.id`,
    [appId],
  );
  return rows.map((r) => ({
    id: r.id,
    documentCode: r.record.documentCode ?? '',
    fileName: r.record.fileName ?? '',
    mimeType: r.record.mimeType ?? '',
    size: r.record.size ?? 0,
    sha256: r.sha256,
    complete: r.complete === true,
  }));
}

/** The scan's bytes, after writing the view to the access log (no log, no bytes). */
export async function viewDocument(
  db: Db,
  op: Operator,
  app: Application,
  attachmentId: string,
): Promise<{ bytes: Buffer; mimeType: string; fileName: string; sha256: string }> {
  if (!UUID.test(attachmentId)) fail('E_NOT_FOUND', '没有这个附件 (no such document)');
  const { rows } = await db.query<{
    hall_id: number;
    sha256: string;
    record: { fileName?: string; mimeType?: string };
  }>(
    `SELECT t.hall_id, t.sha256, t.record FROM attachments t
      JOIN blobs b ON b.hall_id = t.hall_id AND b.sha256 = t.sha256 AND b.complete
     WHERE t.id = $1 AND t.application_id = $2`,
    [attachmentId, app.id],
  );
  const att = rows[0];
  if (!att) fail('E_NOT_FOUND', '附件不存在或未上传完 (document not found or incomplete)');
  await db.query(
    `INSERT INTO document_views (viewer, viewer_name, hall_id, application_id, attachment_id, sha256)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      op.kind === 'staff' ? op.staffNo : 'admin',
      op.kind === 'staff' ? op.name : null,
      att.hall_id,
      app.id,
      attachmentId,
      att.sha256,
    ],
  );
  const chunks = await db.query<{ data: Uint8Array }>(
    'SELECT data FROM blob_chunks WHERE hall_id = $1 AND sha256 = $2 ORDER BY "offset"',
    [att.hall_id, att.sha256],
  );
  return {
    bytes: Buffer.concat(
      chunks.rows.map((r) => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)),
    ),
    mimeType: att.record.mimeType ?? 'application/octet-stream',
    fileName: att.record.fileName ?? '',
    sha256: att.sha256,
  };
}

/** Views newest first: of one application, or of every hall the caller may see (≤ 200). */
export async function listViews(
  db: Db,
  scopeHall: number | null,
  applicationId?: string,
): Promise<DocumentView[]> {
  if (applicationId !== undefined && !UUID.test(applicationId))
    fail('E_VALIDATION', '申请标识无效 (invalid application id)');
  const { rows } = await db.query<{
    viewed_at: unknown;
    viewer: string;
    viewer_name: string | null;
    hall_code: string;
    application_id: string;
    app_no: string | null;
    attachment_id: string;
    file_name: string | null;
  }>(
    `SELECT v.viewed_at, v.viewer, v.viewer_name, h.code AS hall_code, v.application_id,
            a.app_no, v.attachment_id, t.record->>'fileName' AS file_name
       FROM document_views v JOIN halls h ON h.id = v.hall_id
       LEFT JOIN applications a ON a.id = v.application_id
       LEFT JOIN attachments t ON t.id = v.attachment_id
      WHERE ($1::uuid IS NULL OR v.application_id = $1::uuid)
        AND ($2::int IS NULL OR v.hall_id = $2::int)
      ORDER BY v.viewed_at DESC, v.id DESC
      LIMIT 200`,
    [applicationId ?? null, scopeHall],
  );
  return rows.map((r) => ({
    viewedAt: iso(r.viewed_at),
    viewer: r.viewer,
    viewerName: r.viewer_name,
    hallCode: r.hall_code,
    applicationId: r.application_id,
    appNo: r.app_no,
    attachmentId: r.attachment_id,
    fileName: r.file_name,
  }));
}

export function registerWorkbenchDocs(app: FastifyInstance, db: Db): void {
  const read = async (req: FastifyRequest) => void (await authorizeWorkbench(db, req, 'read'));
  const docs = async (req: FastifyRequest) => void (await authorizeWorkbench(db, req, 'documents'));
  const op = (req: FastifyRequest): Operator => req.operator!;
  app.get(workbenchPaths.me, { onRequest: read }, async (req) => workbenchMe(db, op(req)));
  app.get<{ Params: { id: string } }>(
    `${workbenchPaths.applications}/:id/documents`,
    { onRequest: docs },
    async (req) => {
      const a = await appFor(db, op(req), req.params.id);
      return { documents: await listDocuments(db, a.id), views: await listViews(db, null, a.id) };
    },
  );
  app.get<{ Params: { id: string; att: string } }>(
    `${workbenchPaths.applications}/:id/documents/:att`,
    { onRequest: docs },
    async (req, reply) => {
      const a = await appFor(db, op(req), req.params.id);
      const d = await viewDocument(db, op(req), a, req.params.att);
      return reply
        .header('content-type', servedContentType(d.mimeType))
        .header('content-disposition', contentDisposition(d.fileName, d.sha256))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(d.bytes);
    },
  );
  app.get<{ Querystring: { application?: string } }>(
    workbenchPaths.documentViews,
    { onRequest: docs },
    async (req) => ({
      views: await listViews(db, workbenchScope(op(req)), req.query.application),
    }),
  );
}

// The access-log stage of a sync round (PIPL Art. 51): uploads the log in id order, after the
// records it is about, a bounded number of batches per round so that a long backlog never holds
// applications back. A centre older than this desk (no audit endpoint: 404) is left alone.
import { MAX_AUDIT_BATCH } from '../../../shared/protocol';
import type { SyncStore } from './store';
import { HttpError, type ApiClient } from './transport';

/** Access-log batches (of MAX_AUDIT_BATCH rows) sent in one sync round at most. */
export const AUDIT_BATCHES_PER_ROUND = 10;

export async function auditAll(client: ApiClient, store: SyncStore): Promise<number> {
  if (!store.auditToSend || !store.markAuditSent) return 0;
  let sent = 0;
  for (let batches = 0; batches < AUDIT_BATCHES_PER_ROUND; batches++) {
    const batch = await store.auditToSend(MAX_AUDIT_BATCH);
    if (batch.length === 0) return sent;
    let ack = 0;
    try {
      ack = (await client.uploadAudit(batch)).ackId;
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return sent;
      // Refused as malformed: retrying can only fail again, and the log must not hold the
      // desk's sync in an error state for ever. The rows stay on the desk.
      if (e instanceof HttpError && e.code === 'E_VALIDATION') {
        console.error('audit rows refused by the centre', e.message);
        ack = batch[batch.length - 1]?.localId ?? 0;
      } else {
        throw e;
      }
    }
    await store.markAuditSent(ack);
    sent += batch.length;
    // The centre acknowledged less than it was sent: do not spin on the same rows.
    if (ack < (batch[batch.length - 1]?.localId ?? 0)) return sent;
  }
  return sent;
}

// The access log's hash chain (tamper evidence): every entry of one device carries its place n
// (1, 2, 3, …) and the hash of the entry before it; its own hash covers both and every field.
// A removed entry shows as a break in n or in prevHash, an altered one as a hash that does not
// recompute. The desk makes the chain when it writes (db/audit.ts), the centre checks it on
// arrival and on demand (server/central/auditChain.ts). sha256 from @noble/hashes: sync, pure JS.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers (as uploaded: already masked and cut to the limits). */
export interface ChainFields {
  n: number;
  prevHash: string;
  at: string;
  actor: string;
  staffNo?: string | undefined;
  action: string;
  entity: string;
  entityId: string;
  label: string;
  detail?: string | undefined;
}

/** Field limits of an uploaded entry (shared/protocol AuditRecord): cut before hashing. */
export const AUDIT_LIMITS = { actor: 60, entityId: 100, label: 200, detail: 500 } as const;

export function chainHash(e: ChainFields): string {
  // JSON of a fixed-order array: no separator ambiguity between fields.
  const text = JSON.stringify([
    e.n,
    e.prevHash,
    e.at,
    e.actor,
    e.staffNo ?? '',
    e.action,
    e.entity,
    e.entityId,
    e.label,
    e.detail ?? '',
  ]);
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export interface ChainProblem {
  localId: number;
  kind: 'gap' | 'altered';
  detail: string;
}

/**
 * Checks a device's entries (ordered by n) against each other and against what came before
 * (`before`: the last checked entry, or null for the chain's start). Unchained entries (from a
 * desk older than the chain) are skipped.
 */
export function verifyChain(
  entries: Array<ChainFields & { localId: number; hash: string }>,
  before: { n: number; hash: string } | null,
): { problems: ChainProblem[]; last: { n: number; hash: string } | null } {
  const problems: ChainProblem[] = [];
  let last = before;
  for (const e of entries) {
    if (chainHash(e) !== e.hash) {
      problems.push({
        localId: e.localId,
        kind: 'altered',
        detail: `第 ${e.n} 条内容与其哈希不符`,
      });
    }
    if (last === null) {
      if (e.n !== 1 || e.prevHash !== GENESIS_HASH)
        problems.push({
          localId: e.localId,
          kind: 'gap',
          detail: `链从第 ${e.n} 条开始，之前的记录缺失`,
        });
    } else if (e.n !== last.n + 1) {
      problems.push({
        localId: e.localId,
        kind: 'gap',
        detail: `第 ${last.n + 1}–${e.n - 1} 条缺失`,
      });
    } else if (e.prevHash !== last.hash) {
      problems.push({
        localId: e.localId,
        kind: 'altered',
        detail: `第 ${e.n} 条记录的前一条哈希不符（前一条被改动或替换）`,
      });
    }
    last = { n: e.n, hash: e.hash };
  }
  return { problems, last };
}

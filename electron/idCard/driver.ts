// What the reader needs of one vendor interface (SDT or CVR): open a port, look for a card, read
// it. Each call answers in the interface's own terms; reader.ts decides what they mean.
import type { IdCardData } from '../../shared/domain/idCard';

/** 'removed': a card was there and left before it could be selected. */
export type FindResult = 'card' | 'none' | 'removed' | 'lost';

export interface RawCard {
  card: IdCardData;
  /** The photo as a BMP the vendor's decoder made; null when there is no decoder or photo. */
  photoBmp: Buffer | null;
}

export interface IdCardDriver {
  readonly kind: 'sdt' | 'cvr';
  /** True when a reader answered on this port (left open). */
  open(port: number): Promise<boolean>;
  close(port: number): Promise<void>;
  /** Looks for a card and selects it: 'lost' = the reader stopped answering. */
  find(port: number): Promise<FindResult>;
  /** Reads the selected card. Throws IdCardError (removed, read failed, format). */
  read(port: number): Promise<RawCard>;
  /** Frees the library. */
  dispose(): void;
}

/** USB ports first (1001–1016: nearly every reader today), then serial 1–16. */
export const DEFAULT_PORTS: readonly number[] = [
  ...Array.from({ length: 16 }, (_, i) => 1001 + i),
  ...Array.from({ length: 16 }, (_, i) => 1 + i),
];

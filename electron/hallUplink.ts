// The hall host's uplink to the centre, set from the settings page: enrols the hall queue service
// at the central endpoint as a device of kind 'service' (over HTTP with the desk's own API
// client), keeps the returned token as the secret `hall.central` and restarts the hall service so
// that its push uplink takes effect. Everything it touches is injected: tested without Electron.
import type { HallCentralUplinkRequest, HallCentralUplinkView } from '../shared/ipc/contract';
import { IpcFailure } from '../shared/ipc/registry';
import type { EnrollRequest, EnrollResponse } from '../shared/protocol';
import {
  ApiClient,
  HttpError,
  NetworkError,
  ProtocolError,
  type FetchLike,
} from '../renderer/src/sync/transport';
import { parseHallCentralUplink } from './hallProcess';
import { SecretsUnavailableError } from './secrets';

/** The secret main reads at each hall-service start (parseHallCentralUplink). */
export const HALL_CENTRAL_SECRET = 'hall.central';

/** Stable reasons in IpcErrorBody.reason for the refusals the settings page explains. */
export const UPLINK_REASONS = {
  badCode: 'E_ENROLLMENT_CODE',
  unreachable: 'E_CENTRAL_UNREACHABLE',
  notCentral: 'E_NOT_CENTRAL',
  centralRefused: 'E_CENTRAL_REFUSED',
  secretsUnavailable: 'E_SECRETS_UNAVAILABLE',
} as const;

/** What we use of SecretStore (electron/secrets.ts). */
export interface UplinkSecrets {
  available(): { ok: boolean; reason: string | null };
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): boolean;
}

/** Exchanges a one-time code for a device token at `centralUrl` (POST /api/v1/enroll). */
export type EnrollFn = (centralUrl: string, req: EnrollRequest) => Promise<EnrollResponse>;

/** The enrolment call over HTTP, with the same client (and error sorting) the desk's sync uses. */
export function httpEnroll(fetchFn: FetchLike, timeoutMs = 15_000): EnrollFn {
  return (centralUrl, req) =>
    new ApiClient({ endpoint: centralUrl, fetch: fetchFn, timeoutMs }).enroll(req);
}

/** Revokes the device's own token at the centre (DELETE /api/v1/device). */
export type RevokeFn = (centralUrl: string, token: string) => Promise<void>;

export function httpRevoke(fetchFn: FetchLike, timeoutMs = 10_000): RevokeFn {
  return async (centralUrl, token) => {
    await new ApiClient({ endpoint: centralUrl, token, fetch: fetchFn, timeoutMs }).revokeSelf();
  };
}

export interface HallUplinkDeps {
  secrets: UplinkSecrets;
  enroll: EnrollFn;
  /** Clearing the uplink also retires the device at the centre, so the token is dead weight. */
  revoke?: RevokeFn;
  /** Restarts the hall service if this machine runs it (it reads the secret as it starts). */
  restartHall: () => Promise<void>;
  /** Shown in the centre's device list, e.g. "排队叫号服务 (hall queue) HALL-PC-01". */
  deviceName: string;
  now?: () => Date;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** The stored form: what parseHallCentralUplink reads, plus what the page shows. */
interface StoredUplink {
  baseUrl: string;
  deviceId: string;
  token: string;
  hallCode: string;
  hallName?: string;
  enrolledAt?: string;
}

const EMPTY: HallCentralUplinkView = {
  configured: false,
  centralUrl: null,
  hallCode: null,
  hallName: null,
  deviceId: null,
  enrolledAt: null,
  problem: null,
};

function baseUrlOf(centralUrl: string): string {
  return centralUrl.trim().replace(/\/+$/, '');
}

export class HallUplinkManager {
  /** One change at a time: a double click must not burn two codes or interleave restarts. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: HallUplinkDeps) {}

  /** The current uplink without its token. */
  view(): HallCentralUplinkView {
    let raw: string | null;
    try {
      raw = this.deps.secrets.get(HALL_CENTRAL_SECRET);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        ...EMPTY,
        problem: `已保存的上传设置无法读取（${why}）/ the stored uplink cannot be read`,
      };
    }
    const uplink = parseHallCentralUplink(raw);
    if (!uplink) return { ...EMPTY };
    let extra: { hallName?: unknown; enrolledAt?: unknown } = {};
    try {
      extra = JSON.parse(raw ?? '{}') as typeof extra;
    } catch {
      /* parseHallCentralUplink already accepted it */
    }
    return {
      configured: true,
      centralUrl: uplink.baseUrl,
      hallCode: uplink.hallCode ?? null,
      hallName: typeof extra.hallName === 'string' ? extra.hallName : null,
      deviceId: uplink.deviceId,
      enrolledAt: typeof extra.enrolledAt === 'string' ? extra.enrolledAt : null,
      problem: null,
    };
  }

  /** Enrols at the centre, stores the credentials, restarts the hall service. */
  set(req: HallCentralUplinkRequest): Promise<HallCentralUplinkView> {
    return this.serial(() => this.doSet(req));
  }

  /**
   * Revokes the device at the centre (best effort: an unreachable centre does not stop the hall
   * manager), forgets the uplink and restarts the hall service offline.
   */
  clear(): Promise<HallCentralUplinkView> {
    return this.serial(async () => {
      let stored: ReturnType<typeof parseHallCentralUplink> = null;
      try {
        stored = parseHallCentralUplink(this.deps.secrets.get(HALL_CENTRAL_SECRET));
      } catch {
        /* unreadable (no keystore): nothing to revoke with; it is deleted below all the same */
      }
      let centreRevoked: boolean | undefined;
      if (stored && this.deps.revoke) {
        try {
          await this.deps.revoke(stored.baseUrl, stored.token);
          centreRevoked = true;
        } catch (error) {
          // Revoked already (by the administrator) is what we wanted.
          centreRevoked = error instanceof HttpError && error.code === 'E_TOKEN_REVOKED';
          if (!centreRevoked) {
            this.deps.log?.(
              'warn',
              `hall device ${stored.deviceId} not revoked at ${stored.baseUrl}: ${String(error)}`,
            );
          }
        }
      }
      const deleted = this.deps.secrets.delete(HALL_CENTRAL_SECRET);
      if (deleted) {
        this.deps.log?.('info', 'hall uplink cleared; the hall service runs offline');
        await this.restart();
      }
      return { ...this.view(), ...(centreRevoked === undefined ? {} : { centreRevoked }) };
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async doSet(req: HallCentralUplinkRequest): Promise<HallCentralUplinkView> {
    // Check the keystore first: enrolling burns the one-time code, which is lost if the token
    // then cannot be kept.
    const avail = this.deps.secrets.available();
    if (!avail.ok) {
      throw new IpcFailure(
        'unavailable',
        `本机没有可用的安全存储（${avail.reason ?? '未知原因'}），无法保存中心凭据 / secure storage unavailable`,
        UPLINK_REASONS.secretsUnavailable,
      );
    }
    const baseUrl = baseUrlOf(req.centralUrl);
    let res: EnrollResponse;
    try {
      res = await this.deps.enroll(baseUrl, {
        code: req.enrollmentCode,
        deviceName: this.deps.deviceName,
        kind: 'service',
      });
    } catch (error) {
      throw this.refusal(error, baseUrl);
    }
    const stored: StoredUplink = {
      baseUrl,
      deviceId: res.deviceId,
      token: res.token,
      hallCode: res.hallCode,
      hallName: res.hallName,
      enrolledAt: (this.deps.now?.() ?? new Date()).toISOString(),
    };
    try {
      this.deps.secrets.set(HALL_CENTRAL_SECRET, JSON.stringify(stored));
    } catch (error) {
      if (error instanceof SecretsUnavailableError) {
        throw new IpcFailure('unavailable', error.message, UPLINK_REASONS.secretsUnavailable);
      }
      throw error;
    }
    this.deps.log?.(
      'info',
      `hall uplink set: ${baseUrl} hall ${res.hallCode} device ${res.deviceId}; restarting the hall service`,
    );
    await this.restart();
    return this.view();
  }

  private async restart(): Promise<void> {
    try {
      await this.deps.restartHall();
    } catch (error) {
      // The credentials are stored; the supervisor reports the service's own trouble.
      this.deps.log?.('warn', `hall service restart after uplink change failed: ${String(error)}`);
    }
  }

  /** Turns an enrolment failure into a coded refusal with a message for the hall manager. */
  private refusal(error: unknown, baseUrl: string): IpcFailure {
    this.deps.log?.('warn', `hall enrolment at ${baseUrl} failed: ${String(error)}`);
    if (error instanceof NetworkError) {
      return new IpcFailure(
        'unavailable',
        `无法连接中心端 ${baseUrl}，请检查中心地址和网络后重试 / cannot reach the centre`,
        UPLINK_REASONS.unreachable,
      );
    }
    if (error instanceof HttpError) {
      if (error.code === 'E_ENROLLMENT_CODE') {
        return new IpcFailure(
          'invalid_argument',
          '登记码无效、已使用或已过期，请向中心管理员重新申请 / enrollment code unknown, used or expired',
          UPLINK_REASONS.badCode,
        );
      }
      if (error.code === 'E_BAD_REQUEST' || error.code === 'E_VALIDATION') {
        return new IpcFailure(
          'invalid_argument',
          `中心端拒绝了登记请求：${error.message} / the centre refused the enrolment`,
          UPLINK_REASONS.centralRefused,
        );
      }
      if (error.retryable) {
        return new IpcFailure(
          'unavailable',
          `中心端暂时不可用（HTTP ${error.status}），请稍后重试 / the centre is unavailable`,
          UPLINK_REASONS.unreachable,
        );
      }
      if (error.code.startsWith('HTTP_') || error.code === 'E_NOT_FOUND') {
        return new IpcFailure(
          'failed',
          `该地址不是营业厅中心端（HTTP ${error.status}），请核对中心地址 / not a HallDesk centre`,
          UPLINK_REASONS.notCentral,
        );
      }
      return new IpcFailure(
        'failed',
        `中心端拒绝了登记（${error.code}）：${error.message} / the centre refused the enrolment`,
        UPLINK_REASONS.centralRefused,
      );
    }
    if (error instanceof ProtocolError) {
      return new IpcFailure(
        'failed',
        '该地址的回答不是营业厅中心端的格式，请核对中心地址 / not a HallDesk centre',
        UPLINK_REASONS.notCentral,
      );
    }
    return new IpcFailure('failed', '登记失败，请查看日志 / enrolment failed');
  }
}

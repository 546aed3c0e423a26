// The hall service's own staff roster (issue 13): who may sign in at a counter, with which roles,
// decided here and never taken from what a paired desk says. Pulled from the centre with the
// hall service's device token (GET /api/v1/staff, the same list the desks get, with the
// password verifiers the stand-alone counter page's sign-in is checked against) and kept in the
// private data folder, so a hall offline after a restart still knows its people; or the hall's
// own roster (startHallService `staff`, for a hall that runs without a centre).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DeskStaff, staffPaths, StaffDirectoryResponse } from '../../shared/staff/directory';
import { checkVerifier } from '../../shared/staff/password';
import { allowedRolesText, may, type Role } from '../../shared/staff/roles';
import { CentralPullLoop } from './centralPull';
import { writePrivateFile } from './privateFiles';

export interface StaffPullOptions {
  /** The central endpoint, e.g. http://central.example:8600 */
  baseUrl: string;
  /** The hall service's device token (the same as its push uplink's). */
  token: string;
  /** Between two pulls (default 60 s): a disabled person stops signing in at the next one. */
  intervalMs?: number;
  timeoutMs?: number;
}

const FILE = 'staff-roster.json';

const Stored = z.object({ pulledAt: z.string(), staff: z.array(DeskStaff) });
type Stored = z.infer<typeof Stored>;

export type RosterRefusal = {
  ok: false;
  status: number;
  code:
    | 'E_STAFF_ROSTER'
    | 'E_STAFF_UNKNOWN'
    | 'E_STAFF_DISABLED'
    | 'E_STAFF_ROLE'
    | 'E_STAFF_PASSWORD'
    | 'E_STAFF_MUST_CHANGE';
  message: string;
};

export class StaffRoster {
  private stored: Stored | null = null;
  private readonly loop: CentralPullLoop<StaffPullOptions>;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void = () => {},
    /** The hall's own roster (no centre): used until a pull from the centre replaces it. */
    own?: DeskStaff[],
  ) {
    this.loop = new CentralPullLoop('staff roster', (o) => this.pullOnce(o), log);
    try {
      this.stored = Stored.parse(JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8')));
    } catch {
      // Never pulled (or an unreadable file): the own roster, else none until the first pull.
      if (own) this.stored = { pulledAt: '', staff: z.array(DeskStaff).parse(own) };
    }
  }

  /** Whether the service knows its hall's people (from the centre or its own roster). */
  get known(): boolean {
    return this.stored !== null;
  }

  /** Whether the hall has people: then every counter action needs a person signed in. */
  get hasStaff(): boolean {
    return (this.stored?.staff.length ?? 0) > 0;
  }

  /**
   * A person signing in at a counter with staff number and password (the stand-alone counter
   * page, no desk): checked against the verifier pulled from the centre (the slow salted hash,
   * offline as on the desk). An unknown number and a wrong password get the same answer.
   */
  async checkPassword(
    staffNo: string,
    password: string,
  ): Promise<{ ok: true; staff: DeskStaff } | RosterRefusal> {
    const s = this.find(staffNo);
    const wrong: RosterRefusal = {
      ok: false,
      status: 401,
      code: 'E_STAFF_PASSWORD',
      message: '工号或密码错误',
    };
    if (!this.stored) return this.checkCounterSignIn(staffNo);
    if (!s || !s.verifier) {
      if (s && s.state !== 'active') return this.checkCounterSignIn(staffNo);
      return wrong;
    }
    if (!(await checkVerifier(password, s.verifier))) return wrong;
    if (s.mustChange) {
      return {
        ok: false,
        status: 403,
        code: 'E_STAFF_MUST_CHANGE',
        message: '初始密码或已重置的密码须先在受理台登录并修改，再到窗口登录',
      };
    }
    return this.checkCounterSignIn(staffNo);
  }

  find(staffNo: string): DeskStaff | undefined {
    return this.stored?.staff.find((s) => s.staffNo === staffNo);
  }

  /**
   * Whether `staffNo` may take a counter: known here, active, holding `queue.serve`, and holding
   * every role the desk claims for them (a desk claiming more is refused, not corrected: it is
   * either stale or lying). The roles that count are the roster's.
   */
  checkCounterSignIn(
    staffNo: string,
    claimed: readonly string[] = [],
  ): { ok: true; staff: DeskStaff } | RosterRefusal {
    if (!this.stored) {
      return {
        ok: false,
        status: 503,
        code: 'E_STAFF_ROSTER',
        message: '排队服务还没有本厅人员名单（尚未从中心同步），暂不能在窗口登录，请稍后再试',
      };
    }
    const s = this.find(staffNo);
    if (!s) {
      return {
        ok: false,
        status: 403,
        code: 'E_STAFF_UNKNOWN',
        message: `工号 ${staffNo} 不是本厅人员`,
      };
    }
    if (s.state !== 'active') {
      return {
        ok: false,
        status: 403,
        code: 'E_STAFF_DISABLED',
        message: `工号 ${staffNo} 已停用`,
      };
    }
    const extra = claimed.filter((r) => !s.roles.includes(r as Role));
    if (extra.length > 0) {
      return {
        ok: false,
        status: 403,
        code: 'E_STAFF_ROLE',
        message: `工号 ${staffNo} 没有所报的角色（${extra.join('、')}），请在受理台重新同步后登录`,
      };
    }
    if (!may(s.roles, 'queue.serve')) {
      return {
        ok: false,
        status: 403,
        code: 'E_STAFF_ROLE',
        message: `工号 ${staffNo} 没有叫号的角色，需要：${allowedRolesText('queue.serve')}`,
      };
    }
    return { ok: true, staff: s };
  }

  /** One pull of the hall's staff from the centre (the whole list: tens of people). */
  async pullOnce(opts: StaffPullOptions): Promise<void> {
    const res = await fetch(new URL(staffPaths.directory, opts.baseUrl), {
      headers: { authorization: `Bearer ${opts.token}` },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    });
    if (!res.ok)
      throw new Error(`central staff pull HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const body = StaffDirectoryResponse.parse(await res.json());
    const before = this.stored?.staff.length;
    this.stored = { pulledAt: body.serverTime, staff: body.staff };
    this.save();
    if (before !== body.staff.length) this.log(`staff roster: ${body.staff.length} people`);
  }

  private save(): void {
    writePrivateFile(path.join(this.dataDir, FILE), JSON.stringify(this.stored));
  }

  /** Pulls now and then every `intervalMs`; failures are logged and retried next time. */
  start(opts: StaffPullOptions): void {
    this.loop.start(opts);
  }

  stop(): void {
    this.loop.stop();
  }

  /** The last pull's failure (null after a pull that worked). */
  get lastError(): string | null {
    return this.loop.lastError;
  }
}

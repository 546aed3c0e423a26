// Data for bench:fleet: varied, schema-shaped applications (names, phones, addresses and notes
// differ, so pages compress like real ones, not like one record repeated), and the fast-path
// seed that writes them straight into the centre's tables with their hall feed.
import crypto from 'node:crypto';
import type { Application } from '../../shared/domain/model';
import type { Queryable } from '../../server/db/db';
import { BACKFILL_KEY } from '../../server/central/initialsBackfill';
import { residentIdCheckChar } from '../../shared/domain/validators';
import { makeApplication } from '../../tests/unit/domain/factories';

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉波斌宇浩凯健俊帆帅旭宁龙林欣';
const ROADS = [
  '人民路',
  '解放路',
  '建设路',
  '中山路',
  '和平路',
  '新华街',
  '幸福路',
  '胜利路',
  '朝阳路',
  '文化路',
];

function pick(s: string | string[], r: number): string {
  return s[Math.floor(r * s.length) % s.length]!;
}

/**
 * A valid resident ID number of a random person (birth 1950–2004): a province's customers are
 * many people, not one (the centre keeps one customer record per ID, aggregated at push).
 */
export function fleetResidentId(): string {
  const birth = new Date(Date.UTC(1950, 0, 1) + crypto.randomInt(0, 55 * 365) * 86_400_000);
  const first17 = `110101${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(crypto.randomInt(0, 1000)).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}

/** A varied application of a hall, accepted at a desk. */
export function fleetApplication(hallCode: string, deskCode: string, n: number): Application {
  const r = () => crypto.randomInt(0, 1_000_000) / 1_000_000;
  const name = pick(SURNAMES, r()) + pick(GIVEN, r()) + (r() < 0.5 ? pick(GIVEN, r()) : '');
  const app = makeApplication({
    hallCode,
    deskCode,
    customer: {
      name,
      phone: `13${String(crypto.randomInt(0, 1e9)).padStart(9, '0')}`,
      idNumber: fleetResidentId(),
    },
  });
  const day = 1 + (n % 28);
  const at = new Date(Date.UTC(2026, 10, day, 1 + (n % 9), n % 60, (n * 7) % 60)).toISOString();
  return {
    ...app,
    appNo: `${hallCode}-${deskCode}-202611${String(day).padStart(2, '0')}-${String(n).padStart(6, '0')}`,
    address: `某市${pick(ROADS, r())}${crypto.randomInt(1, 999)}号${crypto.randomInt(1, 30)}栋${crypto.randomInt(101, 2999)}室`,
    notes: `客户${name}来电预约，${pick(['已核对证件', '资料待补', '需现场勘查', '加急处理', '按期办理'], r())}；编号 ${crypto.randomBytes(6).toString('hex')}`,
    acceptedAt: at,
    updatedAt: at,
    history: app.history.map((h) => ({ ...h, at })),
  };
}

/**
 * Fast path (no HTTP, no push logic): `perHall` applications per hall written in batches with
 * their feed rows and the hall's feed counter, as if pushed long ago by a desk of the hall.
 */
export async function seedApplications(
  db: Queryable,
  halls: Array<{ id: number; code: string }>,
  total: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const perHall = Math.floor(total / halls.length);
  const BATCH = 2_000;
  let done = 0;
  for (const hall of halls) {
    for (let from = 0; from < perHall; from += BATCH) {
      const n = Math.min(BATCH, perHall - from);
      const rows = Array.from({ length: n }, (_, i) => {
        const a = fleetApplication(hall.code, 'S01', from + i + 1);
        return {
          id: a.id,
          app_no: a.appNo,
          status: a.status,
          deadline: a.deadline,
          accepted_at: a.acceptedAt,
          server_version: a.serverVersion,
          record: a,
          seq: from + i + 1,
        };
      });
      await db.query(
        `WITH ins AS (
           INSERT INTO applications (id, hall_id, app_no, status, deadline, accepted_at,
                  server_version, record, updated_at)
           SELECT x.id, $1, x.app_no, x.status, x.deadline, x.accepted_at, x.server_version,
                  x.record, now()
             FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, app_no text, status text,
                  deadline date, accepted_at timestamptz, server_version int, record jsonb, seq int)
           RETURNING id
         ), feed AS (
           INSERT INTO hall_feed (hall_id, entity, entity_id, seq)
           SELECT $1, 'application', x.id, x.seq
             FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, seq int)
         )
         UPDATE halls SET feed_seq = $3 WHERE id = $1`,
        [hall.id, JSON.stringify(rows), from + n],
      );
      done += n;
      onProgress(done);
    }
  }
  // The fast path skips the pinyin initials push would store (the fleet never searches by
  // them): the endpoint's background backfill of such rows (server/central/initialsBackfill.ts)
  // is told there is nothing to do, so it does not update every seeded row while the fleet runs.
  await db.query(
    `INSERT INTO settings (key, value) VALUES ($1, 'done')
     ON CONFLICT (key) DO UPDATE SET value = 'done'`,
    [BACKFILL_KEY],
  );
}

// Schema migrations of the central database: one ordered list, ids recorded when applied.
// The runner refuses to start when what the database has applied is not a prefix of this list
// (a database from a newer or diverged build must not be written by this one).
import type { Db } from './db';

export interface Migration {
  /**
   * Sortable, never reused: "<yyyymmdd>_<n>_<name>". The list only grows at its end (a deployed
   * database has applied a prefix of it), so a later batch of the same day takes a letter after
   * the date ("20261207b_01_…") to sort after everything the day's first batch added.
   */
  id: string;
  sql: string;
}

export class MigrationMismatchError extends Error {
  constructor(
    readonly applied: string[],
    readonly known: string[],
  ) {
    super(
      `database migrations [${applied.join(', ')}] are not a prefix of this build's [${known.join(', ')}]; refusing to run`,
    );
    this.name = 'MigrationMismatchError';
  }
}

export const migrations: Migration[] = [
  {
    id: '20261126_1_init',
    sql: `
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE halls (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Position of the hall's pull feed; bumped under this row's lock so that feed positions
  -- commit in order (a reader never skips a change that commits later with a lower number).
  feed_seq integer NOT NULL DEFAULT 0
);

CREATE TABLE enrollment_codes (
  code_sha256 text PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  device_id uuid,
  note text
);

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  name text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz,
  revoked_at timestamptz,
  ack_seq integer NOT NULL DEFAULT 0,
  max_seq integer NOT NULL DEFAULT 0
);
CREATE INDEX devices_hall ON devices (hall_id);

-- Every change ever received, keyed by the client's changeId: the idempotency record, written
-- in the same transaction as the change itself.
CREATE TABLE changes (
  change_id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices(id),
  hall_id integer NOT NULL REFERENCES halls(id),
  seq integer NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  op text NOT NULL,
  payload_sha256 text NOT NULL,
  status text NOT NULL,
  code text,
  reason text,
  server_version integer,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (device_id, seq)
);
CREATE INDEX changes_rejected ON changes (hall_id, received_at) WHERE status = 'rejected';

CREATE TABLE applications (
  id uuid PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  app_no text NOT NULL,
  status text NOT NULL,
  deadline date NOT NULL,
  accepted_at timestamptz NOT NULL,
  server_version integer NOT NULL,
  record jsonb NOT NULL,
  last_device_id uuid,
  last_device_seq integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_hall_status ON applications (hall_id, status, deadline);
CREATE INDEX applications_app_no ON applications (app_no);

CREATE TABLE feedback (
  id uuid PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  record jsonb NOT NULL,
  last_device_id uuid,
  last_device_seq integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_hall ON feedback (hall_id);

CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  application_id uuid NOT NULL,
  sha256 text NOT NULL,
  record jsonb NOT NULL,
  last_device_id uuid,
  last_device_seq integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_app ON attachments (application_id);

CREATE TABLE queue_events (
  hall_id integer NOT NULL REFERENCES halls(id),
  id text NOT NULL,
  device_id uuid NOT NULL,
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (hall_id, id)
);

-- The hall's pull feed, compacted: one row per record, at the position of its latest change.
CREATE TABLE hall_feed (
  hall_id integer NOT NULL REFERENCES halls(id),
  entity text NOT NULL,
  entity_id uuid NOT NULL,
  seq integer NOT NULL,
  PRIMARY KEY (hall_id, entity, entity_id)
);
CREATE INDEX hall_feed_seq ON hall_feed (hall_id, seq);

-- Attachment bytes, content-addressed per hall (halls never share or probe each other's files).
CREATE TABLE blobs (
  hall_id integer NOT NULL REFERENCES halls(id),
  sha256 text NOT NULL,
  size integer NOT NULL,
  received integer NOT NULL DEFAULT 0,
  complete boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (hall_id, sha256)
);
CREATE TABLE blob_chunks (
  hall_id integer NOT NULL,
  sha256 text NOT NULL,
  "offset" integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (hall_id, sha256, "offset"),
  FOREIGN KEY (hall_id, sha256) REFERENCES blobs (hall_id, sha256) ON DELETE CASCADE
);

-- Configuration documents delivered to every hall by pull (catalogue, holiday calendar).
-- version is global across keys and only grows.
CREATE TABLE config (
  key text PRIMARY KEY,
  version integer NOT NULL UNIQUE,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    // The console's and CLI's "past or near the deadline" list scans only open applications.
    id: '20261126_2_open_deadline_index',
    sql: `
CREATE INDEX applications_open_deadline ON applications (deadline)
  WHERE status NOT IN ('archived', 'cancelled', 'rejected');
`,
  },
  {
    // Desk codes (the "D03" in H0101-D03-20261127-0001): allocated per hall at enrollment so
    // that two desks of one hall never make the same application numbers. Unique among the
    // hall's active devices; a revoked device's code may be asked for again by its desk.
    id: '20261127_3_device_desk_code',
    sql: `
ALTER TABLE devices ADD COLUMN desk_code text;
CREATE UNIQUE INDEX devices_hall_desk_active ON devices (hall_id, desk_code)
  WHERE revoked_at IS NULL AND desk_code IS NOT NULL;
`,
  },
  {
    // The device whose push wrote the record's current version (NULL once the centre wrote it,
    // e.g. a back-office move): a pull with skipOwn=1 does not echo that version back to it.
    id: '20261127_4_version_device',
    sql: `
ALTER TABLE applications ADD COLUMN version_device_id uuid;
ALTER TABLE feedback ADD COLUMN version_device_id uuid;
`,
  },
  {
    // The desks' access logs (PIPL Art. 51: who read or changed which record), kept at the centre
    // so that they outlive a desk PC. One row per (device, the desk's own row id): a resend after
    // a lost answer stores nothing twice.
    id: '20261127_5_audit_events',
    sql: `
CREATE TABLE audit_events (
  device_id uuid NOT NULL REFERENCES devices(id),
  local_id bigint NOT NULL,
  hall_id integer NOT NULL REFERENCES halls(id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  entity text NOT NULL,
  entity_id text NOT NULL,
  label text NOT NULL,
  detail text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, local_id)
);
CREATE INDEX audit_events_hall_at ON audit_events (hall_id, at DESC);
-- The console's latest rows across all halls.
CREATE INDEX audit_events_at ON audit_events (at DESC);
CREATE INDEX audit_events_entity ON audit_events (entity_id, at DESC);
`,
  },
  {
    // Console sign-ins: the cookie holds a random session id, the table only its hash, so that
    // several endpoint processes on one database share them and a copy of the table signs no
    // one in. Expired rows are removed at the next sign-in.
    id: '20261207_centre-secrets_1_console_sessions',
    sql: `
CREATE TABLE console_sessions (
  id_sha256 text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
`,
  },
  {
    // What a device may do depends on its kind: 'desk' (applications, feedback, attachments,
    // queue events, pull) or 'service' (the hall queue service's uplink: queue events and its
    // configuration only). Devices enrolled before kinds were recorded whose every change was a
    // queue event and that hold no desk code are the hall services of that time.
    id: '20261207_centre-trust_1_device_kind',
    sql: `
ALTER TABLE devices ADD COLUMN kind text NOT NULL DEFAULT 'desk';
UPDATE devices d SET kind = 'service'
 WHERE d.desk_code IS NULL
   AND EXISTS (SELECT 1 FROM changes c WHERE c.device_id = d.id)
   AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.device_id = d.id AND c.entity <> 'queue_event');
`,
  },
  {
    // Attachment bytes are counted against the device that started the upload (per-device quota),
    // and unfinished uploads are swept after their expiry (by created_at).
    id: '20261207_centre-trust_2_blob_owner',
    sql: `
ALTER TABLE blobs ADD COLUMN device_id uuid;
CREATE INDEX blobs_device ON blobs (device_id);
CREATE INDEX blobs_incomplete ON blobs (created_at) WHERE NOT complete;
`,
  },
  {
    // Desk codes are allocated from an index of the codes a hall has ever used, not by reading
    // every application of the hall (issue 16); enrollment codes carry the desk code they were
    // made for (issue 12 §2: a desk numbers under its real codes before its first contact).
    id: '20261207_clerk-rules_1_hall_desk_codes',
    sql: `
CREATE TABLE hall_desk_codes (
  hall_id integer NOT NULL REFERENCES halls(id),
  desk_code text NOT NULL,
  source text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (hall_id, desk_code)
);
ALTER TABLE halls ADD COLUMN next_desk_no integer NOT NULL DEFAULT 1;
ALTER TABLE enrollment_codes ADD COLUMN desk_code text;
INSERT INTO hall_desk_codes (hall_id, desk_code, source)
  SELECT DISTINCT hall_id, desk_code, 'device' FROM devices WHERE desk_code IS NOT NULL
  ON CONFLICT DO NOTHING;
INSERT INTO hall_desk_codes (hall_id, desk_code, source)
  SELECT DISTINCT hall_id, record->>'deskCode', 'application' FROM applications
   WHERE record->>'deskCode' IS NOT NULL
  ON CONFLICT DO NOTHING;
`,
  },
  {
    // The console's hall list counted every application of every hall on each view. The counts
    // per hall and status are kept by a trigger, in the same transaction as every write of
    // applications (pushes, back-office moves, anything later), and backfilled here once.
    id: '20261207_fleet_1_hall_app_counts',
    sql: `
CREATE TABLE hall_app_counts (
  hall_id integer NOT NULL REFERENCES halls(id),
  status text NOT NULL,
  n integer NOT NULL,
  PRIMARY KEY (hall_id, status)
);
INSERT INTO hall_app_counts (hall_id, status, n)
  SELECT hall_id, status, count(*)::int FROM applications GROUP BY hall_id, status;
CREATE FUNCTION hall_app_counts_track() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' OR TG_OP = 'DELETE' THEN
    UPDATE hall_app_counts SET n = n - 1 WHERE hall_id = OLD.hall_id AND status = OLD.status;
  END IF;
  IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN
    INSERT INTO hall_app_counts AS c (hall_id, status, n) VALUES (NEW.hall_id, NEW.status, 1)
      ON CONFLICT (hall_id, status) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER applications_count_ins_del AFTER INSERT OR DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION hall_app_counts_track();
CREATE TRIGGER applications_count_upd AFTER UPDATE OF status, hall_id ON applications
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.hall_id IS DISTINCT FROM NEW.hall_id)
  EXECUTE FUNCTION hall_app_counts_track();
`,
  },
  {
    // Bumped by every push that writes: a push reads and decides outside the hall lock, then
    // under the lock checks that neither the hall's feed nor the device moved meanwhile.
    id: '20261207_fleet_2_device_push_count',
    sql: `ALTER TABLE devices ADD COLUMN push_count bigint NOT NULL DEFAULT 0;`,
  },
  {
    // Staff directory (issue 13): people of a hall or of the centre, their roles and a slow salted
    // password verifier (scrypt; never a reversible form). A removed person's row stays so that
    // the staff numbers on old records still name someone. Desks report lockouts and first-sign-in
    // password changes (staff_events, once per event id); console sessions are kept hashed.
    id: '20261207_staff_1_staff',
    sql: `
CREATE TABLE staff (
  id serial PRIMARY KEY,
  staff_no text NOT NULL UNIQUE,
  name text NOT NULL,
  hall_id integer REFERENCES halls(id),
  roles text[] NOT NULL,
  state text NOT NULL DEFAULT 'active',
  phone text,
  verifier jsonb NOT NULL,
  must_change boolean NOT NULL DEFAULT true,
  pw_version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_hall ON staff (hall_id, staff_no);

CREATE TABLE staff_events (
  id uuid PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices(id),
  staff_id integer NOT NULL REFERENCES staff(id),
  kind text NOT NULL,
  at timestamptz NOT NULL,
  status text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_events_staff ON staff_events (staff_id, at DESC);

CREATE TABLE staff_sessions (
  token_sha256 text PRIMARY KEY,
  staff_id integer NOT NULL REFERENCES staff(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
`,
  },
  {
    // Tamper-evident access log: each desk row carries the staff number, its place in the
    // device's chain and the hash of the previous row; the centre records what its check found.
    id: '20261207_staff_2_audit_chain',
    sql: `
ALTER TABLE audit_events ADD COLUMN staff_no text;
ALTER TABLE audit_events ADD COLUMN chain_n bigint;
ALTER TABLE audit_events ADD COLUMN prev_hash text;
ALTER TABLE audit_events ADD COLUMN hash text;
-- The desk's own text of the time, as its hash covers it (timestamptz would re-format it).
ALTER TABLE audit_events ADD COLUMN at_text text;
CREATE INDEX audit_events_chain ON audit_events (device_id, chain_n) WHERE chain_n IS NOT NULL;
CREATE TABLE audit_chain_flags (
  id serial PRIMARY KEY,
  device_id uuid NOT NULL REFERENCES devices(id),
  hall_id integer NOT NULL REFERENCES halls(id),
  local_id bigint NOT NULL,
  kind text NOT NULL,
  detail text NOT NULL,
  detected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_chain_flags_hall ON audit_chain_flags (hall_id, detected_at DESC);
`,
  },
  {
    // The centre's workbench searches every hall's applications: the searched parts of the record
    // as generated columns (push.ts writes only the record), each with its index. A serial
    // (0002, 20261207-0002) is a suffix of the number: found through reverse(app_no).
    id: '20261207_workbench_1_search_indexes',
    sql: `
ALTER TABLE applications
  ADD COLUMN customer_name text GENERATED ALWAYS AS (record->'customer'->>'name') STORED,
  ADD COLUMN id_last4 text
    GENERATED ALWAYS AS (upper(right(record->'customer'->>'idNumber', 4))) STORED,
  ADD COLUMN credit_last4 text
    GENERATED ALWAYS AS (upper(right(record->'customer'->>'creditCode', 4))) STORED,
  ADD COLUMN customer_phone text GENERATED ALWAYS AS (record->'customer'->>'phone') STORED,
  ADD COLUMN business_code text GENERATED ALWAYS AS (record->>'businessCode') STORED;
CREATE INDEX applications_wb_app_no_rev ON applications (reverse(app_no) text_pattern_ops);
CREATE INDEX applications_wb_name ON applications (customer_name text_pattern_ops);
CREATE INDEX applications_wb_id_last4 ON applications (id_last4);
CREATE INDEX applications_wb_credit_last4 ON applications (credit_last4)
  WHERE credit_last4 IS NOT NULL;
CREATE INDEX applications_wb_phone ON applications (customer_phone text_pattern_ops);
CREATE INDEX applications_wb_accepted ON applications (accepted_at DESC, id DESC);
CREATE INDEX applications_wb_hall_accepted ON applications (hall_id, accepted_at DESC, id DESC);
`,
  },
  {
    // Complaints at the centre (issue 14 §2): the listed and filtered parts of a feedback record
    // as generated columns (push writes only the record), their indexes (list newest first, per
    // hall, per handler, the due lists, repeat look-up by phone/account, clerk named), and the
    // escalation records (one per record and deadline: two processes escalate it once).
    // Dates and times stay text: a text-to-date cast is not immutable (generated columns); the
    // desk writes them in one format (YYYY-MM-DD, ISO with offset), so text order is time order.
    id: '20261207b_01_complaints_feedback_handling',
    sql: `
ALTER TABLE feedback
  ADD COLUMN feedback_no text GENERATED ALWAYS AS (record->>'feedbackNo') STORED,
  ADD COLUMN kind text GENERATED ALWAYS AS (record->>'kind') STORED,
  ADD COLUMN fb_status text GENERATED ALWAYS AS (record->>'status') STORED,
  ADD COLUMN accepted_text text GENERATED ALWAYS AS (record->>'acceptedAt') STORED,
  ADD COLUMN first_contact_due text GENERATED ALWAYS AS (record->>'firstContactDue') STORED,
  ADD COLUMN reply_due text GENERATED ALWAYS AS (record->>'replyDue') STORED,
  ADD COLUMN handler_no text GENERATED ALWAYS AS (record->'handler'->>'staffNo') STORED,
  ADD COLUMN phone text GENERATED ALWAYS AS (record->>'phone') STORED,
  ADD COLUMN account_no text GENERATED ALWAYS AS (record->>'accountNo') STORED,
  ADD COLUMN concerns_staff_no text GENERATED ALWAYS AS (record->>'concernsStaffNo') STORED;
CREATE INDEX feedback_c_accepted ON feedback (accepted_text DESC, id DESC);
CREATE INDEX feedback_c_hall_accepted ON feedback (hall_id, accepted_text DESC, id DESC);
CREATE INDEX feedback_c_handler ON feedback (handler_no, accepted_text DESC, id DESC);
CREATE INDEX feedback_c_reply_due ON feedback (reply_due, id)
  WHERE fb_status IN ('open', 'contacted');
CREATE INDEX feedback_c_contact_due ON feedback (first_contact_due, id) WHERE fb_status = 'open';
CREATE INDEX feedback_c_unassigned ON feedback (accepted_text) WHERE handler_no IS NULL;
CREATE INDEX feedback_c_phone ON feedback (phone, accepted_text);
CREATE INDEX feedback_c_account ON feedback (account_no, accepted_text) WHERE account_no IS NOT NULL;
CREATE INDEX feedback_c_concerns ON feedback (concerns_staff_no, accepted_text)
  WHERE concerns_staff_no IS NOT NULL;
CREATE INDEX feedback_c_no ON feedback (feedback_no);

CREATE TABLE feedback_escalations (
  id serial PRIMARY KEY,
  feedback_id uuid NOT NULL REFERENCES feedback(id),
  hall_id integer NOT NULL REFERENCES halls(id),
  deadline text NOT NULL,
  due_date text NOT NULL,
  handler_no text,
  manager_no text,
  escalated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (feedback_id, deadline)
);
CREATE INDEX feedback_escalations_manager ON feedback_escalations (manager_no, escalated_at DESC);
`,
  },
  {
    // Supervision at the centre is counted in SQL (server/central/supervision.ts): what each figure
    // needs from the record as generated columns, and one covering index by hall and acceptance
    // time, so a month of a hall (or of every hall) is an index-only range scan, not a read of
    // every record. The predicates match shared/staff/supervision.ts inFigure(). Its own business
    // code column: the ids are kept in sorted order, and this one runs before the workbench's.
    id: '20261207b_02_supervision_sql_figures',
    sql: `
ALTER TABLE applications
  ADD COLUMN sup_staff_no text GENERATED ALWAYS AS (record->>'acceptedByStaffNo') STORED,
  ADD COLUMN sup_business_code text GENERATED ALWAYS AS (record->>'businessCode') STORED,
  ADD COLUMN sup_overridden boolean GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(record->'overriddenWarnings') = 'array'
      THEN jsonb_array_length(record->'overriddenWarnings') > 0 ELSE false END) STORED,
  ADD COLUMN sup_returned boolean GENERATED ALWAYS AS (
    status = 'rejected'
    OR jsonb_path_exists(record, '$.history[*] ? (@.to == "rejected" || exists(@.reasonCode))'))
    STORED,
  ADD COLUMN sup_promised boolean GENERATED ALWAYS AS (
    jsonb_path_exists(record, '$.documents[*] ? (@.status == "to_follow")')) STORED,
  ADD COLUMN sup_rating smallint GENERATED ALWAYS AS (
    CASE WHEN coalesce(jsonb_typeof(record->'customerRating'), 'null') <> 'object' THEN 0
      WHEN record->'customerRating'->>'bad' = 'true' THEN 2 ELSE 1 END) STORED;
CREATE INDEX applications_sup_hall_accepted ON applications (hall_id, accepted_at)
  INCLUDE (sup_staff_no, sup_business_code, status, deadline, sup_overridden, sup_returned,
    sup_promised, sup_rating);
`,
  },
  {
    // Commendations and corrections (shared/staff/notes.ts): pushed by a hall manager's desk or
    // written in the admin API, pulled by the hall's desks like feedback (hall_feed entity
    // 'supervision_note'). Listed per hall and period, and per person.
    id: '20261207b_03_supervision_notes',
    sql: `
CREATE TABLE supervision_notes (
  id uuid PRIMARY KEY,
  hall_id integer NOT NULL REFERENCES halls(id),
  staff_no text NOT NULL,
  kind text NOT NULL,
  period_from date NOT NULL,
  period_to date NOT NULL,
  record jsonb NOT NULL,
  last_device_id uuid,
  last_device_seq integer,
  version_device_id uuid,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX supervision_notes_hall_period ON supervision_notes (hall_id, period_to, period_from);
CREATE INDEX supervision_notes_staff ON supervision_notes (staff_no, period_to);
`,
  },
  {
    // One customer across applications and halls (issue 14 §3): each application's customer key
    // (credit code for a company, else the ID number; shared/domain/customers.ts customerKeyOf),
    // the customers table kept by push (customers.ts refreshCustomers: every name seen, so a
    // disagreement shows as a conflict and is never merged silently), explicit merges, the
    // key-customer register with its account manager, and when each manager last looked.
    id: '20261207b_04_customers_customers',
    sql: `
ALTER TABLE applications ADD COLUMN customer_key text GENERATED ALWAYS AS (
  CASE WHEN coalesce(btrim(record->'customer'->>'creditCode'), '') <> ''
         THEN 'C:' || upper(btrim(record->'customer'->>'creditCode'))
       WHEN coalesce(btrim(record->'customer'->>'idNumber'), '') <> ''
         THEN 'I:' || upper(btrim(record->'customer'->>'idNumber'))
  END) STORED;
CREATE INDEX applications_customer_key ON applications (customer_key, accepted_at DESC);
CREATE TABLE customers (
  ckey text PRIMARY KEY,
  name text NOT NULL,
  names text[] NOT NULL,
  phone text,
  account_nos text[] NOT NULL DEFAULT '{}',
  hall_ids integer[] NOT NULL DEFAULT '{}',
  app_count integer NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL,
  merged_into text REFERENCES customers(ckey),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_name ON customers (name text_pattern_ops, ckey) WHERE merged_into IS NULL;
CREATE INDEX customers_list ON customers (name, ckey) WHERE merged_into IS NULL;
CREATE INDEX customers_account_nos ON customers USING gin (account_nos);
CREATE INDEX customers_conflicts ON customers (name, ckey)
  WHERE merged_into IS NULL AND cardinality(names) > 1;
CREATE INDEX customers_merged_into ON customers (merged_into) WHERE merged_into IS NOT NULL;
CREATE TABLE customer_merges (
  from_key text PRIMARY KEY REFERENCES customers(ckey),
  into_key text NOT NULL REFERENCES customers(ckey),
  note text,
  merged_by text NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE key_customers (
  ckey text PRIMARY KEY REFERENCES customers(ckey),
  reasons text[] NOT NULL,
  manager_staff_id integer NOT NULL REFERENCES staff(id),
  since date NOT NULL,
  note text,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_customers_manager ON key_customers (manager_staff_id, ckey);
CREATE TABLE account_manager_seen (
  staff_id integer PRIMARY KEY REFERENCES staff(id),
  seen_at timestamptz NOT NULL
);
`,
  },
  {
    // The workbench's further search arms. Pinyin initials of the customer's name cannot be
    // computed in SQL: push.ts (pushWrite) and the centre's own writes store them. 户号 is a
    // generated column. An address is searched by any part of it: its character bigrams (a
    // locale-free stand-in for pg_trgm, whose C-locale trigrams skip Han characters) in a GIN
    // index narrow the rows, then LIKE checks the whole term. The open-deadline index carries
    // the keyset's tie-breakers so that the overdue list's first page is an index range.
    id: '20261207b_05_centre-search_search_arms',
    sql: `
CREATE FUNCTION hd_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
  $fn$ SELECT ARRAY(SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i) $fn$;
ALTER TABLE applications
  ADD COLUMN name_initials text,
  ADD COLUMN account_no text GENERATED ALWAYS AS (record->'customer'->>'accountNo') STORED,
  ADD COLUMN address text GENERATED ALWAYS AS (record->>'address') STORED,
  ADD COLUMN address_grams text[] GENERATED ALWAYS AS (hd_bigrams(record->>'address')) STORED;
CREATE INDEX applications_wb_initials ON applications (name_initials text_pattern_ops)
  WHERE name_initials IS NOT NULL;
CREATE INDEX applications_wb_account_no ON applications (account_no text_pattern_ops)
  WHERE account_no IS NOT NULL;
CREATE INDEX applications_wb_address ON applications USING gin (address_grams);
CREATE INDEX applications_wb_open_due ON applications (deadline, accepted_at, id)
  WHERE status NOT IN ('archived', 'cancelled', 'rejected');
`,
  },
  {
    // Every view of an application's document scan at the workbench: who, when, which
    // (server/central/workbenchDocs.ts). Listed per application and newest first overall.
    id: '20261207b_06_centre-search_document_views',
    sql: `
CREATE TABLE document_views (
  id bigserial PRIMARY KEY,
  viewed_at timestamptz NOT NULL DEFAULT now(),
  viewer text NOT NULL,
  viewer_name text,
  hall_id integer NOT NULL REFERENCES halls(id),
  application_id uuid NOT NULL,
  attachment_id uuid NOT NULL,
  sha256 text NOT NULL
);
CREATE INDEX document_views_app ON document_views (application_id, viewed_at DESC);
CREATE INDEX document_views_at ON document_views (viewed_at DESC);
`,
  },
  {
    // Per-clerk queue figures at the centre (issue 13 §3) read a hall's queue events of a range
    // of numbering days: the day as an expression index.
    id: '20261207b_07_queue-staff_queue_events_day',
    sql: `
CREATE INDEX queue_events_hall_day ON queue_events (hall_id, (payload->>'day'));
`,
  },
  {
    // Repeat complaints by ID number and by address (server/central/repeatComplaints.ts) go
    // through the application a record is linked to: its number as a column with an index, so
    // that the earlier records linked to a customer's applications are an index look-up.
    id: '20261207c_workbench4_1_feedback_application_no',
    sql: `
ALTER TABLE feedback
  ADD COLUMN application_no text GENERATED ALWAYS AS (record->>'applicationNo') STORED;
CREATE INDEX feedback_c_application ON feedback (application_no, accepted_text)
  WHERE application_no IS NOT NULL;
`,
  },
  {
    // Issue 16: a pull page is the records' JSON text, and PostgreSQL spent most of a
    // 1,000-record page's time turning jsonb back into text (11.5 ms of execution; 6.0 ms from a
    // stored text). The text is generated from the record, so no writer can forget it: one
    // jsonb→text per write instead of one per page that carries the record (a hall's first pages
    // are built for every desk that starts from scratch). Costs the record's size again on disk.
    id: '20261207d_fleet_application_record_text',
    sql: `
ALTER TABLE applications ADD COLUMN record_text text GENERATED ALWAYS AS (record::text) STORED;
`,
  },
];

/** Arbitrary constant: the advisory lock that serialises migration runs across processes. */
const MIGRATION_LOCK = 860_001;

/**
 * Applies the migrations `known` has and the database lacks, in one transaction under an
 * advisory lock (several endpoint processes may start at once). Throws MigrationMismatchError
 * when the applied ids are not a prefix of `known`.
 */
export async function runMigrations(db: Db, known: Migration[] = migrations): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      position integer PRIMARY KEY,
      id text NOT NULL UNIQUE,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ id: string }>(
      'SELECT id FROM schema_migrations ORDER BY position',
    );
    const applied = rows.map((r) => r.id);
    const knownIds = known.map((m) => m.id);
    const isPrefix =
      applied.length <= knownIds.length && applied.every((id, i) => id === knownIds[i]);
    if (!isPrefix) throw new MigrationMismatchError(applied, knownIds);
    const ran: string[] = [];
    for (let i = applied.length; i < known.length; i++) {
      const m = known[i]!;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (position, id) VALUES ($1, $2)', [i, m.id]);
      ran.push(m.id);
    }
    return ran;
  });
}

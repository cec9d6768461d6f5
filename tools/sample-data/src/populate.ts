// Writes the sample data: users (+ profiles, interests), then events in batches, each batch one transaction
// of multi-row INSERT … SELECT FROM unnest(...) statements (one array parameter per column: no parameter
// limit, one round trip per table), then badges and statistics snapshots computed from what was written.
// Rows go straight to the tables; nothing goes through the outbox, so no e-mail is sent to sample users.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { PopulateOptions } from './populate-options.js';
import {
  createEventPool,
  createRng,
  generateEvents,
  generateUsers,
  type CategoryRef,
  type EventBatch,
  type SampleUser,
  type UserRef,
} from './sample-generator.js';

export interface PopulateProgress {
  phase: 'users' | 'events';
  done: number;
  total: number;
  /** Since the start of the run. */
  elapsedMs: number;
}

export interface PopulateRun extends PopulateOptions {
  /** The hash stored for every sample user (computed once by the caller with the API's PasswordHasher). */
  passwordHash: string;
  now?: Date;
  onProgress?: (p: PopulateProgress) => void;
}

export interface PopulateResult {
  tag: string;
  seed: number;
  /** Rows inserted per table. */
  rows: Record<string, number>;
  participantsByStatus: Record<string, number>;
  eventsByStatus: Record<string, number>;
  /** Milliseconds per phase. */
  timings: Record<string, number>;
  /** Milliseconds of INSERT per table. */
  tableMs: Record<string, number>;
  /** Batches that could not take the lock to switch the participants_count trigger off (slower, same rows). */
  triggerKeptBatches: number;
  totalMs: number;
  userIds: number[];
  eventIds: number[];
  sampleOrganizer: { username: string; email: string } | null;
  sampleVolunteer: { username: string; email: string } | null;
}

type Col = [name: string, pgType: string];

/** `INSERT INTO table (cols) SELECT * FROM unnest($1::t1[], $2::t2[], …)`; `values` are column arrays. */
interface Writer {
  sequelize: Sequelize;
  tx: Transaction;
  /** Milliseconds per table, summed into the result. */
  tableMs: Record<string, number>;
}

async function insertColumns(
  { sequelize, tx, tableMs }: Writer,
  table: string,
  cols: Col[],
  values: unknown[][],
  suffix = '',
): Promise<void> {
  if (!values[0]?.length) return;
  const t = Date.now();
  const sql = `INSERT INTO ${table} (${cols.map((c) => c[0]).join(', ')})
    SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ')}) ${suffix}`;
  await sequelize.query(sql, { bind: values, transaction: tx, type: QueryTypes.INSERT });
  bump(tableMs, table, Date.now() - t);
}

async function allocateIds(
  sequelize: Sequelize,
  tx: Transaction,
  table: string,
  n: number,
): Promise<number[]> {
  if (n === 0) return [];
  const rows = await sequelize.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence($1, 'id'))::int AS id FROM generate_series(1, $2::int)`,
    { bind: [table, n], transaction: tx, type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const columns = <T>(rows: readonly T[], pick: Array<(r: T) => unknown>): unknown[][] =>
  pick.map((f) => rows.map(f));
const bump = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);

export async function populate(sequelize: Sequelize, run: PopulateRun): Promise<PopulateResult> {
  const t0 = Date.now();
  const now = run.now ?? new Date();
  const rng = createRng(run.seed);
  const result: PopulateResult = {
    tag: run.tag,
    seed: run.seed,
    rows: {},
    participantsByStatus: {},
    eventsByStatus: {},
    timings: {},
    tableMs: {},
    triggerKeptBatches: 0,
    totalMs: 0,
    userIds: [],
    eventIds: [],
    sampleOrganizer: null,
    sampleVolunteer: null,
  };
  const progress = (phase: PopulateProgress['phase'], done: number, total: number) =>
    run.onProgress?.({ phase, done, total, elapsedMs: Date.now() - t0 });

  const categories = await sequelize.query<CategoryRef>('SELECT id, name FROM event_categories ORDER BY id', {
    type: QueryTypes.SELECT,
  });
  if (!categories.length) throw new Error('populate: event_categories is empty (the seed did not run)');

  // ------------------------------------------------------------------------------------------- users
  const tUsers = Date.now();
  // A re-run with the same tag continues the numbering instead of colliding.
  const [existing] = await sequelize.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE username LIKE $1`,
    {
      bind: [`%.${run.tag}.%`],
      type: QueryTypes.SELECT,
    },
  );
  let number = (existing?.n ?? 0) + 1;
  const refs: UserRef[] = [];
  const organizerIds = new Set<number>();
  const userBatch = Math.max(100, Math.min(2_000, run.batchSize * 2));
  for (let done = 0; done < run.users;) {
    const n = Math.min(userBatch, run.users - done);
    const users = generateUsers(rng, {
      tag: run.tag,
      firstNumber: number,
      count: n,
      categoryIds: categories.map((c) => c.id),
      now,
    });
    await sequelize.transaction(async (tx) => {
      const ids = await allocateIds(sequelize, tx, 'users', n);
      const inserted = await insertUsers(
        { sequelize, tx, tableMs: result.tableMs },
        users,
        ids,
        run.passwordHash,
      );
      for (let i = 0; i < n; i++) {
        if (!inserted.has(ids[i]!)) continue;
        const u = users[i]!;
        refs.push({ id: ids[i]!, cityIndex: u.cityIndex, first_name: u.first_name, last_name: u.last_name });
        result.userIds.push(ids[i]!);
        if (u.is_organizer) organizerIds.add(ids[i]!);
        if (u.is_organizer) result.sampleOrganizer ??= { username: u.username, email: u.email };
        else result.sampleVolunteer ??= { username: u.username, email: u.email };
      }
      bump(result.rows, 'users', inserted.size);
    });
    number += n;
    done += n;
    progress('users', done, run.users);
  }
  result.timings['users'] = Date.now() - tUsers;
  if (!refs.length && run.events > 0) throw new Error('populate: no user inserted, cannot create events');

  // ------------------------------------------------------------------------------------------ events
  const tEvents = Date.now();
  const pool = run.events > 0 ? createEventPool(refs, organizerIds, categories) : null;
  for (let done = 0; pool && done < run.events;) {
    const n = Math.min(run.batchSize, run.events - done);
    const batch = generateEvents(rng, pool, n, now);
    await sequelize.transaction(async (tx) => {
      const written = await writeEventBatch({ sequelize, tx, tableMs: result.tableMs }, batch);
      result.eventIds.push(...written.eventIds);
      if (written.keptTrigger) result.triggerKeptBatches++;
    });
    bump(result.rows, 'events', batch.events.length);
    bump(result.rows, 'event_participants', batch.participants.length);
    bump(result.rows, 'event_resources', batch.resources.length);
    bump(result.rows, 'event_comments', batch.comments.length);
    bump(result.rows, 'event_reports', batch.reports.length);
    bump(result.rows, 'report_statistics', batch.reports.length);
    for (const e of batch.events) bump(result.eventsByStatus, e.status);
    for (const p of batch.participants) bump(result.participantsByStatus, p.status);
    done += n;
    progress('events', done, run.events);
  }
  result.timings['events'] = Date.now() - tEvents;

  // ---------------------------------------------------------------------- badges and stats snapshots
  const tStats = Date.now();
  for (let i = 0; i < result.userIds.length; i += 2_000) {
    const slice = result.userIds.slice(i, i + 2_000);
    await sequelize.transaction(async (tx) => {
      bump(result.rows, 'user_badges', await awardBadges(sequelize, tx, slice, now));
    });
  }
  result.timings['badges and statistics'] = Date.now() - tStats;

  // Fresh planner statistics, so the API's list/nearby queries plan for the new volume right away.
  if (run.events >= 1_000) {
    const tAnalyze = Date.now();
    await sequelize.query(
      'ANALYZE users, user_profiles, events, event_participants, event_comments, event_resources, event_reports',
      { type: QueryTypes.RAW },
    );
    result.timings['analyze'] = Date.now() - tAnalyze;
  }
  result.rows['user_profiles'] = result.rows['users'] ?? 0;
  result.totalMs = Date.now() - t0;
  return result;
}

async function insertUsers(
  w: Writer,
  users: SampleUser[],
  ids: number[],
  hash: string,
): Promise<Set<number>> {
  const { sequelize, tx } = w;
  const v = columns(users, [
    (u) => u.username,
    (u) => u.email,
    (u) => u.first_name,
    (u) => u.last_name,
    () => hash,
    (u) => iso(u.date_joined),
    (u) => iso(u.date_joined),
  ]);
  // ON CONFLICT: a same-tag re-run racing with another one skips the taken names instead of failing.
  const rows = await sequelize.query<{ id: number }>(
    `INSERT INTO users (id, username, email, first_name, last_name, password_hash, date_joined, password_changed_at)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
     ON CONFLICT DO NOTHING RETURNING id`,
    { bind: [ids, ...v], transaction: tx, type: QueryTypes.SELECT },
  );
  const inserted = new Set(rows.map((r) => r.id));
  const kept = users.map((u, i) => ({ u, id: ids[i]! })).filter((x) => inserted.has(x.id));
  await insertColumns(
    w,
    'user_profiles',
    [
      ['user_id', 'int'],
      ['phone', 'text'],
      ['birth_date', 'date'],
      ['bio', 'text'],
      ['city', 'text'],
      ['state', 'text'],
      ['zip_code', 'text'],
      ['notification_preferences', 'jsonb'],
      ['is_public_profile', 'boolean'],
      ['show_participation_history', 'boolean'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    columns(kept, [
      (x) => x.id,
      (x) => x.u.profile.phone,
      (x) => x.u.profile.birth_date,
      (x) => x.u.profile.bio,
      (x) => x.u.profile.city,
      (x) => x.u.profile.state,
      (x) => x.u.profile.zip_code,
      (x) => JSON.stringify(x.u.profile.notification_preferences),
      (x) => x.u.profile.is_public_profile,
      (x) => x.u.profile.show_participation_history,
      (x) => iso(x.u.date_joined),
      (x) => iso(x.u.date_joined),
    ]),
    'ON CONFLICT (user_id) DO NOTHING',
  );
  const interests = kept.flatMap((x) => x.u.interests.map((c) => [x.id, c] as const));
  await insertColumns(
    w,
    'user_interests',
    [
      ['user_id', 'int'],
      ['category_id', 'int'],
    ],
    columns(interests, [(r) => r[0], (r) => r[1]]),
    'ON CONFLICT DO NOTHING',
  );
  return inserted;
}

/**
 * The participants_count trigger runs one UPDATE of the event row per confirmed participant; with the events
 * table's GiST and trigram indexes that is ~90 % of a batch's time. At the end of the batch's transaction the
 * trigger is disabled (ALTER TABLE is transactional: no other session ever sees it disabled). DISABLE TRIGGER
 * takes a SHARE ROW EXCLUSIVE lock: reads of event_participants go on, writes (a join, a leave) wait until the
 * batch commits, about a second; the batch has written the counts itself with the events. If the lock is not granted within
 * 3 s (a long transaction on the table), the batch keeps the trigger and is just slower.
 */
async function disableCountTrigger(sequelize: Sequelize, tx: Transaction): Promise<boolean> {
  const q = (sql: string) => sequelize.query(sql, { transaction: tx, type: QueryTypes.RAW });
  await q('SAVEPOINT populate_count_trigger');
  try {
    await q(`SET LOCAL lock_timeout = '3s'`);
    await q('ALTER TABLE event_participants DISABLE TRIGGER event_participants_count_trg');
    await q('RELEASE SAVEPOINT populate_count_trigger');
    await q('SET LOCAL lock_timeout = 0');
    return true;
  } catch {
    await q('ROLLBACK TO SAVEPOINT populate_count_trigger');
    return false;
  }
}

async function writeEventBatch(
  w: Writer,
  b: EventBatch,
): Promise<{ eventIds: number[]; keptTrigger: boolean }> {
  const { sequelize, tx } = w;
  const eventIds = await allocateIds(sequelize, tx, 'events', b.events.length);
  const commentIds = await allocateIds(sequelize, tx, 'event_comments', b.comments.length);
  const ev = (i: number) => eventIds[i]!;
  const confirmed = new Array<number>(b.events.length).fill(0);
  for (const p of b.participants) if (p.status === 'confirmed') confirmed[p.eventIdx]!++;

  await insertColumns(
    w,
    'events',
    [
      ['id', 'int'],
      ['title', 'text'],
      ['description', 'text'],
      ['category_id', 'int'],
      ['organizer_id', 'int'],
      ['address', 'text'],
      ['latitude', 'numeric'],
      ['longitude', 'numeric'],
      ['city', 'text'],
      ['state', 'text'],
      ['start_date', 'timestamptz'],
      ['end_date', 'timestamptz'],
      ['registration_deadline', 'timestamptz'],
      ['max_participants', 'int'],
      ['min_age', 'int'],
      ['max_age', 'int'],
      ['status', 'text'],
      ['is_public', 'boolean'],
      ['requires_approval', 'boolean'],
      ['required_tools', 'text'],
      ['provided_tools', 'text'],
      ['what_to_bring', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
      ['participants_count', 'int'],
    ],
    columns(
      b.events.map((e, i) => ({ e, id: ev(i), count: confirmed[i]! })),
      [
        (x) => x.id,
        (x) => x.e.title,
        (x) => x.e.description,
        (x) => x.e.category_id,
        (x) => x.e.organizer_id,
        (x) => x.e.address,
        (x) => x.e.latitude,
        (x) => x.e.longitude,
        (x) => x.e.city,
        (x) => x.e.state,
        (x) => iso(x.e.start_date),
        (x) => iso(x.e.end_date),
        (x) => iso(x.e.registration_deadline),
        (x) => x.e.max_participants,
        (x) => x.e.min_age,
        (x) => x.e.max_age,
        (x) => x.e.status,
        (x) => x.e.is_public,
        (x) => x.e.requires_approval,
        (x) => x.e.required_tools,
        (x) => x.e.provided_tools,
        (x) => x.e.what_to_bring,
        (x) => iso(x.e.created_at),
        (x) => iso(x.e.updated_at),
        (x) => x.count,
      ],
    ),
  );

  await insertColumns(
    w,
    'event_resources',
    [
      ['event_id', 'int'],
      ['name', 'text'],
      ['description', 'text'],
      ['resource_type', 'text'],
      ['quantity_needed', 'int'],
      ['quantity_provided', 'int'],
      ['unit', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    columns(b.resources, [
      (r) => ev(r.eventIdx),
      (r) => r.name,
      (r) => r.description,
      (r) => r.resource_type,
      (r) => r.quantity_needed,
      (r) => r.quantity_provided,
      (r) => r.unit,
      (r) => iso(r.created_at),
      (r) => iso(r.updated_at),
    ]),
  );

  // Parents precede their replies in the list, and foreign keys are checked at the end of the statement.
  await insertColumns(
    w,
    'event_comments',
    [
      ['id', 'int'],
      ['event_id', 'int'],
      ['user_id', 'int'],
      ['parent_id', 'int'],
      ['content', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    columns(
      b.comments.map((c, i) => ({ c, id: commentIds[i]! })),
      [
        (x) => x.id,
        (x) => ev(x.c.eventIdx),
        (x) => x.c.user_id,
        (x) => (x.c.parentIdx === null ? null : commentIds[x.c.parentIdx]!),
        (x) => x.c.content,
        (x) => iso(x.c.created_at),
        (x) => iso(x.c.updated_at),
      ],
    ),
  );

  await insertColumns(
    w,
    'event_reports',
    [
      ['event_id', 'int'],
      ['created_by', 'int'],
      ['total_participants', 'int'],
      ['total_hours', 'numeric'],
      ['trash_collected_kg', 'numeric'],
      ['trees_planted', 'int'],
      ['area_cleaned_m2', 'numeric'],
      ['recyclable_material_kg', 'numeric'],
      ['summary', 'text'],
      ['challenges', 'text'],
      ['achievements', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    columns(b.reports, [
      (r) => ev(r.eventIdx),
      (r) => r.created_by,
      (r) => r.total_participants,
      (r) => r.total_hours,
      (r) => r.trash_collected_kg,
      (r) => r.trees_planted,
      (r) => r.area_cleaned_m2,
      (r) => r.recyclable_material_kg,
      (r) => r.summary,
      (r) => r.challenges,
      (r) => r.achievements,
      (r) => iso(r.created_at),
      (r) => iso(r.updated_at),
    ]),
  );

  // What the worker's process_event_report_statistics would store (CO₂ = trees × 22 kg; waste = trash + recyclable).
  if (b.reports.length) {
    await sequelize.query(
      `INSERT INTO report_statistics (report_id, event_id, co2_offset_kg, waste_diverted_kg, area_cleaned_m2, trees_planted, total_participants, total_hours, computed_at)
       SELECT r.id, r.event_id, r.trees_planted * 22, r.trash_collected_kg + r.recyclable_material_kg, r.area_cleaned_m2, r.trees_planted,
              r.total_participants, r.total_hours, r.created_at
         FROM event_reports r WHERE r.event_id = ANY($1::int[])
       ON CONFLICT DO NOTHING`,
      { bind: [b.reports.map((r) => ev(r.eventIdx))], transaction: tx, type: QueryTypes.INSERT },
    );
  }
  // Participants last: the trigger is off (and writes to the table wait) only from here to the commit. The
  // counts were written with the events.
  const ownCounts = await disableCountTrigger(sequelize, tx);
  await insertColumns(
    w,
    'event_participants',
    [
      ['event_id', 'int'],
      ['user_id', 'int'],
      ['status', 'text'],
      ['emergency_contact', 'text'],
      ['emergency_phone', 'text'],
      ['special_needs', 'text'],
      ['experience_level', 'text'],
      ['checked_in', 'boolean'],
      ['check_in_time', 'timestamptz'],
      ['registered_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    columns(b.participants, [
      (p) => ev(p.eventIdx),
      (p) => p.user_id,
      (p) => p.status,
      (p) => p.emergency_contact,
      (p) => p.emergency_phone,
      (p) => p.special_needs,
      (p) => p.experience_level,
      (p) => p.checked_in,
      (p) => iso(p.check_in_time),
      (p) => iso(p.registered_at),
      (p) => iso(p.updated_at),
    ]),
  );
  if (ownCounts) {
    await sequelize.query('ALTER TABLE event_participants ENABLE TRIGGER event_participants_count_trg', {
      transaction: tx,
      type: QueryTypes.RAW,
    });
  } else {
    // The trigger counted on top of the counts written with the events: recount from the rows.
    await sequelize.query(
      `UPDATE events e SET participants_count = (SELECT count(*) FROM event_participants p WHERE p.event_id = e.id AND p.status = 'confirmed')
        WHERE e.id = ANY($1::int[])`,
      { bind: [eventIds], transaction: tx, type: QueryTypes.UPDATE },
    );
  }

  return { eventIds, keptTrigger: !ownCounts };
}

/**
 * The worker's check_and_award_badges over the given users, in SQL: verified participations (confirmed and
 * checked in), hours (length of those events) and organised events (published or completed) against the
 * catalogue's thresholds; also the statistics snapshot on the profiles. Returns the badges awarded.
 */
async function awardBadges(
  sequelize: Sequelize,
  tx: Transaction,
  userIds: number[],
  now: Date,
): Promise<number> {
  const record = `
    rec AS (
      SELECT u.id AS user_id,
             coalesce(v.verified, 0) AS verified, coalesce(v.hours, 0) AS hours, coalesce(o.organized, 0) AS organized
        FROM unnest($1::int[]) AS u(id)
        LEFT JOIN (SELECT p.user_id, count(*) AS verified, sum(extract(epoch FROM (e.end_date - e.start_date)) / 3600.0) AS hours
                     FROM event_participants p JOIN events e ON e.id = p.event_id
                    WHERE p.user_id = ANY($1::int[]) AND p.status = 'confirmed' AND p.checked_in
                    GROUP BY p.user_id) v ON v.user_id = u.id
        LEFT JOIN (SELECT organizer_id, count(*) AS organized FROM events
                    WHERE organizer_id = ANY($1::int[]) AND status IN ('published', 'completed')
                    GROUP BY organizer_id) o ON o.organizer_id = u.id)`;
  await sequelize.query(
    `WITH ${record}
     UPDATE user_profiles p SET total_events_participated = rec.verified, total_hours_volunteered = round(rec.hours::numeric, 2),
            stats_updated_at = $2::timestamptz
       FROM rec WHERE p.user_id = rec.user_id`,
    { bind: [userIds, now.toISOString()], transaction: tx, type: QueryTypes.UPDATE },
  );
  const awarded = await sequelize.query<{ id: number }>(
    `WITH ${record}
     INSERT INTO user_badges (user_id, badge_id, earned_at)
     SELECT rec.user_id, b.id, $2::timestamptz
       FROM rec JOIN badges b ON (b.criteria_type = 'events_participated' AND rec.verified >= b.threshold)
                              OR (b.criteria_type = 'events_organized' AND rec.organized >= b.threshold)
                              OR (b.criteria_type = 'hours_volunteered' AND rec.hours >= b.threshold)
     ON CONFLICT (user_id, badge_id) DO NOTHING
     RETURNING id`,
    { bind: [userIds, now.toISOString()], transaction: tx, type: QueryTypes.SELECT },
  );
  return awarded.length;
}

// make populate against the mesh's real Postgres: a tiny volume through the same populate() the command runs,
// then the rules the rows must hold (checked in SQL) and a sample user logging in through the real API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '@mutiroes/platform';
import { PasswordHasher, seedDatabase } from '@mutiroes/api';
import { startApi, type ApiHarness } from '@mutiroes/api/test-support';
import { newRunTag } from './populate-options.js';
import { populate, type PopulateResult } from './populate.js';
import { SAMPLE_PASSWORD } from './populate.main.js';

let h: ApiHarness;
let result: PopulateResult;
const tag = newRunTag();
const progress: string[] = [];
const tags = [tag];

before(async () => {
  h = await startApi();
  await seedDatabase(h.api.deps.db.sequelize, createLogger({ service: 'test', level: 'warn' }));
  const passwordHash = await new PasswordHasher(h.api.config.PASSWORD_SCRYPT_N).hash(SAMPLE_PASSWORD);
  result = await populate(h.api.deps.db.sequelize, {
    size: 'custom',
    users: 5,
    events: 10,
    tag,
    seed: 20_261_125,
    batchSize: 4,
    passwordHash,
    onProgress: (p) => progress.push(`${p.phase} ${p.done}/${p.total}`),
  });
});
after(async () => {
  // Leave the shared test database as found (leaderboards and counts in other suites): deleting the run's
  // users cascades to their events, participations, comments, reports, badges and profiles.
  if (h)
    for (const t of tags) await h.sql(`DELETE FROM users WHERE username LIKE $1 RETURNING id`, [`%.${t}.%`]);
  await h?.close();
});

const ids = () => result.eventIds;

describe('populate (5 users, 10 events, batches of 4)', () => {
  test('when it runs then the rows exist and progress is reported per batch', async () => {
    assert.equal(await h.count('users', 'username LIKE $1', [`%.${tag}.%`]), 5);
    assert.equal(await h.count('user_profiles', 'user_id = ANY($1::int[])', [result.userIds]), 5);
    assert.equal(await h.count('events', 'id = ANY($1::int[])', [ids()]), 10);
    for (const t of ['event_participants', 'event_resources', 'event_comments', 'event_reports'] as const) {
      assert.equal(await h.count(t, 'event_id = ANY($1::int[])', [ids()]), result.rows[t] ?? 0, t);
    }
    assert.ok((result.rows['event_participants'] ?? 0) > 0 && (result.rows['event_resources'] ?? 0) >= 10);
    assert.deepEqual(progress, ['users 5/5', 'events 4/10', 'events 8/10', 'events 10/10']);
    assert.equal(result.triggerKeptBatches, 0);
    // Nothing for the outbox: no welcome e-mail or notification for sample users.
    assert.equal(await h.count('outbox', `(data->>'user_id')::int = ANY($1::int[])`, [result.userIds]), 0);
  });

  test('when the rows are read back then capacity holds and participants_count matches the confirmed rows', async () => {
    const bad = await h.sql<{ id: number }>(
      `SELECT e.id FROM events e
         LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'confirmed') AS c, count(*) FILTER (WHERE status = 'pending') AS p
                              FROM event_participants WHERE event_id = e.id) x ON true
        WHERE e.id = ANY($1::int[]) AND (x.c + x.p > e.max_participants OR e.participants_count <> x.c)`,
      [ids()],
    );
    assert.deepEqual(bad, []);
    const [trg] = await h.sql<{ tgenabled: string }>(
      `SELECT tgenabled FROM pg_trigger WHERE tgname = 'event_participants_count_trg'`,
    );
    assert.equal(trg!.tgenabled, 'O', 'the participants_count trigger is enabled again');
    const own = await h.count(
      'event_participants p JOIN events e ON e.id = p.event_id',
      'e.id = ANY($1::int[]) AND p.user_id = e.organizer_id',
      [ids()],
    );
    assert.equal(own, 0);
  });

  test('when an event is past then it is completed or cancelled and its confirmed participants checked in during it', async () => {
    assert.equal(
      await h.count(
        'events',
        `id = ANY($1::int[]) AND end_date < now() AND status NOT IN ('completed', 'cancelled')`,
        [ids()],
      ),
      0,
    );
    assert.equal(
      await h.count('events', `id = ANY($1::int[]) AND end_date > now() AND status = 'completed'`, [ids()]),
      0,
    );
    const notCheckedIn = await h.count(
      'event_participants p JOIN events e ON e.id = p.event_id',
      `e.id = ANY($1::int[]) AND e.status = 'completed' AND p.status = 'confirmed' AND NOT p.checked_in`,
      [ids()],
    );
    assert.equal(notCheckedIn, 0);
    const badCheckIns = await h.count(
      'event_participants p JOIN events e ON e.id = p.event_id',
      `e.id = ANY($1::int[]) AND p.checked_in AND (e.status <> 'completed' OR p.check_in_time NOT BETWEEN e.start_date - interval '1 hour' AND e.end_date)`,
      [ids()],
    );
    assert.equal(badCheckIns, 0);
    assert.ok(
      (await h.count('events', `id = ANY($1::int[]) AND status = 'completed'`, [ids()])) > 0,
      'the fixed seed yields completed events',
    );
  });

  test('when a report exists then its event is completed and it counts the check-ins', async () => {
    const bad = await h.sql<{ id: number }>(
      `SELECT r.id FROM event_reports r JOIN events e ON e.id = r.event_id
        WHERE e.id = ANY($1::int[])
          AND (e.status <> 'completed' OR r.created_at < e.end_date OR r.created_by <> e.organizer_id
               OR r.total_participants <> (SELECT count(*) FROM event_participants p WHERE p.event_id = e.id AND p.checked_in))`,
      [ids()],
    );
    assert.deepEqual(bad, []);
    assert.ok((result.rows['event_reports'] ?? 0) > 0, 'the fixed seed yields reports');
    assert.equal(
      await h.count('report_statistics', 'event_id = ANY($1::int[])', [ids()]),
      result.rows['event_reports'],
    );
  });

  test('when volunteers checked in then they hold the badges and profile figures the worker would give them', async () => {
    const rows = await h.sql<{
      user_id: number;
      verified: string;
      total_events_participated: number;
      first_event: boolean;
    }>(
      `SELECT p.user_id, p.total_events_participated,
              (SELECT count(*) FROM event_participants ep WHERE ep.user_id = p.user_id AND ep.status = 'confirmed' AND ep.checked_in) AS verified,
              EXISTS (SELECT 1 FROM user_badges ub JOIN badges b ON b.id = ub.badge_id WHERE ub.user_id = p.user_id AND b.code = 'first_event') AS first_event
         FROM user_profiles p WHERE p.user_id = ANY($1::int[])`,
      [result.userIds],
    );
    assert.equal(rows.length, 5);
    for (const r of rows) {
      assert.equal(r.total_events_participated, Number(r.verified));
      assert.equal(r.first_event, Number(r.verified) >= 1);
    }
    assert.ok(rows.some((r) => r.first_event));
  });

  test('when comments are threaded then each reply belongs to its parent event and nothing is dated in the future', async () => {
    const bad = await h.count(
      'event_comments c LEFT JOIN event_comments parent ON parent.id = c.parent_id',
      `c.event_id = ANY($1::int[]) AND (c.created_at > now() OR (c.parent_id IS NOT NULL AND (parent.event_id <> c.event_id OR parent.created_at > c.created_at)))`,
      [ids()],
    );
    assert.equal(bad, 0);
    assert.ok(
      (await h.count('event_comments', 'event_id = ANY($1::int[]) AND parent_id IS NOT NULL', [ids()])) > 0,
      'some replies',
    );
    assert.equal(
      await h.count('event_participants', 'event_id = ANY($1::int[]) AND registered_at > now()', [ids()]),
      0,
    );
  });

  test('when a sample user logs in through the API with the printed password then tokens come back', async () => {
    const [u] = await h.sql<{ email: string; username: string }>(
      'SELECT email, username FROM users WHERE id = $1',
      [result.userIds[1]],
    );
    const byEmail = await h.call('POST', '/api/token/', {
      body: { email: u!.email, password: SAMPLE_PASSWORD },
    });
    assert.equal(byEmail.status, 200, byEmail.text);
    assert.ok(byEmail.body.access && byEmail.body.refresh);
    const byUsername = await h.call('POST', '/api/token/', {
      body: { username: u!.username, password: SAMPLE_PASSWORD },
    });
    assert.equal(byUsername.status, 200, byUsername.text);
    const wrong = await h.call('POST', '/api/token/', {
      body: { email: u!.email, password: 'not-the-password' },
    });
    assert.equal(wrong.status, 401);
    const stats = await h.call('GET', '/api/users/stats/', { token: byEmail.body.access });
    assert.equal(stats.status, 200, stats.text);
  });

  test('when a sample event is fetched through the API by its organiser then it shows its participants count', async () => {
    const [e] = await h.sql<{ id: number; participants_count: number; email: string }>(
      `SELECT e.id, e.participants_count, u.email FROM events e JOIN users u ON u.id = e.organizer_id
        WHERE e.id = ANY($1::int[]) ORDER BY e.participants_count DESC, e.id LIMIT 1`,
      [ids()],
    );
    assert.ok(e && e.participants_count > 0, 'some sample event has confirmed participants');
    const login = await h.call('POST', '/api/token/', {
      body: { email: e.email, password: SAMPLE_PASSWORD },
    });
    assert.equal(login.status, 200, login.text);
    const r = await h.call('GET', `/api/events/${e.id}/`, { token: login.body.access });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.participants_count, e.participants_count);
    assert.equal(
      r.body.participants.filter((p: { status: string }) => p.status === 'confirmed').length,
      e.participants_count,
    );
  });

  test('when another transaction holds event_participants then the batch keeps the trigger and the counts still match', async () => {
    const sequelize = h.api.deps.db.sequelize;
    const holder = await sequelize.transaction();
    try {
      // What a join in flight holds: conflicts with DISABLE TRIGGER's SHARE ROW EXCLUSIVE lock, not with INSERTs.
      await sequelize.query('LOCK TABLE event_participants IN ROW EXCLUSIVE MODE', { transaction: holder });
      tags.push(newRunTag());
      const r = await populate(sequelize, {
        size: 'custom',
        users: 4,
        events: 6,
        tag: tags[1]!,
        seed: 7,
        batchSize: 6,
        passwordHash: 'scrypt$unused',
      });
      assert.equal(r.triggerKeptBatches, 1);
      assert.ok((r.rows['event_participants'] ?? 0) > 0);
      const mismatched = await h.count(
        'events e',
        `e.id = ANY($1::int[]) AND e.participants_count <> (SELECT count(*) FROM event_participants p WHERE p.event_id = e.id AND p.status = 'confirmed')`,
        [r.eventIds],
      );
      assert.equal(mismatched, 0);
    } finally {
      await holder.rollback();
    }
  });

  test('when it runs again with the same tag then it adds users after the existing ones instead of failing', async () => {
    const again = await populate(h.api.deps.db.sequelize, {
      size: 'custom',
      users: 3,
      events: 2,
      tag,
      seed: 1,
      batchSize: 10,
      passwordHash: 'scrypt$unused',
    });
    assert.equal(again.rows['users'], 3);
    assert.equal(await h.count('users', 'username LIKE $1', [`%.${tag}.%`]), 8);
    assert.equal(await h.count('users', 'username LIKE $1', [`%.${tag}.8`]), 1);
  });
});

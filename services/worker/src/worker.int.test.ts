// Worker end to end against the mesh: two worker processes, real Postgres/Redis through Consul, the SMTP sink.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { waitFor } from '@mutiroes/platform';
import {
  closeProducers,
  createEvent,
  createUser,
  enqueue,
  openFixture,
  sinkMessages,
  spawnService,
  stopChild,
  waitStarted,
  type Child,
  type Fixture,
} from './test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
let f: Fixture;
const workers: Child[] = [];

before(async () => {
  f = await openFixture();
  for (const n of [1, 2]) workers.push(spawnService('worker', `worker-t${n}-${run}`, f.env));
  await Promise.all(workers.map((w) => waitStarted(w, /worker started/)));
});

after(async () => {
  await Promise.all(workers.map((w) => stopChild(w)));
  await closeProducers();
  await f?.close();
});

const mailsTo = async (email: string) =>
  (await sinkMessages(f.env)).filter((m) => m.to.some((t) => t.toLowerCase().includes(email.toLowerCase())));

describe('worker jobs', () => {
  test('when a user registers then exactly one pt-BR welcome e-mail reaches the SMTP sink, even if the job is enqueued twice', async () => {
    const u = await createUser(f, `welcome_${run}`, { first_name: 'Joana' });
    await enqueue(f, 'send_welcome_email', `outbox:t-${run}-w1`, { user_id: u.id, request_id: `req-${run}` });
    await enqueue(f, 'send_welcome_email', `outbox:t-${run}-w2`, { user_id: u.id, request_id: `req-${run}` });
    const [m] = await waitFor(
      async () => {
        const l = await mailsTo(u.email);
        return l.length >= 1 && l;
      },
      { timeoutMs: 30_000, description: 'welcome mail' },
    );
    assert.equal(m!.subject, 'Bem-vindo(a) ao Mutirões, Joana!');
    assert.match(m!.text, /Sua conta no Mutirões foi criada com sucesso \(usuário: u_welcome_/);
    assert.equal(m!.headers['x-request-id'], `req-${run}`);
    await waitFor(
      async () =>
        (
          await f.sql<{ n: string }>(
            `SELECT count(*) AS n FROM email_deliveries WHERE recipient = $1 AND status = 'sent'`,
            [u.email],
          )
        )[0]!.n === '1',
      { timeoutMs: 30_000 },
    );
    // Both jobs finished (the second found the ledger row 'sent'): neither id is waiting or active any more.
    // By id, not by list length: the api suites before this one leave other welcome jobs that the mesh's workers
    // may still be sending.
    const pending = async () => {
      const found: string[] = [];
      for (const id of [`outbox:t-${run}-w1`, `outbox:t-${run}-w2`])
        for (const list of ['waiting', 'active'])
          if ((await f.redis.lpos(`bq:send_welcome_email:${list}`, id)) !== null) found.push(`${id} ${list}`);
      return found;
    };
    await waitFor(async () => (await pending()).length === 0, {
      timeoutMs: 30_000,
      description: 'both welcome jobs finished',
    });
    assert.equal((await mailsTo(u.email)).length, 1);
  });

  test('when a participant registers and the event reminders run then both e-mails arrive with the event details', async () => {
    const org = await createUser(f, `org_${run}`);
    const p = await createUser(f, `part_${run}`, { first_name: 'Carlos' });
    const other = await createUser(f, `part2_${run}`, { first_name: 'Bia' });
    const ev = await createEvent(f, org.id, `reg-${run}`, 20 * 3_600_000);
    for (const u of [p, other])
      await f.sql(
        `INSERT INTO event_participants (event_id, user_id, status) VALUES ($1, $2, 'confirmed') RETURNING id`,
        [ev, u.id],
      );
    await enqueue(f, 'send_event_notification_email', `outbox:t-${run}-n1`, {
      event_id: ev,
      kind: 'registration',
      user_id: p.id,
    });
    await enqueue(f, 'send_bulk_event_reminders', `outbox:t-${run}-r1`, { event_id: ev });
    await enqueue(f, 'send_bulk_event_reminders', `outbox:t-${run}-r2`, { event_id: ev });
    const mails = await waitFor(
      async () => {
        const l = await mailsTo(p.email);
        return l.length >= 2 && l;
      },
      { timeoutMs: 30_000, description: 'registration + reminder' },
    );
    const reg = mails.find((m) => m.subject.startsWith('Inscrição confirmada'));
    const rem = mails.find((m) => m.subject.startsWith('Lembrete'));
    assert.ok(reg && rem, mails.map((m) => m.subject).join(' | '));
    assert.equal(reg.subject, `Inscrição confirmada: Mutirão reg-${run}`);
    assert.match(reg.text, /Olá, Carlos!/);
    assert.match(reg.text, /Onde: Praia do Gonzaga, 1 — Santos\/SP/);
    assert.match(reg.text, /O que levar: Luvas e garrafa de água/);
    assert.equal(rem.subject, `Lembrete: Mutirão reg-${run} começa em breve`);
    assert.match(rem.text, /Quando: .* de 20\d\d/);
    await waitFor(async () => (await mailsTo(other.email)).length >= 1, { timeoutMs: 30_000 });
    await waitFor(
      async () =>
        Number(await f.redis.llen('bq:send_bulk_event_reminders:waiting')) +
          Number(await f.redis.llen('bq:send_bulk_event_reminders:active')) ===
        0,
      { timeoutMs: 30_000 },
    );
    // Two reminder jobs, one reminder per participant; the organiser (not a participant) got none.
    assert.equal((await mailsTo(p.email)).filter((m) => m.subject.startsWith('Lembrete')).length, 1);
    assert.equal((await mailsTo(other.email)).length, 1);
    assert.equal((await mailsTo(org.email)).length, 0);
  });

  test('when a report is processed twice then its statistics are stored once with CO₂ = trees × 22 and waste = trash + recyclable', async () => {
    const org = await createUser(f, `rep_${run}`);
    const ev = await createEvent(f, org.id, `rep-${run}`, -10 * 86_400_000, 'completed');
    const [r] = await f.sql<{ id: number }>(
      `INSERT INTO event_reports (event_id, created_by, total_participants, total_hours, trash_collected_kg, trees_planted, area_cleaned_m2, recyclable_material_kg)
       VALUES ($1, $2, 12, 36, 40.5, 15, 1200, 9.5) RETURNING id`,
      [ev, org.id],
    );
    await enqueue(f, 'process_event_report_statistics', `outbox:t-${run}-s1`, { report_id: r!.id });
    await enqueue(f, 'process_event_report_statistics', `outbox:t-${run}-s2`, { report_id: r!.id });
    const rows = await waitFor(
      async () => {
        const l = await f.sql<{ co2_offset_kg: string; waste_diverted_kg: string; area_cleaned_m2: string }>(
          `SELECT * FROM report_statistics WHERE report_id = $1`,
          [r!.id],
        );
        return l.length > 0 && l;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0]!.co2_offset_kg), 330);
    assert.equal(Number(rows[0]!.waste_diverted_kg), 50);
    assert.equal(Number(rows[0]!.area_cleaned_m2), 1200);
  });

  test('when a volunteer has a verified check-in then first_event is awarded once and the profile statistics follow check-ins', async () => {
    const org = await createUser(f, `borg_${run}`);
    const v = await createUser(f, `vol_${run}`);
    const past = await createEvent(f, org.id, `b1-${run}`, -5 * 86_400_000, 'completed');
    const notChecked = await createEvent(f, org.id, `b2-${run}`, -4 * 86_400_000, 'completed');
    // Checked in 10 min before the start, never checked out: counted from the start to the end (ADR 0014) = 3 h.
    await f.sql(
      `INSERT INTO event_participants (event_id, user_id, status, checked_in, check_in_time)
       SELECT e.id, $2, 'confirmed', true, e.start_date - interval '10 minutes' FROM events e WHERE e.id = $1 RETURNING id`,
      [past, v.id],
    );
    await f.sql(
      `INSERT INTO event_participants (event_id, user_id, status) VALUES ($1, $2, 'confirmed') RETURNING id`,
      [notChecked, v.id],
    );
    for (const i of [1, 2])
      await enqueue(f, 'check_and_award_badges', `outbox:t-${run}-b${i}`, { user_id: v.id });
    await enqueue(f, 'check_and_award_badges', `outbox:t-${run}-bo`, { user_id: org.id });
    const badges = await waitFor(
      async () => {
        const l = await f.sql<{ code: string }>(
          `SELECT b.code FROM user_badges ub JOIN badges b ON b.id = ub.badge_id WHERE ub.user_id = $1`,
          [v.id],
        );
        return l.length > 0 && l;
      },
      { timeoutMs: 30_000 },
    );
    await waitFor(
      async () =>
        (
          await f.sql(
            `SELECT 1 FROM user_badges ub JOIN badges b ON b.id = ub.badge_id WHERE ub.user_id = $1 AND b.code = 'organizer'`,
            [org.id],
          )
        ).length === 1,
      { timeoutMs: 30_000 },
    );
    await waitFor(
      async () =>
        Number(await f.redis.llen('bq:check_and_award_badges:waiting')) +
          Number(await f.redis.llen('bq:check_and_award_badges:active')) ===
        0,
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      badges.map((b) => b.code),
      ['first_event'],
    );
    const [prof] = await f.sql<{ total_events_participated: number; total_hours_volunteered: string }>(
      `SELECT total_events_participated, total_hours_volunteered FROM user_profiles WHERE user_id = $1`,
      [v.id],
    );
    assert.equal(prof!.total_events_participated, 1);
    assert.equal(Number(prof!.total_hours_volunteered), 3);
  });

  test('when cleanup runs then past published events are completed and stale drafts removed, future ones untouched', async () => {
    const org = await createUser(f, `clean_${run}`);
    const past = await createEvent(f, org.id, `c1-${run}`, -2 * 86_400_000);
    const future = await createEvent(f, org.id, `c2-${run}`, 2 * 86_400_000);
    const stale = await createEvent(f, org.id, `c3-${run}`, -60 * 86_400_000, 'draft');
    await f.sql(`UPDATE events SET updated_at = now() - interval '45 days' WHERE id = $1 RETURNING id`, [
      stale,
    ]);
    const freshDraft = await createEvent(f, org.id, `c4-${run}`, -1 * 86_400_000, 'draft');
    await enqueue(f, 'cleanup_expired_events', `beat:t-${run}-c`, {});
    await waitFor(
      async () =>
        (await f.sql<{ status: string }>(`SELECT status FROM events WHERE id = $1`, [past]))[0]?.status ===
        'completed',
      { timeoutMs: 30_000 },
    );
    assert.equal(
      (await f.sql<{ status: string }>(`SELECT status FROM events WHERE id = $1`, [future]))[0]!.status,
      'published',
    );
    assert.equal((await f.sql(`SELECT 1 FROM events WHERE id = $1`, [stale])).length, 0);
    assert.equal((await f.sql(`SELECT 1 FROM events WHERE id = $1`, [freshDraft])).length, 1);
  });

  test('when the monthly impact report runs for a month then the sums of that month are stored once per month', async () => {
    const org = await createUser(f, `month_${run}`);
    // A month far in the past that only this run writes to.
    const year = 2000 + (parseInt(run, 16) % 20);
    const month = `${year}-04`;
    const ev = await createEvent(f, org.id, `m-${run}`, Date.UTC(year, 3, 15, 12) - Date.now(), 'completed');
    await f.sql(
      `INSERT INTO event_reports (event_id, trees_planted, trash_collected_kg, recyclable_material_kg, area_cleaned_m2) VALUES ($1, 4, 10, 5, 100) RETURNING id`,
      [ev],
    );
    await f.sql(`DELETE FROM monthly_impact_reports WHERE month = $1 RETURNING id`, [month]);
    await enqueue(f, 'generate_monthly_impact_report', `beat:t-${run}-m1`, { month });
    await enqueue(f, 'generate_monthly_impact_report', `beat:t-${run}-m2`, { month });
    const [row] = await waitFor(
      async () => {
        const l = await f.sql<{ events_count: number; co2_offset_kg: string; waste_diverted_kg: string }>(
          `SELECT * FROM monthly_impact_reports WHERE month = $1`,
          [month],
        );
        return l.length > 0 && l;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(row!.events_count >= 1);
    assert.ok(Number(row!.co2_offset_kg) >= 88);
    assert.equal((await f.sql(`SELECT 1 FROM monthly_impact_reports WHERE month = $1`, [month])).length, 1);
  });

  test('when volunteers checked in and out then statistics and the monthly report count the measured hours, the typed figure only without check-ins', async () => {
    const org = await createUser(f, `hrs_${run}`);
    const a = await createUser(f, `hrsa_${run}`);
    const b = await createUser(f, `hrsb_${run}`);
    const year = 2000 + ((parseInt(run, 16) + 7) % 20);
    const month = `${year}-07`;
    const at = Date.UTC(year, 6, 10, 12) - Date.now();
    // Leftovers of an earlier run that drew the same year would join this month's sums.
    await f.sql(
      `DELETE FROM events WHERE (title LIKE 'Mutirão hm-%' OR title LIKE 'Mutirão ht-%')
         AND date_part('year', start_date) = $1 RETURNING id`,
      [year],
    );
    const measured = await createEvent(f, org.id, `hm-${run}`, at, 'completed'); // 3 h long
    const typedOnly = await createEvent(f, org.id, `ht-${run}`, at + 86_400_000, 'completed');
    // a: from 30 min before the start to 1.5 h after it → 1.5 h (clipped at the start);
    // b: from 1 h in until 2 h after the end → 2 h (clipped at the end).
    await f.sql(
      `INSERT INTO event_participants (event_id, user_id, status, checked_in, check_in_time, check_out_time)
       SELECT e.id, u.id, 'confirmed', true, e.start_date + u.cin, e.start_date + u.cout FROM events e,
         (VALUES ($2::int, interval '-30 minutes', interval '90 minutes'), ($3::int, interval '1 hour', interval '5 hours')) AS u(id, cin, cout)
        WHERE e.id = $1 RETURNING id`,
      [measured, a.id, b.id],
    );
    await f.sql(
      `INSERT INTO event_reports (event_id, trees_planted, total_hours) VALUES ($1, 1, 99), ($2, 1, 7) RETURNING id`,
      [measured, typedOnly],
    );
    await f.sql(`DELETE FROM monthly_impact_reports WHERE month = $1 RETURNING id`, [month]);
    await enqueue(f, 'generate_monthly_impact_report', `beat:t-${run}-hm`, { month });
    await enqueue(f, 'update_user_statistics', `outbox:t-${run}-ha`, { user_id: a.id });
    await enqueue(f, 'update_user_statistics', `outbox:t-${run}-hb`, { user_id: b.id });
    const [row] = await waitFor(
      async () => {
        const l = await f.sql<{ events_count: number; total_hours: string }>(
          `SELECT events_count, total_hours FROM monthly_impact_reports WHERE month = $1`,
          [month],
        );
        return l.length > 0 && l;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(row!.events_count, 2);
    // 1.5 + 2 measured on the first event (not its typed 99) + 7 typed on the event nobody checked in to.
    assert.equal(Number(row!.total_hours), 10.5);
    const hours = async (id: number) =>
      (
        await f.sql<{ h: string | null }>(
          `SELECT total_hours_volunteered AS h FROM user_profiles WHERE user_id = $1 AND stats_updated_at IS NOT NULL`,
          [id],
        )
      )[0]?.h;
    await waitFor(async () => (await hours(a.id)) != null && (await hours(b.id)) != null, {
      timeoutMs: 30_000,
      description: 'statistics of both volunteers',
    });
    assert.equal(Number(await hours(a.id)), 1.5);
    assert.equal(Number(await hours(b.id)), 2);
  });

  test('when a payload is invalid then the job fails at once without retries and shows in the failed list with its error', async () => {
    await enqueue(f, 'send_welcome_email', `outbox:t-${run}-bad`, { nope: true });
    const port = workers[0]!.port;
    // The job API answers only an active admin (issue #14): read it as one.
    const admin = await createUser(f, `jobs_admin_${run}`, { is_staff: true });
    const token = jwt.sign(
      { token_type: 'access', user_id: admin.id, username: admin.username, role: 'admin' },
      f.env['JWT_SECRET']!,
      { expiresIn: 600 },
    );
    const job = await waitFor(
      async () => {
        const r = await fetch(
          `http://127.0.0.1:${port}/queues/api/queues/send_welcome_email/jobs/${encodeURIComponent(`outbox:t-${run}-bad`)}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        const j = (await r.json()) as { state: string; errors: string[]; attempts: unknown[] };
        return j.state === 'failed' && j;
      },
      { timeoutMs: 30_000 },
    );
    assert.match(job.errors[0]!, /invalid send_welcome_email payload: user_id/);
    assert.equal(job.attempts.length, 1);
  });
});

// Issue #16 item 2 against the real mesh (ADR 0014): QR check-in/out refusals (another event, expired, forged,
// replayed, outside the window, not a participant), hours from check-in/out capped by the event, the
// organisers' correction, and the user statistics that count them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deriveCodeKey,
  signEventCode,
  signPersonalCode,
  windowOf,
} from '../../../domain/events/check-in-codes.js';
import { startEventsApi, type EventsApi, type TestUser } from './test-support/events-api.js';

let api: EventsApi;
let key: Buffer;
let categoryId: number;
let org: TestUser;

/** An event whose check-in window is open now: started `startedMinAgo` minutes ago, `hours` long. */
async function liveEvent(owner: TestUser, startedMinAgo = 30, hours = 3): Promise<number> {
  const start = new Date(Date.now() + 10 * 86_400_000);
  const r = await api.call('POST', '/api/events/', {
    token: owner.token,
    body: {
      title: 'Mutirão do QR',
      description: 'Limpeza do rio.',
      category: categoryId,
      address: 'Rua do Rio, 10',
      city: 'Recife',
      state: 'PE',
      start_date: start.toISOString(),
      end_date: new Date(start.getTime() + hours * 3_600_000).toISOString(),
      max_participants: 20,
      status: 'published',
    },
  });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id as number;
  // The API refuses a start in the past; the event is moved into its check-in window directly.
  await api.sql(
    `UPDATE events SET start_date = now() - make_interval(mins => $2), end_date = now() - make_interval(mins => $2) + make_interval(hours => $3),
       registration_deadline = NULL WHERE id = $1 RETURNING id`,
    [id, startedMinAgo, hours],
  );
  return id;
}

/**
 * A volunteer who joined days before the event (registration closes at the start): the event is shifted 10 days
 * ahead for the join and put back in its window, times unchanged.
 */
async function joined(id: number): Promise<TestUser> {
  const u = await api.user({ name: 'qrvol' });
  const shift = (days: number) =>
    api.sql(
      `UPDATE events SET start_date = start_date + make_interval(days => $2),
         end_date = end_date + make_interval(days => $2) WHERE id = $1 RETURNING id`,
      [id, days],
    );
  await shift(10);
  try {
    const r = await api.call('POST', `/api/events/${id}/join/`, { token: u.token });
    assert.equal(r.status, 201, r.text);
  } finally {
    await shift(-10);
  }
  return u;
}

async function eventCode(id: number, action = 'check_in', who = org): Promise<string> {
  const r = await api.call('GET', `/api/events/${id}/check_in_code/?action=${action}`, { token: who.token });
  assert.equal(r.status, 200, r.text);
  return r.body.code as string;
}

/** The refusal's message on field `code` (asserting a 400). */
async function refused(path: string, token: string, code: string): Promise<string> {
  const r = await api.call('POST', path, { token, body: { code } });
  assert.equal(r.status, 400, r.text);
  const msgs = (r.body as { code?: string[] }).code;
  assert.ok(Array.isArray(msgs) && msgs.length === 1, r.text);
  return msgs[0]!;
}

async function stats(u: TestUser) {
  const r = await api.call('GET', '/api/users/stats/', { token: u.token });
  assert.equal(r.status, 200, r.text);
  return r.body as { total_hours_volunteered: number; total_events_participated: number };
}

before(async () => {
  api = await startEventsApi();
  key = deriveCodeKey(api.api.config.JWT_SECRET);
  const cats = await api.call('GET', '/api/events/categories/');
  categoryId = cats.body[0].id;
  org = await api.user({ name: 'qrorg' });
});

after(async () => {
  await api?.close();
});

describe('QR check-in and check-out (ADR 0014)', () => {
  test('when a participant scans the organisers’ codes then they are checked in and out, and the SVG is a QR', async () => {
    const id = await liveEvent(org);
    const vol = await joined(id);
    const shown = await api.call('GET', `/api/events/${id}/check_in_code/`, { token: org.token });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.headers.get('cache-control'), 'no-store');
    assert.match(shown.body.svg, /^<svg[^>]*viewBox/);
    assert.equal(shown.body.rotates_every_s, 45);
    assert.ok(new Date(shown.body.expires_at).getTime() > Date.now());
    const inn = await api.call('POST', `/api/events/${id}/scan/`, {
      token: vol.token,
      body: { code: shown.body.code },
    });
    assert.equal(inn.status, 200, inn.text);
    assert.equal(inn.body.action, 'check_in');
    assert.equal(inn.body.participant.checked_in, true);
    assert.equal(inn.body.participant.check_out_time, null);
    // Same code again: the action is done already.
    assert.equal(
      await refused(`/api/events/${id}/scan/`, vol.token, shown.body.code),
      'Check-in já realizado.',
    );
    const out = await api.call('POST', `/api/events/${id}/scan/`, {
      token: vol.token,
      body: { code: await eventCode(id, 'check_out') },
    });
    assert.equal(out.status, 200, out.text);
    assert.equal(out.body.action, 'check_out');
    assert.ok(out.body.participant.check_out_time);
    // Checked in and out within the same second or so, 30 min after the start: close to 0 hours.
    assert.ok(out.body.participant.hours_volunteered < 0.02, String(out.body.participant.hours_volunteered));
  });

  test('when a code is of another event, expired, forged, personal or the scanner is not a participant then 400 on field code', async () => {
    const id = await liveEvent(org);
    const other = await liveEvent(org);
    const vol = await joined(id);
    const stranger = await api.user({ name: 'qrstranger' });
    const path = `/api/events/${id}/scan/`;
    assert.equal(await refused(path, vol.token, await eventCode(other)), 'Este QR code é de outro evento.');
    const w = windowOf(Date.now());
    assert.match(
      await refused(path, vol.token, signEventCode(key, id, 'check_in', w - 2)),
      /^Código expirado/,
    );
    // The previous window still works (a read just after a rotation).
    const prev = await api.call('POST', path, {
      token: vol.token,
      body: { code: signEventCode(key, id, 'check_in', w - 1) },
    });
    assert.equal(prev.status, 200, prev.text);
    const forged = signEventCode(deriveCodeKey('not-the-server-secret-at-all'), id, 'check_out', w);
    assert.match(await refused(path, vol.token, forged), /assinatura não confere/);
    assert.match(await refused(path, vol.token, 'https://example.com/qr'), /não é um código de presença/);
    assert.match(await refused(path, vol.token, signPersonalCode(key, id, vol.id, w)), /QR code pessoal/);
    assert.equal(
      await refused(path, stranger.token, await eventCode(id)),
      'Você não é participante confirmado deste evento.',
    );
    const empty = await api.call('POST', path, { token: vol.token, body: {} });
    assert.equal(empty.status, 400);
    assert.ok((empty.body as { code?: string[] }).code, empty.text);
  });

  test('when the event is outside its check-in window then no code is shown and a signed code is refused', async () => {
    const id = await liveEvent(org);
    const vol = await joined(id);
    // Starts in 2 h: the window opens 1 h before the start.
    await api.sql(
      `UPDATE events SET start_date = now() + interval '2 hours', end_date = now() + interval '5 hours' WHERE id = $1 RETURNING id`,
      [id],
    );
    const shown = await api.call('GET', `/api/events/${id}/check_in_code/`, { token: org.token });
    assert.equal(shown.status, 400, shown.text);
    assert.match((shown.body as { code: string[] }).code[0]!, /^Fora da janela de check-in/);
    const mine = await api.call('GET', `/api/events/${id}/my_code/`, { token: vol.token });
    assert.equal(mine.status, 400, mine.text);
    const code = signEventCode(key, id, 'check_in', windowOf(Date.now()));
    assert.match(await refused(`/api/events/${id}/scan/`, vol.token, code), /^Fora da janela de check-in/);
  });

  test('when an organiser scans a personal code twice then the second read is a replay, and a fresh code checks out', async () => {
    const id = await liveEvent(org);
    const vol = await joined(id);
    const co = await api.user({ name: 'qrcoorg' });
    assert.equal(
      (await api.call('POST', `/api/events/${id}/coorganizers/`, { token: org.token, body: { user: co.id } }))
        .status,
      201,
    );
    const path = `/api/events/${id}/scan_participant/`;
    const first = (await api.call('GET', `/api/events/${id}/my_code/`, { token: vol.token })).body
      .code as string;
    const inn = await api.call('POST', path, { token: co.token, body: { code: first } });
    assert.equal(inn.status, 200, inn.text);
    assert.equal(inn.body.action, 'check_in');
    assert.match(await refused(path, org.token, first), /^Este QR code já foi usado/);
    const stranger = await api.user({ name: 'qrnotorg' });
    const denied = await api.call('POST', path, { token: stranger.token, body: { code: first } });
    assert.equal(denied.status, 403, denied.text);
    const fresh = (await api.call('GET', `/api/events/${id}/my_code/`, { token: vol.token })).body
      .code as string;
    assert.notEqual(fresh, first);
    const out = await api.call('POST', path, { token: org.token, body: { code: fresh } });
    assert.equal(out.status, 200, out.text);
    assert.equal(out.body.action, 'check_out');
    // A personal code of another event, and the event code where a personal one is expected.
    const other = await liveEvent(org);
    const otherVol = await joined(other);
    const otherCode = (await api.call('GET', `/api/events/${other}/my_code/`, { token: otherVol.token })).body
      .code as string;
    assert.equal(await refused(path, org.token, otherCode), 'Este QR code é de outro evento.');
    assert.match(await refused(path, org.token, await eventCode(id)), /QR code do evento/);
    assert.equal(await api.count('check_in_code_uses', 'event_id = $1', [id]), 2);
  });

  test('when hours are measured then they are capped by the start and the end, corrected by an organiser, and feed the statistics', async () => {
    // 2 h long, started 30 min ago.
    const id = await liveEvent(org, 30, 2);
    const early = await joined(id);
    const brief = await joined(id);
    for (const u of [early, brief]) {
      const r = await api.call('POST', `/api/events/${id}/scan/`, {
        token: u.token,
        body: { code: await eventCode(id) },
      });
      assert.equal(r.status, 200, r.text);
    }
    // The recorded times are moved to what the test needs (a real check-in happens "now"):
    // `early` came 40 min before the start and left 3 h after the end → counted start..end = 2 h;
    // `brief` came 15 min after the start and left 45 min later → 0.75 h.
    await api.sql(
      `UPDATE event_participants p SET check_in_time = e.start_date - interval '40 minutes', check_out_time = e.end_date + interval '3 hours'
         FROM events e WHERE e.id = p.event_id AND p.event_id = $1 AND p.user_id = $2 RETURNING p.id`,
      [id, early.id],
    );
    await api.sql(
      `UPDATE event_participants p SET check_in_time = e.start_date + interval '15 minutes', check_out_time = e.start_date + interval '60 minutes'
         FROM events e WHERE e.id = p.event_id AND p.event_id = $1 AND p.user_id = $2 RETURNING p.id`,
      [id, brief.id],
    );
    const list = await api.call('GET', `/api/events/${id}/participants/`, { token: org.token });
    const byUser = new Map(
      (
        list.body as Array<{
          id: number;
          user: { id: number };
          hours_volunteered: number;
          hours_corrected: boolean;
        }>
      ).map((p) => [p.user.id, p]),
    );
    assert.equal(byUser.get(early.id)!.hours_volunteered, 2);
    assert.equal(byUser.get(brief.id)!.hours_volunteered, 0.75);
    assert.equal((await stats(early)).total_hours_volunteered, 2);
    assert.equal((await stats(brief)).total_hours_volunteered, 0.75);

    const H = `/api/events/${id}/participants/${byUser.get(brief.id)!.id}/hours/`;
    const tooMany = await api.call('PUT', H, { token: org.token, body: { hours: 2.5 } });
    assert.equal(tooMany.status, 400, tooMany.text);
    assert.match((tooMany.body as { hours: string[] }).hours[0]!, /duração do evento/);
    const negative = await api.call('PUT', H, { token: org.token, body: { hours: -1 } });
    assert.equal(negative.status, 400, negative.text);
    const self = await api.call('PUT', H, { token: brief.token, body: { hours: 2 } });
    assert.equal(self.status, 403, self.text);
    const fixed = await api.call('PUT', H, { token: org.token, body: { hours: '1.5' } });
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.body.hours_volunteered, 1.5);
    assert.equal(fixed.body.hours_corrected, true);
    assert.equal((await stats(brief)).total_hours_volunteered, 1.5);
    // The correction wrote the statistics and badge jobs for the worker.
    assert.ok(
      (await api.count('outbox', "job_name = 'update_user_statistics' AND (data->>'user_id')::int = $1", [
        brief.id,
      ])) >= 2,
    );
    const back = await api.call('PUT', H, { token: org.token, body: { hours: null } });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.hours_corrected, false);
    assert.equal((await stats(brief)).total_hours_volunteered, 0.75);

    // A participant who never checked in has no hours to correct.
    const absent = await joined(id);
    const absentRow = (
      await api.call('GET', `/api/events/${id}/participants/`, { token: org.token })
    ).body.find((p: { user: { id: number } }) => p.user.id === absent.id);
    assert.equal(absentRow.hours_volunteered, null);
    const none = await api.call('PUT', `/api/events/${id}/participants/${absentRow.id}/hours/`, {
      token: org.token,
      body: { hours: 1 },
    });
    assert.equal(none.status, 400, none.text);
  });
});

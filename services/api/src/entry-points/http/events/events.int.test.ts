// Contract tests of /api/events over HTTP: a real API on port 0 against the mesh's Postgres (Patroni via Consul).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { JwtTokens } from '../../../domain/users/jwt-tokens.service.js';
import { startEventsApi, type EventsApi, type TestUser } from './test-support/events-api.js';

let api: EventsApi;
let org: TestUser;
let other: TestUser;
let categoryId: number;
const DAY = 86_400_000;

function eventBody(over: Record<string, unknown> = {}) {
  const start = new Date(Date.now() + 10 * DAY);
  return {
    title: 'Mutirão na praia',
    description: 'Limpeza da orla com coleta seletiva',
    category: categoryId,
    address: 'Av. Atlântica, 1702',
    latitude: -22.9711,
    longitude: -43.1822,
    city: 'Rio de Janeiro',
    state: 'RJ',
    start_date: start.toISOString(),
    end_date: new Date(start.getTime() + 4 * 3_600_000).toISOString(),
    max_participants: 10,
    status: 'published',
    ...over,
  };
}

async function createEvent(over: Record<string, unknown> = {}, by = org): Promise<any> {
  const r = await api.call('POST', '/api/events/', { token: by.token, body: eventBody(over) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  api = await startEventsApi();
  org = await api.user({ name: 'org' });
  other = await api.user({ name: 'other' });
  const cats = await api.call('GET', '/api/events/categories/');
  categoryId = cats.body[0].id;
});
after(async () => {
  await api?.close();
});

describe('categories', () => {
  test('when listed with and without trailing slash then the ten seed categories come back', async () => {
    for (const path of ['/api/events/categories/', '/api/events/categories']) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 200);
      assert.ok(r.body.length >= 10);
      assert.deepEqual(Object.keys(r.body[0]).sort(), ['color', 'description', 'icon', 'id', 'name']);
      assert.ok(r.body.some((c: any) => c.name === 'Preservação de Mangues'));
    }
  });
});

describe('create, read, update, delete', () => {
  test('when anonymous creates then 401 and nothing is written', async () => {
    const before = await api.count('events');
    const r = await api.call('POST', '/api/events/', { body: eventBody() });
    assert.equal(r.status, 401);
    assert.equal(await api.count('events'), before);
  });

  test('when the organiser creates then 201 with id, coordinates and derived fields', async () => {
    const e = await createEvent();
    assert.equal(typeof e.id, 'number');
    assert.equal(e.latitude, '-22.971100');
    assert.equal(e.available_spots, 10);
    assert.equal(e.is_active, true);
    assert.equal(e.is_registration_open, true);
    assert.equal(e.organizer_name, 'Test User');
    assert.equal(
      await api.count(
        'outbox',
        `job_name = 'send_event_notification_email' AND (data->>'event_id')::int = $1 AND data->>'kind' = 'published'`,
        [e.id],
      ),
      1,
    );
  });

  test('when dates and ages are inconsistent then 400 names each field and nothing is written', async () => {
    const before = await api.count('events');
    const start = new Date(Date.now() + 5 * DAY);
    const r = await api.call('POST', '/api/events/', {
      token: org.token,
      body: eventBody({
        start_date: start.toISOString(),
        end_date: new Date(start.getTime() - 1000).toISOString(),
        registration_deadline: new Date(start.getTime() + DAY).toISOString(),
        min_age: 30,
        max_age: 20,
      }),
    });
    assert.equal(r.status, 400);
    assert.deepEqual(Object.keys(r.body).sort(), ['end_date', 'max_age', 'registration_deadline']);
    assert.equal(await api.count('events'), before);
  });

  test('when someone else updates or deletes then 403; the organiser may', async () => {
    const e = await createEvent();
    assert.equal(
      (await api.call('PATCH', `/api/events/${e.id}/`, { token: other.token, body: { title: 'x' } })).status,
      403,
    );
    assert.equal((await api.call('DELETE', `/api/events/${e.id}/`, { token: other.token })).status, 403);
    assert.equal((await api.call('PATCH', `/api/events/${e.id}`, { body: { title: 'x' } })).status, 401);
    const p = await api.call('PATCH', `/api/events/${e.id}/`, {
      token: org.token,
      body: { title: 'Novo título', status: 'cancelled' },
    });
    assert.equal(p.status, 200);
    assert.equal(p.body.title, 'Novo título');
    assert.equal(
      await api.count('outbox', `(data->>'event_id')::int = $1 AND data->>'kind' = 'cancelled'`, [e.id]),
      1,
    );
    const put = await api.call('PUT', `/api/events/${e.id}/`, {
      token: org.token,
      body: eventBody({ title: 'PUT' }),
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.title, 'PUT');
    assert.equal(
      (await api.call('PUT', `/api/events/${e.id}/`, { token: org.token, body: { title: 'only' } })).status,
      400,
    );
    assert.equal((await api.call('DELETE', `/api/events/${e.id}/`, { token: org.token })).status, 204);
    // The writer reads its own write at once (read-your-writes: the primary) …
    assert.equal((await api.call('GET', `/api/events/${e.id}/`, { token: org.token })).status, 404);
    // … an anonymous reader reads the replica: the harness waits (≤ 10 s) until it replayed the delete.
    assert.equal((await api.call('GET', `/api/events/${e.id}/`)).status, 404);
  });

  test('when a draft is read by someone else then 404; by its organiser then 200', async () => {
    const e = await createEvent({ status: 'draft' });
    assert.equal((await api.call('GET', `/api/events/${e.id}/`)).status, 404);
    assert.equal((await api.call('GET', `/api/events/${e.id}/`, { token: other.token })).status, 404);
    await api.sequelize.query(`UPDATE user_profiles SET avatar = 'avatars/org.png' WHERE user_id = $1`, {
      bind: [org.id],
    });
    const own = await api.call('GET', `/api/events/${e.id}/`, { token: org.token });
    assert.equal(own.status, 200);
    assert.match(own.body.organizer_avatar, /^http:\/\/127\.0\.0\.1:\d+\/media\/avatars\/org\.png$/);
    for (const k of [
      'registration_deadline',
      'min_age',
      'max_age',
      'is_public',
      'requires_approval',
      'required_tools',
      'provided_tools',
      'what_to_bring',
      'resources',
      'photos',
      'comments',
      'participants',
      'updated_at',
    ]) {
      assert.ok(k in own.body, k);
    }
  });

  test('when ids are unknown or not integers then 404', async () => {
    for (const path of [
      '/api/events/999999999/',
      '/api/events/abc/',
      '/api/events/-1/',
      '/api/events/1e3/join/',
    ]) {
      const r = await api.call(path.endsWith('join/') ? 'POST' : 'GET', path, { token: org.token });
      assert.equal(r.status, 404, path);
    }
  });
});

describe('list', () => {
  let city: string;
  // A spot of ocean of its own per run (the benchmark seeds Brazil's land box; earlier runs used other spots).
  const lng = Number((-30 + Math.random() * 10).toFixed(4));
  before(async () => {
    city = `Cidade ${Date.now()}`;
    for (let i = 0; i < 23; i++)
      await createEvent({ city, title: `Evento ${i}`, state: 'SP', latitude: 5 + i * 0.01, longitude: lng });
    await createEvent({ city, status: 'draft', title: 'rascunho' });
    await createEvent({ city, is_public: false, title: 'privado' });
  });

  test('when an event is created then the cached anonymous page and count are dropped at once', async () => {
    const q = `/api/events/?city=${encodeURIComponent(city)}&ordering=created_at&page_size=100`;
    const first = await api.call('GET', q);
    assert.equal((await api.call('GET', q)).body.count, first.body.count);
    const e = await createEvent({ city, title: 'recém-criado', latitude: null, longitude: null });
    const after = await api.call('GET', q);
    assert.equal(after.body.count, first.body.count + 1);
    assert.ok(after.body.results.some((x: any) => x.id === e.id));
    assert.equal((await api.call('DELETE', `/api/events/${e.id}/`, { token: org.token })).status, 204);
    assert.equal((await api.call('GET', q)).body.count, first.body.count);
  });

  test('when logged in then the count adds only what that viewer may see (own drafts, private events)', async () => {
    const q = `/api/events/?city=${encodeURIComponent(city)}`;
    assert.equal((await api.call('GET', q)).body.count, 23);
    assert.equal((await api.call('GET', q, { token: other.token })).body.count, 23);
    const own = await api.call('GET', `${q}&page_size=100`, { token: org.token });
    assert.equal(own.body.count, 24);
    assert.equal(own.body.results.length, 24);
    assert.equal((await api.call('GET', `${q}&status=draft`, { token: org.token })).body.count, 1);
    assert.equal((await api.call('GET', `${q}&status=draft`, { token: other.token })).body.count, 0);
    assert.equal((await api.call('GET', `${q}&status=draft`)).body.count, 0);
  });

  test('when paged then count/next/previous are absolute links and drafts are not listed', async () => {
    const q = `/api/events/?city=${encodeURIComponent(city)}`;
    const p1 = await api.call('GET', q, {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mutiroes.example' },
    });
    assert.equal(p1.status, 200);
    assert.equal(p1.body.count, 23);
    assert.equal(p1.body.results.length, 20);
    assert.equal(p1.body.previous, null);
    assert.match(p1.body.next, /^https:\/\/mutiroes\.example\/api\/events\/\?city=.*page=2$/);
    const p2 = await api.call('GET', `${q}&page=2`);
    assert.equal(p2.body.results.length, 3);
    assert.equal(p2.body.next, null);
    assert.ok(p2.body.previous.startsWith('http://127.0.0.1'));
    assert.equal((await api.call('GET', `${q}&page=3`)).status, 404);
    assert.ok(p1.body.results.every((e: any) => e.status === 'published'));
  });

  test('when filtered by search, ordering and radius then only matching events come, in order', async () => {
    const s = await api.call(
      'GET',
      `/api/events/?city=${encodeURIComponent(city)}&search=Evento 1&ordering=start_date&page_size=100`,
    );
    assert.equal(s.status, 200);
    assert.equal(s.body.count, 11); // Evento 1, 10..19
    // 0.01° of latitude ≈ 1.11 km: within 3 km of event 0 are events 0, 1 and 2.
    const g = await api.call(
      'GET',
      `/api/events/?city=${encodeURIComponent(city)}&latitude=5&longitude=${lng}&radius=3`,
    );
    assert.equal(g.body.count, 3);
    assert.ok(g.body.results.every((e: any) => e.distance_km <= 3));
    const bad = await api.call('GET', `/api/events/?ordering=title`);
    assert.equal(bad.status, 400);
    assert.ok(bad.body.ordering);
    const badDate = await api.call('GET', `/api/events/?start_date=ontem&category=x`);
    assert.equal(badDate.status, 400);
    assert.deepEqual(Object.keys(badDate.body).sort(), ['category', 'start_date']);
    const st = await api.call(
      'GET',
      `/api/events/?city=${encodeURIComponent(city)}&state=sp&is_public=true&end_date=2999-01-01`,
    );
    assert.equal(st.body.count, 23);
  });

  test('when nearby without coordinates then 400; with them nearest first with distance_km', async () => {
    const none = await api.call('GET', '/api/events/nearby/');
    assert.equal(none.status, 400);
    assert.ok(none.body.latitude && none.body.longitude);
    const r = await api.call('GET', `/api/events/nearby?latitude=5.1&longitude=${lng}&radius=5`);
    assert.equal(r.status, 200);
    // 0.01° ≈ 1.11 km apart: events 6..14 lie within 5 km of latitude 5.1.
    const mine = r.body.filter((e: any) => e.city === city);
    assert.equal(mine.length, 9);
    const d = r.body.map((e: any) => e.distance_km);
    assert.deepEqual(
      d,
      [...d].sort((a: number, b: number) => a - b),
    );
    assert.ok(d.every((x: number) => x <= 5));
    const three = await api.call('GET', `/api/events/nearby?latitude=5.1&longitude=${lng}&radius=5&limit=3`);
    assert.equal(three.status, 200);
    assert.deepEqual(
      three.body.map((e: any) => e.id),
      r.body.slice(0, 3).map((e: any) => e.id),
    );
    for (const bad of ['0', '101', '2.5', 'x']) {
      const b = await api.call('GET', `/api/events/nearby?latitude=5.1&longitude=${lng}&limit=${bad}`);
      assert.equal(b.status, 400, bad);
      assert.equal(typeof b.body.limit?.[0], 'string', bad);
    }
  });
});

describe('join, leave, check-in', () => {
  test('when joining twice, leaving and joining again then one row is reused', async () => {
    const e = await createEvent();
    const v = await api.user();
    const j = await api.call('POST', `/api/events/${e.id}/join/`, {
      token: v.token,
      body: { emergency_contact: 'Ana', emergency_phone: '+5511999998888' },
    });
    assert.equal(j.status, 201);
    assert.equal(j.body.status, 'confirmed');
    assert.equal((await api.call('POST', `/api/events/${e.id}/join/`, { token: v.token })).status, 400);
    const l = await api.call('POST', `/api/events/${e.id}/leave/`, { token: v.token });
    assert.equal(l.status, 200);
    assert.ok(l.body.message);
    assert.equal((await api.call('POST', `/api/events/${e.id}/join`, { token: v.token })).status, 201);
    assert.equal(await api.count('event_participants', 'event_id = $1', [e.id]), 1);
  });

  test('when the event requires approval then the join is pending and the organiser approves it', async () => {
    const e = await createEvent({ requires_approval: true });
    const v = await api.user();
    const j = await api.call('POST', `/api/events/${e.id}/join/`, { token: v.token });
    assert.equal(j.body.status, 'pending');
    assert.equal(
      (
        await api.call('PATCH', `/api/events/${e.id}/participants/${j.body.id}/`, {
          token: v.token,
          body: { status: 'confirmed' },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api.call('PATCH', `/api/events/${e.id}/participants/${j.body.id}/`, {
          token: other.token,
          body: { status: 'confirmed' },
        })
      ).status,
      403,
    );
    const a = await api.call('PATCH', `/api/events/${e.id}/participants/${j.body.id}/`, {
      token: org.token,
      body: { status: 'confirmed' },
    });
    assert.equal(a.status, 200);
    assert.equal(a.body.status, 'confirmed');
    const notices = await api.sequelize.query(
      `SELECT data->>'kind' AS kind FROM outbox WHERE job_name = 'send_event_notification_email' AND (data->>'user_id')::int = $1 ORDER BY id`,
      { bind: [v.id], type: QueryTypes.SELECT },
    );
    assert.deepEqual(
      notices.map((n: any) => n.kind),
      ['pending', 'approved'],
    );
    const detail = await api.call('GET', `/api/events/${e.id}/`, { token: org.token });
    assert.equal(detail.body.participants_count, 1);
  });

  test('when too young or too old then 400; without birth date then joined unverified (#11)', async () => {
    const e = await createEvent({ min_age: 18, max_age: 60 });
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/join/`, { token: (await api.user({ age: 15 })).token }))
        .status,
      400,
    );
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/join/`, { token: (await api.user({ age: 70 })).token }))
        .status,
      400,
    );
    assert.equal(await api.count('event_participants', 'event_id = $1', [e.id]), 0);
    // Contract changed by issue #11: the original client never asks for a birth date.
    const nb = await api.call('POST', `/api/events/${e.id}/join/`, {
      token: (await api.user({ age: null })).token,
    });
    assert.equal(nb.status, 201, JSON.stringify(nb.body));
    assert.equal(nb.body.age_verified, false);
    const adult = await api.call('POST', `/api/events/${e.id}/join/`, {
      token: (await api.user({ age: 30 })).token,
    });
    assert.equal(adult.body.age_verified, true);
    const seen = await api.call('GET', `/api/events/${e.id}/participants/`, { token: org.token });
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    const rows = (Array.isArray(seen.body) ? seen.body : seen.body.results) as Array<{
      age_verified: boolean;
    }>;
    assert.deepEqual(rows.map((p) => p.age_verified).sort(), [false, true]);
  });

  test('when checking in then only a confirmed participant, once, and jobs are queued', async () => {
    const e = await createEvent();
    const v = await api.user();
    assert.equal((await api.call('POST', `/api/events/${e.id}/check_in/`, { token: v.token })).status, 400);
    await api.call('POST', `/api/events/${e.id}/join/`, { token: v.token });
    // Check-in opens 1 h before the start: the event (10 days out) is moved to start in 30 min.
    await api.sql(
      `UPDATE events SET start_date = now() + interval '30 minutes', end_date = now() + interval '4 hours' WHERE id = $1 RETURNING id`,
      [e.id],
    );
    const c = await api.call('POST', `/api/events/${e.id}/check_in/`, { token: v.token });
    assert.equal(c.status, 200);
    assert.equal((await api.call('POST', `/api/events/${e.id}/check_in/`, { token: v.token })).status, 400);
    assert.equal(
      await api.count(
        'outbox',
        `job_name IN ('check_and_award_badges','update_user_statistics') AND (data->>'user_id')::int = $1`,
        [v.id],
      ),
      2,
    );
    const s = await api.call('GET', `/api/events/${e.id}/stats/`);
    assert.equal(s.status, 200);
    assert.deepEqual(
      { ...s.body },
      {
        total_participants: 1,
        confirmed_participants: 1,
        pending_participants: 0,
        checked_in_participants: 1,
        available_spots: 9,
        photos_count: 0,
        comments_count: 0,
        resources_count: 0,
        fully_provided_resources: 0,
      },
    );
  });

  test('when 50 users join an event with 10 places at once then exactly 10 are confirmed, 40 waitlisted in distinct places, and no 500', async () => {
    const e = await createEvent({ max_participants: 10 });
    const users = await Promise.all(Array.from({ length: 50 }, () => api.user()));
    const results = await Promise.all(
      users.map((u) => api.call('POST', `/api/events/${e.id}/join/`, { token: u.token })),
    );
    const statuses = results.map((r) => r.status);
    // Issue #16: a full event waitlists instead of refusing.
    assert.equal(statuses.filter((s) => s === 201).length, 50);
    assert.equal(results.filter((r) => r.body.status === 'confirmed').length, 10);
    const places = results.filter((r) => r.body.status === 'waitlisted').map((r) => r.body.waitlist_position);
    assert.equal(new Set(places).size, 40);
    assert.equal(await api.count('event_participants', `event_id = $1 AND status = 'confirmed'`, [e.id]), 10);
    const [row] = (
      await api.sequelize.query('SELECT participants_count FROM events WHERE id = $1', { bind: [e.id] })
    )[0] as Array<{ participants_count: number }>;
    assert.equal(row!.participants_count, 10);
  });

  test('when an event is full then join puts the volunteer on the waitlist (issue #16)', async () => {
    const e = await createEvent({ max_participants: 1 });
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/join/`, { token: (await api.user()).token })).status,
      201,
    );
    const r = await api.call('POST', `/api/events/${e.id}/join/`, { token: (await api.user()).token });
    assert.equal(r.status, 201);
    assert.equal(r.body.status, 'waitlisted');
    assert.equal(r.body.waitlist_position, 1);
  });
});

describe('participants privacy and management', () => {
  test('when others read participants then emergency data is hidden; the organiser sees it', async () => {
    const e = await createEvent();
    const v = await api.user();
    await api.call('POST', `/api/events/${e.id}/join/`, {
      token: v.token,
      body: { emergency_contact: 'Segredo', emergency_phone: '+5511988887777', special_needs: 'nenhuma' },
    });
    const pub = await api.call('GET', `/api/events/${e.id}/`, { token: other.token });
    assert.equal(pub.body.participants.length, 1);
    assert.equal(pub.body.participants[0].emergency_contact, undefined);
    assert.ok(!JSON.stringify(pub.body).includes('Segredo'));
    const list = await api.call('GET', `/api/events/${e.id}/participants/`);
    assert.ok(!JSON.stringify(list.body).includes('Segredo'));
    const own = await api.call('GET', `/api/events/${e.id}/participants/`, { token: org.token });
    assert.equal(own.body[0].emergency_contact, 'Segredo');
    assert.equal(
      (await api.call('GET', `/api/events/${e.id}/participants/${own.body[0].id}/`, { token: other.token }))
        .status,
      403,
    );
    assert.equal(
      (
        await api.call('DELETE', `/api/events/${e.id}/participants/${own.body[0].id}/`, {
          token: other.token,
        })
      ).status,
      403,
    );
    assert.equal(
      (await api.call('DELETE', `/api/events/${e.id}/participants/${own.body[0].id}/`, { token: org.token }))
        .status,
      204,
    );
    const add = await api.call('POST', `/api/events/${e.id}/participants/`, {
      token: org.token,
      body: { user: v.id },
    });
    assert.equal(add.status, 201);
    assert.equal(
      (
        await api.call('POST', `/api/events/${e.id}/participants/`, {
          token: other.token,
          body: { user: other.id },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api.call('POST', `/api/events/${e.id}/participants/`, {
          token: org.token,
          body: { user: 2_000_000_000 },
        })
      ).status,
      400,
    );
  });
});

describe('a stale or forged token on a public read (issue #11, ADR 0006)', () => {
  test('when a public read carries a forged or expired token of the organiser then the answer is the anonymous one: nothing private', async () => {
    const e = await createEvent({ is_public: false });
    const v = await api.user();
    const joined = await api.call('POST', `/api/events/${e.id}/participants/`, {
      token: org.token,
      body: { user: v.id, emergency_contact: 'Segredo' },
    });
    assert.equal(joined.status, 201);
    const claims = {
      id: org.id,
      username: org.username,
      email: `${org.username}@example.test`,
      is_staff: true,
    };
    const forged = new JwtTokens({ secret: 'not-the-secret-'.repeat(4), accessTtlS: 600, refreshTtlS: 60 });
    const expired = new JwtTokens({ secret: api.api.config.JWT_SECRET, accessTtlS: -120, refreshTtlS: 60 });
    for (const token of [forged.signAccess(claims), expired.signAccess(claims), 'not-a-jwt']) {
      const detail = await api.call('GET', `/api/events/${e.id}/`, { token });
      assert.equal(detail.status, 404, 'a private event stays hidden, as from an anonymous caller');
      const parts = await api.call('GET', `/api/events/${e.id}/participants/`, { token });
      assert.equal(parts.status, 404);
      assert.ok(!parts.text.includes('Segredo'));
      const list = await api.call('GET', '/api/events/?page_size=100', { token });
      assert.equal(list.status, 200);
      assert.ok(!list.body.results.some((x: { id: number }) => x.id === e.id));
      assert.ok(list.body.results.every((x: { is_organizer: boolean }) => x.is_organizer === false));
      // Private reads still refuse it.
      assert.equal((await api.call('GET', '/api/events/my_events/', { token })).status, 401);
    }
    const real = await api.call('GET', `/api/events/${e.id}/participants/`, { token: org.token });
    assert.equal(real.body[0].emergency_contact, 'Segredo');
  });
});

describe('resources, comments, photos, report', () => {
  test('when resources are edited then only by the organiser', async () => {
    const e = await createEvent();
    const body = { name: 'Luvas', resource_type: 'material', quantity_needed: 20 };
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/resources/`, { token: other.token, body })).status,
      403,
    );
    const c = await api.call('POST', `/api/events/${e.id}/resources/`, { token: org.token, body });
    assert.equal(c.status, 201);
    assert.equal(c.body.unit, 'unidade');
    assert.equal(c.body.is_fully_provided, false);
    const p = await api.call('PATCH', `/api/events/${e.id}/resources/${c.body.id}/`, {
      token: org.token,
      body: { quantity_provided: 20 },
    });
    assert.equal(p.body.is_fully_provided, true);
    assert.equal(
      (
        await api.call('PATCH', `/api/events/${e.id}/resources/${c.body.id}/`, {
          token: other.token,
          body: { quantity_provided: 1 },
        })
      ).status,
      403,
    );
    assert.equal((await api.call('GET', `/api/events/${e.id}/resources/`)).body.length, 1);
    assert.equal(
      (await api.call('DELETE', `/api/events/${e.id}/resources/${c.body.id}/`, { token: org.token })).status,
      204,
    );
  });

  test('when comments reply to each other then they come back threaded', async () => {
    const e = await createEvent();
    const top = await api.call('POST', `/api/events/${e.id}/comments/`, {
      token: other.token,
      body: { content: 'Vou levar luvas' },
    });
    assert.equal(top.status, 201);
    const reply = await api.call('POST', `/api/events/${e.id}/comments/`, {
      token: org.token,
      body: { content: 'Ótimo!', parent: top.body.id },
    });
    assert.equal(reply.status, 201);
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/comments/`, { body: { content: 'anon' } })).status,
      401,
    );
    assert.equal(
      (
        await api.call('POST', `/api/events/${e.id}/comments/`, {
          token: org.token,
          body: { content: 'x', parent: 999999999 },
        })
      ).status,
      400,
    );
    const list = await api.call('GET', `/api/events/${e.id}/comments/`);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].replies[0].content, 'Ótimo!');
  });

  test('when an event has more comment threads and photos than the detail page then it carries the first ones, the counts and the links', async () => {
    const e = await createEvent();
    const empty = await api.call('GET', `/api/events/${e.id}/`);
    assert.deepEqual(empty.body.counts, { resources: 0, photos: 0, comments: 0, participants: 0 });
    await api.sequelize.query(
      `INSERT INTO event_comments (event_id, user_id, content, created_at)
       SELECT $1, $2, 'Comentário ' || g, now() - (100 - g) * interval '1 minute' FROM generate_series(1, 25) g`,
      { bind: [e.id, other.id] },
    );
    await api.sequelize.query(
      `INSERT INTO event_comments (event_id, user_id, parent_id, content)
       SELECT $1, $2, id, 'Resposta' FROM event_comments WHERE event_id = $1 AND content IN ('Comentário 1', 'Comentário 25')`,
      { bind: [e.id, org.id] },
    );
    await api.sequelize.query(
      `INSERT INTO event_photos (event_id, user_id, photo) SELECT $1, $2, 'events/x-' || g || '.jpg' FROM generate_series(1, 23) g`,
      { bind: [e.id, other.id] },
    );
    const r = await api.call('GET', `/api/events/${e.id}/`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.counts, { resources: 0, photos: 23, comments: 27, participants: 0 });
    assert.equal(r.body.comments.length, 20, 'the first 20 threads');
    assert.equal(r.body.comments[0].content, 'Comentário 1');
    assert.equal(r.body.comments[0].replies[0].content, 'Resposta', 'with their replies');
    assert.ok(!r.body.comments.some((c: { content: string }) => c.content === 'Comentário 25'));
    assert.equal(r.body.photos.length, 20);
    assert.equal(r.body.links.comments, `/api/events/${e.id}/comments/`);
    // the whole lists stay at the sub-resources
    assert.equal((await api.call('GET', r.body.links.comments)).body.length, 25);
    assert.equal((await api.call('GET', r.body.links.photos)).body.length, 23);
  });

  test('when photos are uploaded then images up to 5 MB are stored and served; others refused', async () => {
    const e = await createEvent();
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100),
    ]);
    const form = (data: Buffer, name = 'a.png') => {
      const f = new FormData();
      f.append('photo', new Blob([data]), name);
      f.append('caption', 'Antes');
      f.append('is_before', 'true');
      return f;
    };
    assert.equal((await api.upload(`/api/events/${e.id}/photos/`, other.token, form(png))).status, 403);
    const ok = await api.upload(`/api/events/${e.id}/photos/`, org.token, form(png));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.is_before, true);
    const served = await fetch(ok.body.photo);
    assert.equal(served.status, 200);
    assert.equal(Buffer.from(await served.arrayBuffer()).length, png.length);
    const notImage = await api.upload(
      `/api/events/${e.id}/photos/`,
      org.token,
      form(Buffer.from('<?php echo 1; ?>'), 'x.png'),
    );
    assert.equal(notImage.status, 400);
    assert.ok(notImage.body.photo);
    const big = await api.upload(
      `/api/events/${e.id}/photos/`,
      org.token,
      form(Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)])),
    );
    assert.equal(big.status, 400);
    assert.ok(big.body.photo);
    assert.equal((await api.call('GET', `/api/events/${e.id}/photos/`)).body.length, 1);
  });

  test('when the report is missing then 404; created once by the organiser; amended with a job each time', async () => {
    const e = await createEvent();
    assert.equal((await api.call('GET', `/api/events/${e.id}/report/`)).status, 404);
    assert.equal(
      (
        await api.call('POST', `/api/events/${e.id}/report/`, {
          token: other.token,
          body: { trees_planted: 3 },
        })
      ).status,
      403,
    );
    assert.equal(
      (
        await api.call('POST', `/api/events/${e.id}/report/`, {
          token: org.token,
          body: { trash_collected_kg: -1 },
        })
      ).status,
      400,
    );
    const c = await api.call('POST', `/api/events/${e.id}/report/`, {
      token: org.token,
      body: { trees_planted: 3, trash_collected_kg: 12.5, summary: 'Bom' },
    });
    assert.equal(c.status, 201);
    assert.equal(c.body.trash_collected_kg, '12.50');
    assert.equal(
      (await api.call('POST', `/api/events/${e.id}/report/`, { token: org.token, body: {} })).status,
      409,
    );
    const p = await api.call('PATCH', `/api/events/${e.id}/report/`, {
      token: org.token,
      body: { trees_planted: 5 },
    });
    assert.equal(p.body.trees_planted, 5);
    assert.equal(
      (
        await api.call('PATCH', `/api/events/${e.id}/report/`, {
          token: other.token,
          body: { trees_planted: 6 },
        })
      ).status,
      403,
    );
    assert.equal(
      await api.count(
        'outbox',
        `job_name = 'process_event_report_statistics' AND (data->>'report_id')::int = $1`,
        [c.body.id],
      ),
      2,
    );
    assert.equal((await api.call('GET', `/api/events/${e.id}/report`)).body.trees_planted, 5);
  });

  test('when my_events is asked then organised and participating events are listed', async () => {
    const v = await api.user();
    const e = await createEvent({}, v);
    const e2 = await createEvent();
    await api.call('POST', `/api/events/${e2.id}/join/`, { token: v.token });
    const r = await api.call('GET', '/api/events/my_events/', { token: v.token });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.organized.map((x: any) => x.id),
      [e.id],
    );
    assert.deepEqual(
      r.body.participating.map((x: any) => x.id),
      [e2.id],
    );
    assert.equal((await api.call('GET', '/api/events/my_events/')).status, 401);
  });
});

describe('bad input on every write endpoint', () => {
  const TABLES = [
    'events',
    'event_participants',
    'event_resources',
    'event_comments',
    'event_reports',
    'event_photos',
  ];
  const snapshot = async () => Promise.all(TABLES.map((t) => api.count(t)));
  const huge = 'x'.repeat(1024 * 1024);
  const injection = "'; DROP TABLE events; --";

  test('when bodies are malformed, mistyped, huge, negative or hostile then 4xx and nothing is written', async () => {
    const e = await createEvent();
    const res = await api.call('POST', `/api/events/${e.id}/resources/`, {
      token: org.token,
      body: { name: 'Sacos', quantity_needed: 5 },
    });
    const part = await api.call('POST', `/api/events/${e.id}/join/`, { token: other.token });
    const before = await snapshot();
    const cases: Array<[string, string, unknown]> = [];
    const writes: Array<[string, string]> = [
      ['POST', '/api/events/'],
      ['PUT', `/api/events/${e.id}/`],
      ['PATCH', `/api/events/${e.id}/`],
      ['POST', `/api/events/${e.id}/join/`],
      ['POST', `/api/events/${e.id}/participants/`],
      ['PATCH', `/api/events/${e.id}/participants/${part.body.id}/`],
      ['POST', `/api/events/${e.id}/resources/`],
      ['PATCH', `/api/events/${e.id}/resources/${res.body.id}/`],
      ['POST', `/api/events/${e.id}/comments/`],
      ['POST', `/api/events/${e.id}/report/`],
    ];
    const bodies: unknown[] = [
      {
        title: 123,
        max_participants: 'muitos',
        start_date: 42,
        latitude: 'norte',
        user: 'x',
        quantity_needed: 'x',
        content: 7,
        trees_planted: 'x',
        experience_level: 5,
        status: 1,
      },
      {
        status: -1,
        name: -1,
        title: -1,
        content: -1,
        emergency_phone: '-1',
        max_participants: -5,
        min_age: -1,
        latitude: 91,
        quantity_needed: -3,
        quantity_provided: -1,
        trash_collected_kg: -2,
        user: -1,
        parent: -4,
      },
      { title: huge, description: huge, content: huge, name: huge, summary: huge, emergency_contact: huge },
      {
        title: injection,
        category: injection,
        start_date: injection,
        content: 5,
        user: injection,
        quantity_needed: injection,
        status: injection,
        experience_level: injection,
        total_hours: injection,
      },
      [1, 2, 3],
      'just a string',
    ];
    for (const [method, path] of writes) for (const b of bodies) cases.push([method, path, b]);
    for (const [method, path, body] of cases) {
      const r = await api.call(method, path, { token: org.token, body });
      assert.ok(
        r.status >= 400 && r.status < 500,
        `${method} ${path} ${JSON.stringify(body).slice(0, 80)} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
      );
    }
    for (const [method, path] of writes) {
      const r = await api.call(method, path, {
        token: org.token,
        raw: '{"title": "unterminated',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 400, `${method} ${path} malformed JSON`);
    }
    for (const [method, path] of [
      ['POST', '/api/events/999999999/join/'],
      ['POST', '/api/events/999999999/comments/'],
      ['POST', '/api/events/999999999/report/'],
      ['PATCH', `/api/events/${e.id}/resources/999999999/`],
      ['PATCH', `/api/events/${e.id}/participants/999999999/`],
    ] as const) {
      const r = await api.call(method, path, {
        token: org.token,
        body: { content: 'ok', name: 'ok', quantity_needed: 1 },
      });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
    for (const path of [
      '/api/events/',
      `/api/events/${e.id}/participants/`,
      `/api/events/${e.id}/resources/`,
      `/api/events/${e.id}/comments/`,
    ]) {
      const r = await api.call('POST', path, { token: org.token, body: {} });
      assert.equal(r.status, 400, `POST ${path} {}`);
      assert.ok(
        Object.values(r.body).every((m) => Array.isArray(m)),
        `field errors for ${path}`,
      );
    }
    const photoDir = path.join(api.mediaDir, 'events', String(e.id));
    const files = async () => (await readdir(photoDir).catch(() => [])).length;
    const filesBefore = await files();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const both = new FormData();
    both.append('photo', new Blob([png]), 'a.png');
    both.append('is_before', 'true');
    both.append('is_after', 'true');
    const noFile = new FormData();
    noFile.append('caption', injection);
    const twoFiles = new FormData();
    twoFiles.append('photo', new Blob([png]), 'a.png');
    twoFiles.append('photo', new Blob([png]), 'b.png');
    const badBool = new FormData();
    badBool.append('photo', new Blob([png]), 'a.png');
    badBool.append('is_before', 'talvez');
    for (const raw of [both, noFile, twoFiles, badBool]) {
      const r = await api.upload(`/api/events/${e.id}/photos/`, org.token, raw);
      assert.equal(r.status, 400, JSON.stringify(r.body));
    }
    const json = await api.call('POST', `/api/events/${e.id}/photos/`, {
      token: org.token,
      body: { photo: 'x' },
    });
    assert.equal(json.status, 400);
    assert.equal(await files(), filesBefore);
    assert.deepEqual(await snapshot(), before);
    const still = await api.call('GET', `/api/events/${e.id}/`);
    assert.equal(still.body.title, 'Mutirão na praia');
  });
});

// Every documented operation is called on the real API (real Postgres, Redis, Consul of the mesh) and every
// answer is validated against the document the API serves at /api/schema/: the document cannot drift.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startEventsApi, type EventsApi, type TestUser } from '../events/test-support/events-api.js';
import type { CallOptions, CallResult } from '../test-support/api-harness.js';
import { STRONG_PASSWORD, registrationBody } from '../test-support/api-harness.js';
import { createResponseValidator, type ResponseValidator } from './test-support/response-validator.js';

let api: EventsApi;
let v: ResponseValidator;
let org: TestUser;
let vol: TestUser;
let vol2: TestUser;
let categoryId: number;
const month = `29${String(10 + Math.floor(Math.random() * 80))}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`;

/** One call, its answer checked against the served document. */
async function call(method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const r = await api.call(method, path, opts);
  const problems = v.check(method, path, r.status, r.body, r.headers.get('content-type'));
  assert.deepEqual(problems, [], `${method} ${path} answered ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

async function expect(status: number, method: string, path: string, opts: CallOptions = {}) {
  const r = await call(method, path, opts);
  assert.equal(r.status, status, `${method} ${path}: ${r.text.slice(0, 400)}`);
  return r;
}

function eventBody(over: Record<string, unknown> = {}) {
  const start = new Date(Date.now() + 20 * 86_400_000);
  return {
    title: 'Mutirão na Praia do Forte',
    description: 'Limpeza da faixa de areia.',
    category: categoryId,
    address: 'Av. Beira Mar, 100',
    city: 'Florianópolis',
    state: 'SC',
    latitude: -27.59,
    longitude: -48.55,
    start_date: start.toISOString(),
    end_date: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
    max_participants: 30,
    status: 'published',
    ...over,
  };
}

before(async () => {
  api = await startEventsApi();
  const served = await api.call('GET', '/api/schema/');
  assert.equal(served.status, 200);
  v = createResponseValidator(served.body);
  org = await api.user({ name: 'oaorg' });
  vol = await api.user({ name: 'oavol' });
  vol2 = await api.user({ name: 'oavol2', age: null });
});
after(async () => {
  await api?.sql('DELETE FROM monthly_impact_reports WHERE month = $1 RETURNING id', [month]).catch(() => []);
  await api?.close();
});

describe('OpenAPI conformance of the real API', () => {
  test('when /api/schema/ is served then it is a valid OpenAPI 3.1 document', async () => {
    const r = await expect(200, 'GET', '/api/schema/');
    const res = await new Validator().validate(r.body);
    assert.equal(res.valid, true, JSON.stringify(res.errors)?.slice(0, 2000));
    const docs = await expect(200, 'GET', '/api/docs/');
    assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
    assert.match(docs.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  test('when health, users and auth operations are called then every answer matches the document', async () => {
    await expect(200, 'GET', '/health/');
    await expect(200, 'GET', '/readiness/');
    await expect(200, 'GET', '/liveness/');

    const username = api.unique('oareg');
    await expect(400, 'POST', '/api/users/register/', { body: { username } });
    await expect(201, 'POST', '/api/users/register/', { body: registrationBody(username) });
    await expect(401, 'POST', '/api/token/', { body: { username, password: 'errada-123456' } });
    const tokens = await expect(200, 'POST', '/api/token/', {
      body: { username, password: STRONG_PASSWORD },
    });
    const refreshed = await expect(200, 'POST', '/api/token/refresh/', {
      body: { refresh: tokens.body.refresh },
    });
    const token: string = refreshed.body.access;
    const spare = await expect(200, 'POST', '/api/token/', { body: { username, password: STRONG_PASSWORD } });
    await expect(400, 'POST', '/api/token/revoke/', { body: {} });
    await expect(200, 'POST', '/api/token/revoke/', { body: { refresh: spare.body.refresh } });

    await expect(401, 'GET', '/api/users/profile/');
    await expect(200, 'GET', '/api/users/profile/', { token });
    await expect(200, 'PATCH', '/api/users/profile/', { token, body: { is_public_profile: true } });
    await expect(200, 'PUT', '/api/users/profile/', { token, body: { bio: 'Voluntária.' } });
    await expect(200, 'PATCH', '/api/users/profile/update/', { token, body: { city: 'Recife' } });
    await expect(200, 'PUT', '/api/users/profile/update/', { token, body: { state: 'pe' } });
    await expect(400, 'PATCH', '/api/users/profile/update/', { token, body: { state: 'XYZ' } });
    await expect(200, 'GET', `/api/users/profile/${username}/`);
    await expect(404, 'GET', `/api/users/profile/${api.unique('ninguem')}/`);
    await expect(200, 'GET', '/api/users/stats/', { token });
    await expect(200, 'GET', '/api/users/badges/');
    await expect(200, 'GET', '/api/users/badges/earned/', { token });
    await expect(200, 'GET', '/api/users/leaderboard/?category=events');
    await expect(400, 'GET', '/api/users/leaderboard/?category=nada');
    await expect(200, 'GET', '/api/users/rank/', { token });
    await expect(200, 'POST', '/api/users/change-password/', {
      token,
      body: { old_password: STRONG_PASSWORD, new_password: 'Rio-Limpo-2025!' },
    });
  });

  test('when every events operation is called then every answer matches the document', async () => {
    const cats = await expect(200, 'GET', '/api/events/categories/');
    categoryId = cats.body[0].id;
    await expect(400, 'POST', '/api/events/', { token: org.token, body: { title: '' } });
    const created = await expect(201, 'POST', '/api/events/', { token: org.token, body: eventBody() });
    const id: number = created.body.id;
    const E = `/api/events/${id}`;
    await expect(200, 'GET', '/api/events/');
    await expect(200, 'GET', '/api/events/?page_size=5', { token: vol.token });
    await expect(404, 'GET', '/api/events/?page=99999');
    await expect(200, 'GET', '/api/events/nearby/?latitude=-27.59&longitude=-48.55&radius=5', {
      token: vol.token,
    });
    await expect(400, 'GET', '/api/events/nearby/');
    await expect(200, 'GET', `${E}/`);
    await expect(404, 'GET', '/api/events/2147483000/');
    await expect(200, 'PUT', `${E}/`, { token: org.token, body: eventBody({ title: 'Mutirão no Forte' }) });
    await expect(200, 'PATCH', `${E}/`, { token: org.token, body: { min_age: 18, max_age: 80 } });
    await expect(403, 'PATCH', `${E}/`, { token: vol.token, body: { title: 'x' } });

    await expect(201, 'POST', `${E}/join/`, { token: vol.token, body: { experience_level: 'intermediate' } });
    const unverified = await expect(201, 'POST', `${E}/join/`, { token: vol2.token });
    assert.equal(unverified.body.age_verified, false);
    await expect(400, 'POST', `${E}/join/`, { token: vol.token });
    await expect(200, 'GET', '/api/events/my_events/', { token: vol.token });
    await expect(200, 'GET', `${E}/stats/`);
    await expect(200, 'GET', `${E}/participants/`, { token: org.token });
    const extra = await api.user({ name: 'oaextra' });
    const added = await expect(201, 'POST', `${E}/participants/`, {
      token: org.token,
      body: { user: extra.id },
    });
    const P = `${E}/participants/${added.body.id}`;
    await expect(200, 'GET', `${P}/`, { token: org.token });
    await expect(200, 'PATCH', `${P}/`, { token: org.token, body: { status: 'pending' } });
    await expect(200, 'PUT', `${P}/`, { token: org.token, body: { status: 'confirmed' } });
    await expect(204, 'DELETE', `${P}/`, { token: org.token });
    // Check-in opens 1 h before the start (issue #14): the event, 20 days out, is moved to start in 30 min.
    await api.sql(
      `UPDATE events SET start_date = now() + interval '30 minutes', end_date = now() + interval '4 hours', registration_deadline = NULL WHERE id = $1 RETURNING id`,
      [id],
    );
    await expect(200, 'POST', `${E}/check_in/`, { token: vol.token });
    await expect(200, 'POST', `${E}/leave/`, { token: vol2.token });

    // ADR 0014: QR codes, scans and the hours correction.
    await expect(200, 'GET', `${E}/check_in_code/`, { token: org.token });
    const out = await expect(200, 'GET', `${E}/check_in_code/?action=check_out`, { token: org.token });
    await expect(400, 'GET', `${E}/check_in_code/?action=sair`, { token: org.token });
    await expect(403, 'GET', `${E}/check_in_code/`, { token: vol.token });
    const left = await expect(200, 'POST', `${E}/scan/`, { token: vol.token, body: { code: out.body.code } });
    assert.equal(left.body.action, 'check_out');
    await expect(400, 'POST', `${E}/scan/`, { token: vol.token, body: { code: out.body.code } });
    const walkIn = await api.user({ name: 'oawalk' });
    await expect(201, 'POST', `${E}/join/`, { token: walkIn.token });
    await expect(400, 'GET', `${E}/my_code/`, { token: vol2.token });
    const mine = await expect(200, 'GET', `${E}/my_code/`, { token: walkIn.token });
    const scanned = await expect(200, 'POST', `${E}/scan_participant/`, {
      token: org.token,
      body: { code: mine.body.code },
    });
    await expect(403, 'POST', `${E}/scan_participant/`, { token: vol.token, body: { code: mine.body.code } });
    await expect(400, 'POST', `${E}/scan_participant/`, { token: org.token, body: { code: mine.body.code } });
    const H = `${E}/participants/${scanned.body.participant.id}/hours/`;
    await expect(200, 'PUT', H, { token: org.token, body: { hours: 2.5 } });
    await expect(400, 'PUT', H, { token: org.token, body: { hours: 40 } });
    await expect(403, 'PUT', H, { token: walkIn.token, body: { hours: 3 } });

    // Issue #16: waitlist, co-organisers, CSV export.
    const small = await expect(201, 'POST', '/api/events/', {
      token: org.token,
      body: eventBody({ max_participants: 1, min_age: 0 }),
    });
    const S = `/api/events/${small.body.id}`;
    await expect(201, 'POST', `${S}/join/`, { token: vol.token });
    const queued = await expect(201, 'POST', `${S}/join/`, { token: vol2.token });
    assert.equal(queued.body.status, 'waitlisted');
    assert.equal(queued.body.waitlist_position, 1);
    await expect(200, 'GET', `${S}/waitlist/`, { token: org.token });
    await expect(403, 'GET', `${S}/waitlist/`, { token: vol.token });
    await expect(400, 'POST', `${S}/coorganizers/`, { token: org.token, body: {} });
    await expect(201, 'POST', `${S}/coorganizers/`, { token: org.token, body: { user: extra.id } });
    await expect(403, 'POST', `${S}/coorganizers/`, { token: extra.token, body: { user: vol.id } });
    await expect(200, 'GET', `${S}/coorganizers/`, { token: extra.token });
    await expect(200, 'GET', `${S}/participants/export/`, { token: extra.token });
    await expect(403, 'GET', `${S}/participants/export/`, { token: vol.token });
    await expect(204, 'DELETE', `${S}/coorganizers/${extra.id}/`, { token: org.token });
    await expect(404, 'DELETE', `${S}/coorganizers/${extra.id}/`, { token: org.token });
    await expect(200, 'GET', `${S}/ics/`);
    await expect(200, 'GET', `/api/events/feed/?city=Florian%C3%B3polis`);
    await expect(400, 'GET', '/api/events/feed/?category=x');
    const sub = await expect(201, 'POST', '/api/events/calendar_subscription/', { token: vol.token });
    await expect(200, 'GET', sub.body.path);
    await expect(204, 'DELETE', '/api/events/calendar_subscription/', { token: vol.token });
    await expect(404, 'GET', sub.body.path);
    await expect(404, 'DELETE', '/api/events/calendar_subscription/', { token: vol.token });

    const form = new FormData();
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    form.append('photo', new Blob([png]), 'antes.png');
    form.append('caption', 'Antes');
    form.append('is_before', 'true');
    const up = await api.upload(`${E}/photos/`, org.token, form);
    assert.deepEqual(v.check('POST', `${E}/photos/`, up.status, up.body), []);
    assert.equal(up.status, 201, up.text);
    await expect(200, 'GET', `${E}/photos/`);
    const mediaPath = new URL((up.body as { photo: string }).photo).pathname;
    const media = await fetch(`${api.url}${mediaPath}`);
    assert.equal(media.status, 200);
    assert.deepEqual(v.check('GET', mediaPath, media.status, null, media.headers.get('content-type')), []);
    await media.arrayBuffer();

    const c = await expect(201, 'POST', `${E}/comments/`, {
      token: vol.token,
      body: { content: 'Vou levar luvas.' },
    });
    await expect(201, 'POST', `${E}/comments/`, {
      token: org.token,
      body: { content: 'Ótimo!', parent: c.body.id },
    });
    await expect(200, 'GET', `${E}/comments/`);
    const res = await expect(201, 'POST', `${E}/resources/`, {
      token: org.token,
      body: { name: 'Sacos de lixo', quantity_needed: 50 },
    });
    const R = `${E}/resources/${res.body.id}`;
    await expect(200, 'GET', `${E}/resources/`);
    await expect(200, 'GET', `${R}/`);
    await expect(200, 'PUT', `${R}/`, { token: org.token, body: { name: 'Sacos', quantity_needed: 60 } });
    await expect(200, 'PATCH', `${R}/`, { token: org.token, body: { quantity_provided: 60 } });
    await expect(204, 'DELETE', `${R}/`, { token: org.token });

    await expect(404, 'GET', `${E}/report/`);
    await expect(201, 'POST', `${E}/report/`, {
      token: org.token,
      body: { trees_planted: 3, total_hours: 12.5 },
    });
    await expect(409, 'POST', `${E}/report/`, { token: org.token, body: {} });
    await expect(200, 'GET', `${E}/report/`);
    await expect(200, 'PUT', `${E}/report/`, {
      token: org.token,
      body: { summary: 'Muito lixo recolhido.' },
    });
    await expect(200, 'PATCH', `${E}/report/`, { token: org.token, body: { trash_collected_kg: '80.5' } });

    const doomed = await expect(201, 'POST', '/api/events/', { token: org.token, body: eventBody() });
    await expect(204, 'DELETE', `/api/events/${doomed.body.id}/`, { token: org.token });
  });

  test('when monthly impact reports are read then the answers match the document', async () => {
    const start = new Date(`${month}-01T03:00:00Z`);
    const end = new Date(start);
    end.setUTCMonth(end.getUTCMonth() + 1);
    await api.sql(
      `INSERT INTO monthly_impact_reports (month, period_start, period_end, events_count, trees_planted,
         trash_collected_kg, recyclable_material_kg, co2_offset_kg, waste_diverted_kg, area_cleaned_m2,
         total_participants, total_hours)
       VALUES ($1, $2, $3, 1, 2, 3, 4, 44, 7, 8, 9, 10) ON CONFLICT DO NOTHING RETURNING id`,
      [month, start.toISOString(), end.toISOString()],
    );
    await expect(200, 'GET', '/api/reports/monthly/');
    const one = await expect(200, 'GET', `/api/reports/monthly/${month}/`);
    assert.match(one.body.period_start, /-03:00$/);
    await expect(400, 'GET', '/api/reports/monthly/2026-13/');
  });

  test('when all the above ran then every documented operation was seen answering in conformance', () => {
    const all = v.operations.map((o) => `${o.method} ${o.path}`);
    const missing = all.filter((o) => !v.covered.has(o));
    assert.deepEqual(missing, [], `documented operations never exercised: ${missing.join(', ')}`);
  });
});

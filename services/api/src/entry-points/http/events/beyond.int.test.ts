// Issue #16 against the real mesh: waitlist with promotion (also under 50 concurrent leaves/joins spread over
// three API instances), co-organisers and the participant CSV export.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEventsApi, type EventsApi, type TestUser } from './test-support/events-api.js';

let apis: EventsApi[] = [];
let api: EventsApi;
let categoryId: number;

function eventBody(over: Record<string, unknown> = {}) {
  const start = new Date(Date.now() + 10 * 86_400_000);
  return {
    title: 'Mutirão da Lista de Espera',
    description: 'Limpeza do mangue.',
    category: categoryId,
    address: 'Rua do Porto, 1',
    city: 'Santos',
    state: 'SP',
    start_date: start.toISOString(),
    end_date: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
    max_participants: 2,
    min_age: 0,
    status: 'published',
    ...over,
  };
}

async function newEvent(org: TestUser, over: Record<string, unknown> = {}): Promise<number> {
  const r = await api.call('POST', '/api/events/', { token: org.token, body: eventBody(over) });
  assert.equal(r.status, 201, r.text);
  return r.body.id as number;
}

async function join(u: TestUser, id: number, via = api) {
  const r = await via.call('POST', `/api/events/${id}/join/`, { token: u.token });
  assert.equal(r.status, 201, r.text);
  return r.body as { id: number; status: string; waitlist_position: number | null };
}

/** user id → how many 'promoted' e-mail jobs the outbox holds for `eventId`. */
async function promotedJobs(eventId: number): Promise<Map<number, number>> {
  const rows = await api.sql<{ user_id: number; n: number }>(
    `SELECT (data->>'user_id')::int AS user_id, count(*)::int AS n FROM outbox
      WHERE job_name = 'send_event_notification_email' AND data->>'kind' = 'promoted'
        AND (data->>'event_id')::int = $1 GROUP BY 1`,
    [eventId],
  );
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

async function statuses(eventId: number) {
  return api.sql<{ user_id: number; status: string; waitlist_seq: number | null }>(
    'SELECT user_id, status, waitlist_seq FROM event_participants WHERE event_id = $1 ORDER BY waitlist_seq, id',
    [eventId],
  );
}

before(async () => {
  apis = [await startEventsApi(), await startEventsApi(), await startEventsApi()];
  api = apis[0]!;
  categoryId = (await api.call('GET', '/api/events/categories/')).body[0].id;
});
after(async () => {
  for (const a of apis) await a.close();
});

describe('waitlist', () => {
  test('when a full event is joined then the volunteer is waitlisted with a position and a leave promotes the first in line, e-mailed once', async () => {
    const org = await api.user({ name: 'wlorg' });
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => api.user({ name: 'wlvol' })));
    const id = await newEvent(org);
    assert.equal((await join(a!, id)).status, 'confirmed');
    assert.equal((await join(b!, id)).status, 'confirmed');
    const wc = await join(c!, id);
    assert.deepEqual([wc.status, wc.waitlist_position], ['waitlisted', 1]);
    const wd = await join(d!, id);
    assert.deepEqual([wd.status, wd.waitlist_position], ['waitlisted', 2]);
    const again = await api.call('POST', `/api/events/${id}/join/`, { token: d!.token });
    assert.equal(again.status, 400);
    assert.match(again.body.detail, /lista de espera/);

    const list = await api.call('GET', `/api/events/${id}/waitlist/`, { token: org.token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((p: { user: { id: number }; waitlist_position: number }) => [
        p.user.id,
        p.waitlist_position,
      ]),
      [
        [c!.id, 1],
        [d!.id, 2],
      ],
    );
    assert.equal((await api.call('GET', `/api/events/${id}/waitlist/`, { token: a!.token })).status, 403);
    const detail = await api.call('GET', `/api/events/${id}/`, { token: d!.token });
    assert.equal(detail.body.user_participation_status, 'waitlisted');

    assert.equal((await api.call('POST', `/api/events/${id}/leave/`, { token: a!.token })).status, 200);
    const mine = await api.call('GET', `/api/events/${id}/participants/${wd.id}/`, { token: d!.token });
    assert.deepEqual([mine.body.status, mine.body.waitlist_position], ['waitlisted', 1]);
    const rows = await statuses(id);
    assert.equal(rows.find((r) => r.user_id === c!.id)?.status, 'confirmed');
    assert.deepEqual([...(await promotedJobs(id))], [[c!.id, 1]]);

    // The organiser raises max_participants: the next in line is promoted.
    const raised = await api.call('PATCH', `/api/events/${id}/`, {
      token: org.token,
      body: { max_participants: 3 },
    });
    assert.equal(raised.status, 200, raised.text);
    assert.equal(raised.body.participants_count, 3);
    assert.deepEqual(
      [...(await promotedJobs(id))].sort((x, y) => x[0] - y[0]),
      [
        [c!.id, 1],
        [d!.id, 1],
      ],
    );
  });

  test('when the organiser removes a participant after the registration deadline then nobody is promoted', async () => {
    const org = await api.user({ name: 'wlorg' });
    const [a, b] = await Promise.all([1, 2].map(() => api.user({ name: 'wlvol' })));
    const id = await newEvent(org, { max_participants: 1 });
    const pa = await join(a!, id);
    assert.equal((await join(b!, id)).status, 'waitlisted');
    await api.sql(
      "UPDATE events SET registration_deadline = now() - interval '1 minute' WHERE id = $1 RETURNING id",
      [id],
    );
    const del = await api.call('DELETE', `/api/events/${id}/participants/${pa.id}/`, { token: org.token });
    assert.equal(del.status, 204);
    assert.equal((await statuses(id)).find((r) => r.user_id === b!.id)?.status, 'waitlisted');
    assert.equal((await promotedJobs(id)).size, 0);
  });

  test('when 50 leaves and joins run at once over 3 API instances then the list stays ordered and nobody is promoted twice', async () => {
    const org = await api.user({ name: 'wlorg' });
    const users = await Promise.all(Array.from({ length: 65 }, () => api.user({ name: 'wlc' })));
    const confirmed = users.slice(0, 10);
    const waitlisted = users.slice(10, 30);
    const newcomers = users.slice(30);
    const id = await newEvent(org, { max_participants: 10 });
    for (const u of confirmed) assert.equal((await join(u, id)).status, 'confirmed');
    for (const [i, u] of waitlisted.entries()) {
      assert.equal((await join(u, id)).waitlist_position, i + 1);
    }
    // 10 confirmed leave (10 places free) and the waitlist's tail (16..20) leaves, while 35 newcomers join.
    const leavers = [...confirmed, ...waitlisted.slice(15)];
    const ops = [
      ...leavers.map((u) => ({ u, path: 'leave', want: 200 })),
      ...newcomers.map((u) => ({ u, path: 'join', want: 201 })),
    ];
    assert.equal(ops.length, 50);
    const results = await Promise.all(
      ops.map((op, i) => apis[i % 3]!.call('POST', `/api/events/${id}/${op.path}/`, { token: op.u.token })),
    );
    results.forEach((r, i) => assert.equal(r.status, ops[i]!.want, r.text));
    for (const r of results.slice(leavers.length)) assert.equal(r.body.status, 'waitlisted');

    const rows = await statuses(id);
    const statusOf = new Map(rows.map((r) => [r.user_id, r.status]));
    // Exactly the first ten of the waitlist were promoted, each once; the confirmed count is the capacity.
    const expectPromoted = waitlisted.slice(0, 10).map((u) => u.id);
    assert.deepEqual(
      rows
        .filter((r) => r.status === 'confirmed')
        .map((r) => r.user_id)
        .sort((x, y) => x - y),
      [...expectPromoted].sort((x, y) => x - y),
    );
    const jobs = await promotedJobs(id);
    assert.deepEqual(
      [...jobs.keys()].sort((x, y) => x - y),
      [...expectPromoted].sort((x, y) => x - y),
    );
    assert.ok(
      [...jobs.values()].every((n) => n === 1),
      `promoted twice: ${JSON.stringify([...jobs])}`,
    );
    const [ev] = await api.sql<{ participants_count: number }>(
      'SELECT participants_count FROM events WHERE id = $1',
      [id],
    );
    assert.equal(ev!.participants_count, 10);
    for (const u of leavers) assert.equal(statusOf.get(u.id), 'cancelled');

    // The waitlist: the original 11..15 still first, in their order, then the 35 newcomers; positions 1..40.
    const list = await api.call('GET', `/api/events/${id}/waitlist/`, { token: org.token });
    const ids: number[] = list.body.map((p: { user: { id: number } }) => p.user.id);
    assert.deepEqual(
      ids.slice(0, 5),
      waitlisted.slice(10, 15).map((u) => u.id),
    );
    assert.deepEqual(new Set(ids.slice(5)), new Set(newcomers.map((u) => u.id)));
    assert.deepEqual(
      list.body.map((p: { waitlist_position: number }) => p.waitlist_position),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  });
});

describe('co-organisers', () => {
  test('when the owner adds a co-organiser then they manage participants and the report but cannot delete the event or change co-organisers', async () => {
    const owner = await api.user({ name: 'coown' });
    const co = await api.user({ name: 'coco' });
    const vol = await api.user({ name: 'covol' });
    const id = await newEvent(owner, { max_participants: 5 });
    const E = `/api/events/${id}`;
    const p = await join(vol, id);

    assert.equal((await api.call('GET', `${E}/participants/${p.id}/`, { token: co.token })).status, 403);
    const bad = await api.call('POST', `${E}/coorganizers/`, { token: owner.token, body: { user: 'x' } });
    assert.equal(bad.status, 400);
    assert.ok(Array.isArray(bad.body.user), bad.text);
    assert.equal(
      (await api.call('POST', `${E}/coorganizers/`, { token: co.token, body: { user: co.id } })).status,
      403,
    );
    const added = await api.call('POST', `${E}/coorganizers/`, { token: owner.token, body: { user: co.id } });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.user.id, co.id);
    const dup = await api.call('POST', `${E}/coorganizers/`, { token: owner.token, body: { user: co.id } });
    assert.equal(dup.status, 400);
    assert.ok(dup.body.user);

    const list = await api.call('GET', `${E}/coorganizers/`, { token: co.token });
    assert.deepEqual(
      list.body.map((r: { user: { id: number } }) => r.user.id),
      [co.id],
    );
    const seen = await api.call('GET', `${E}/participants/`, { token: co.token });
    assert.equal(seen.body[0].emergency_contact, '');
    const patched = await api.call('PATCH', `${E}/participants/${p.id}/`, {
      token: co.token,
      body: { status: 'rejected' },
    });
    assert.equal(patched.status, 200, patched.text);
    const rep = await api.call('POST', `${E}/report/`, { token: co.token, body: { trees_planted: 2 } });
    assert.equal(rep.status, 201, rep.text);

    assert.equal((await api.call('DELETE', `${E}/`, { token: co.token })).status, 403);
    assert.equal((await api.call('DELETE', `${E}/coorganizers/${co.id}/`, { token: co.token })).status, 403);
    assert.equal(
      (await api.call('DELETE', `${E}/coorganizers/${co.id}/`, { token: owner.token })).status,
      204,
    );
    assert.equal(
      (await api.call('DELETE', `${E}/coorganizers/${co.id}/`, { token: owner.token })).status,
      404,
    );
    assert.equal((await api.call('GET', `${E}/participants/${p.id}/`, { token: co.token })).status, 403);
  });
});

describe('participant export', () => {
  test('when an organiser exports then the CSV has a BOM, the private fields and defused formulas; others get 403', async () => {
    const owner = await api.user({ name: 'exown' });
    const vol = await api.user({ name: 'exvol' });
    const id = await newEvent(owner);
    const j = await api.call('POST', `/api/events/${id}/join/`, {
      token: vol.token,
      body: { emergency_contact: '=HYPERLINK("http://x","y")', emergency_phone: '+5511999990000' },
    });
    assert.equal(j.status, 201, j.text);
    const res = await fetch(`${api.url}/api/events/${id}/participants/export/`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      /attachment; filename="participantes-evento-\d+\.csv"/,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const [header, row] = text.split('\r\n');
    assert.match(header!, /^id,usuario,nome,sobrenome,status/);
    assert.match(row!, new RegExp(`,${vol.username},`));
    assert.match(row!, /"'=HYPERLINK\(""http:\/\/x"",""y""\)"/);
    assert.match(row!, /,'\+5511999990000,/);
    const forbidden = await api.call('GET', `/api/events/${id}/participants/export/`, { token: vol.token });
    assert.equal(forbidden.status, 403);
    assert.equal((await api.call('GET', `/api/events/${id}/participants/export/`)).status, 401);
  });
});

describe('calendar feeds', () => {
  async function ics(path: string) {
    const res = await fetch(`${api.url}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  test('when an event is read as .ics then it is RFC 5545 with a stable UID, and a change bumps SEQUENCE', async () => {
    const org = await api.user({ name: 'icorg' });
    const id = await newEvent(org, { title: 'Mutirão, do Calendário' });
    const first = await ics(`/api/events/${id}/ics/`);
    assert.equal(first.status, 200);
    assert.match(first.type, /^text\/calendar; charset=utf-8/);
    assert.match(first.text, new RegExp(`\r\nUID:event-${id}@mutiroes\r\n`));
    assert.match(first.text, /\r\nSEQUENCE:0\r\n/);
    assert.match(first.text, /SUMMARY:Mutirão\\, do Calendário/);
    assert.match(first.text, /DTSTART;TZID=America\/Sao_Paulo:\d{8}T\d{6}\r\n/);
    const ch = await api.call('PATCH', `/api/events/${id}/`, {
      token: org.token,
      body: { status: 'cancelled' },
    });
    assert.equal(ch.status, 200, ch.text);
    await api.replicaCaughtUp();
    const second = await ics(`/api/events/${id}/ics/`);
    assert.match(second.text, /\r\nSEQUENCE:1\r\n/);
    assert.match(second.text, /\r\nSTATUS:CANCELLED\r\n/);
    assert.match(second.text, new RegExp(`UID:event-${id}@mutiroes`));
    const draft = await newEvent(org, { status: 'draft' });
    assert.equal((await ics(`/api/events/${draft}/ics/`)).status, 404);
  });

  test("when the public feed is filtered by city then only that city's public events are in it; bad input is a 400 with fields", async () => {
    const org = await api.user({ name: 'icorg' });
    const city = `Cidade${Date.now().toString(36)}`;
    const here = await newEvent(org, { city });
    const hidden = await newEvent(org, { city, is_public: false });
    const elsewhere = await newEvent(org);
    await api.replicaCaughtUp();
    const feed = await ics(
      `/api/events/feed/?city=${encodeURIComponent(city.toLowerCase())}&category=${categoryId}`,
    );
    assert.equal(feed.status, 200);
    assert.match(feed.text, new RegExp(`UID:event-${here}@mutiroes`));
    assert.doesNotMatch(feed.text, new RegExp(`UID:event-(${hidden}|${elsewhere})@`));
    const bad = await api.call('GET', '/api/events/feed/?category=abc');
    assert.equal(bad.status, 400);
    assert.ok(bad.body.category, bad.text);
  });

  test('when a user subscribes then the private URL lists the events they joined, a new URL revokes the old and DELETE revokes it', async () => {
    const org = await api.user({ name: 'icorg' });
    const vol = await api.user({ name: 'icvol' });
    const joined = await newEvent(org);
    const other = await newEvent(org);
    await join(vol, joined);
    const sub = await api.call('POST', '/api/events/calendar_subscription/', { token: vol.token });
    assert.equal(sub.status, 201, sub.text);
    assert.match(sub.body.path, /^\/api\/events\/calendar\/[A-Za-z0-9_-]{43}\/$/);
    const feed = await ics(sub.body.path);
    assert.equal(feed.status, 200);
    assert.match(feed.text, new RegExp(`UID:event-${joined}@mutiroes`));
    assert.doesNotMatch(feed.text, new RegExp(`UID:event-${other}@`));
    const [stored] = await api.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM calendar_feed_tokens WHERE user_id = $1 AND position($2::bytea in token_sha256) = 0',
      [vol.id, Buffer.from(sub.body.token)],
    );
    assert.equal(stored!.n, 1);

    const again = await api.call('POST', '/api/events/calendar_subscription/', { token: vol.token });
    assert.equal((await ics(sub.body.path)).status, 404);
    assert.equal((await ics(again.body.path)).status, 200);
    assert.equal(
      (await api.call('DELETE', '/api/events/calendar_subscription/', { token: vol.token })).status,
      204,
    );
    assert.equal((await ics(again.body.path)).status, 404);
    assert.equal(
      (await api.call('DELETE', '/api/events/calendar_subscription/', { token: vol.token })).status,
      404,
    );
    assert.equal((await ics(`/api/events/calendar/${'A'.repeat(43)}/`)).status, 404);
    assert.equal((await ics('/api/events/calendar/curto/')).status, 404);
  });
});

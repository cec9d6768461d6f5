// The whole mail path: API (in-process) → outbox → relay → bee-queue → worker → SMTP sink, and the beat's
// reminder sweep → send_bulk_event_reminders → one reminder per confirmed participant.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@mutiroes/platform';
import { startWebServer, type RunningApi } from '@mutiroes/api';
import {
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
let api: RunningApi;
const children: Child[] = [];

before(async () => {
  f = await openFixture();
  api = await startWebServer({
    env: {
      ...f.env,
      PORT: '0',
      INSTANCE_ID: `api-mail-${run}`,
      LOG_LEVEL: 'warn',
      PASSWORD_SCRYPT_N: '1024',
    },
    register: false,
  });
  children.push(spawnService('worker', `worker-m-${run}`, f.env));
  await waitStarted(children[0]!, /worker started/);
});

after(async () => {
  await Promise.all(children.map((c) => stopChild(c)));
  await api?.stop();
  await f?.close();
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${api.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

async function signUp(name: string, first: string): Promise<{ email: string; token: string }> {
  const email = `${name}@example.com`;
  const password = 'Restinga#Verde2026';
  const r = await call('POST', '/api/users/register/', {
    username: name,
    email,
    first_name: first,
    last_name: 'Silva',
    password,
    password_confirm: password,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const t = await call('POST', '/api/token/', { email, password });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  return { email, token: t.body['access'] as string };
}

const mailsTo = async (email: string) => (await sinkMessages(f.env)).filter((m) => m.to.includes(email));

describe('mail flow through the API and the beat', () => {
  test('when a volunteer signs up, joins an event and the reminder sweep runs then welcome, confirmation and reminder e-mails arrive', async () => {
    const org = await signUp(`org_${run}`, 'Otávio');
    const vol = await signUp(`vol_${run}`, 'Vera');
    const welcome = await waitFor(
      async () => (await mailsTo(vol.email)).find((m) => m.subject === 'Bem-vindo(a) ao Mutirões, Vera!'),
      { timeoutMs: 20_000, description: 'welcome e-mail' },
    );
    assert.match(welcome.text, new RegExp(`usuário: vol_${run}`));

    const cats = await call('GET', '/api/events/categories/');
    const category = (cats.body as unknown as Array<{ id: number }>)[0]!.id;
    const start = new Date(Date.now() + 20 * 3_600_000);
    const created = await call(
      'POST',
      '/api/events/',
      {
        title: `Limpeza do Mangue ${run}`,
        description: 'Retirada de resíduos do manguezal.',
        category,
        address: 'Rua do Porto, 10',
        city: 'Vitória',
        state: 'ES',
        start_date: start.toISOString(),
        end_date: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        max_participants: 30,
        min_age: 0,
        status: 'published',
        what_to_bring: 'Botas e luvas',
      },
      org.token,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const eventId = created.body['id'] as number;
    const joined = await call('POST', `/api/events/${eventId}/join/`, {}, vol.token);
    assert.equal(joined.status, 201, JSON.stringify(joined.body));

    const confirmation = await waitFor(
      async () =>
        (await mailsTo(vol.email)).find(
          (m) => m.subject === `Inscrição confirmada: Limpeza do Mangue ${run}`,
        ),
      { timeoutMs: 20_000, description: 'confirmation e-mail' },
    );
    assert.match(confirmation.text, /Olá, Vera!/);
    assert.match(confirmation.text, /Onde: Rua do Porto, 10 — Vitória\/ES/);
    assert.match(confirmation.text, /O que levar: Botas e luvas/);
    assert.ok(confirmation.headers['x-request-id'], 'the request id of the join travels with the job');

    // The reminder sweep (hourly in production) every second here, on its own leader key.
    const beat = spawnService('beat', `beat-m-${run}`, f.env, {
      BEAT_LEADER_KEY: `mutiroes/beat/mail-${run}`,
      BEAT_REMINDER_SCHEDULE: '* * * * * *',
      LOG_LEVEL: 'info',
    });
    children.push(beat);
    const reminder = await waitFor(
      async () =>
        (await mailsTo(vol.email)).find(
          (m) => m.subject === `Lembrete: Limpeza do Mangue ${run} começa em breve`,
        ),
      { timeoutMs: 30_000, description: 'reminder e-mail' },
    );
    assert.match(reminder.text, /Este é um lembrete do mutirão "Limpeza do Mangue/);
    // Several sweeps ran; the event was reminded once.
    await waitFor(
      async () =>
        beat.output.filter((l) => l.includes('"tick fired"') && l.includes('event_reminders')).length >= 3,
      { timeoutMs: 15_000, description: 'three sweeps' },
    );
    await stopChild(beat);
    assert.equal((await mailsTo(vol.email)).filter((m) => m.subject.startsWith('Lembrete')).length, 1);
    assert.equal(
      (await f.sql(`SELECT 1 FROM beat_ticks WHERE key LIKE $1`, [`reminder:${eventId}:%`])).length,
      1,
    );
    assert.equal((await mailsTo(org.email)).filter((m) => m.subject.startsWith('Lembrete')).length, 0);
  });
});

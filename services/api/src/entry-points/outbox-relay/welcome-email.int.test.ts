// End to end across services: a registration's welcome e-mail goes API → outbox → bee-queue → a real
// worker instance → the mesh's SMTP sink. Starts a worker when none runs and stops it afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@mutiroes/platform';
import {
  connectTestMesh,
  ensureWorker,
  registrationBody,
  startApi,
  type ApiHarness,
  type MeshControl,
} from '../http/test-support/api-harness.js';

let h: ApiHarness;
let mesh: MeshControl;
let startedWorker: string | null = null;

before(async () => {
  mesh = await connectTestMesh();
  h = await startApi();
  startedWorker = await ensureWorker(mesh);
});
after(async () => {
  if (startedWorker) await mesh.stop(startedWorker);
  await h?.close();
});

describe('welcome e-mail', () => {
  test('when a user registers then exactly one welcome e-mail reaches the SMTP sink', async () => {
    const sink = process.env['SMTP_SINK_URL']!;
    const username = h.unique('welcome');
    const email = `${username}@example.test`;
    const r = await h.call('POST', '/api/users/register/', {
      body: registrationBody(username),
    });
    assert.equal(r.status, 201, r.text);
    type Mail = { to: string[]; subject: string };
    const mine = async () =>
      ((await (await fetch(`${sink}/messages`)).json()) as Mail[]).filter((m) =>
        m.to.some((t) => t.includes(email)),
      );
    const mails = await waitFor(
      async () => {
        const m = await mine();
        return m.length ? m : null;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'the welcome e-mail in the SMTP sink' },
    );
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /Bem-vindo/);
  });
});

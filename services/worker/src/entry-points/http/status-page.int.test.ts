// The /queues status page in a real headless Chromium, through the gateway when one runs in the mesh.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import {
  REPO_ROOT,
  closeProducers,
  createUser,
  enqueue,
  openFixture,
  sinkMessages,
  spawnService,
  stopChild,
  waitStarted,
  type Child,
  type Fixture,
} from '../../test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
let f: Fixture;
let browser: Browser;
const workers: Child[] = [];
let base = '';
let startedGateway: string | undefined;
let adminUser: { id: number; username: string };
let plainUser: { id: number; username: string };

before(async () => {
  f = await openFixture();
  for (const n of [1, 2]) workers.push(spawnService('worker', `worker-p${n}-${run}`, f.env));
  await Promise.all(workers.map((w) => waitStarted(w, /worker started/)));
  // Through the gateway (route /queues from the workers' Consul meta): the mesh's, or one started for this test.
  const gateways = (await f.mesh.status()).filter((c) => c.kind === 'gateway');
  let gateway = gateways.find((c) => c.running)?.name;
  if (!gateway) {
    if (gateways[0]) await f.mesh.start(gateways[0].name);
    gateway = gateways[0]?.name ?? (await f.mesh.startInstance('gateway'));
    startedGateway = gateway;
  }
  const port = (
    await waitFor(
      async () => (await f.mesh.status()).find((c) => c.name === gateway && c.running && c.port),
      { timeoutMs: 20_000, description: 'the gateway' },
    )
  ).port;
  base = `http://127.0.0.1:${port}`;
  // The page's API answers only an active admin (checked in the users table, not just the token's claim).
  adminUser = await createUser(f, `ui_admin_${run}`, { is_staff: true });
  plainUser = await createUser(f, `ui_plain_${run}`);
  await waitFor(
    async () =>
      (await fetch(`${base}/queues/api/overview`, { headers: { authorization: `Bearer ${token('admin')}` } }))
        .ok,
    {
      timeoutMs: 30_000,
      description: 'gateway to route /queues',
    },
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await Promise.all(workers.map((w) => stopChild(w)));
  if (startedGateway) await f.mesh.stop(startedGateway);
  await closeProducers();
  await f?.close();
});

const token = (role: 'admin' | 'user') => {
  const u = role === 'admin' ? adminUser : plainUser;
  return jwt.sign({ token_type: 'access', user_id: u.id, username: u.username, role }, f.env['JWT_SECRET']!, {
    expiresIn: 600,
  });
};

describe('queue status page', () => {
  test('when opened in a browser then it shows both workers, live counts, and only an admin can retry a failed job', async () => {
    console.log(`status page under test: ${base}/queues`);
    // A welcome e-mail for a user that does not exist yet fails for good; once the user exists, a retry succeeds.
    const userId = 700_000_000 + (parseInt(run, 16) % 1_000_000);
    const jobId = `outbox:ui-${run}`;
    await enqueue(f, 'send_welcome_email', jobId, { user_id: userId, request_id: `req-ui-${run}` });
    await waitFor(async () => (await f.redis.sismember('bq:send_welcome_email:failed', jobId)) === 1, {
      timeoutMs: 30_000,
      description: 'job to fail',
    });

    const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
    await page.goto(`${base}/queues`);
    // Anonymous: the page shows no data and its API refuses.
    await waitFor(async () => (await page.locator('#who').textContent())?.includes('anônimo'), {
      timeoutMs: 15_000,
      description: 'anonymous viewer',
    });
    await page.locator('#workers tbody', { hasText: 'somente administradores' }).waitFor({ timeout: 10_000 });
    const anonymous = await page.evaluate(
      async (url) => (await fetch(url, { method: 'POST' })).status,
      `${base}/queues/api/queues/send_welcome_email/jobs/${encodeURIComponent(jobId)}/retry`,
    );
    assert.equal(anonymous, 401);

    // Non-admin: still no data, and the API refuses the retry.
    await page.fill('#token', token('user'));
    await page.dispatchEvent('#token', 'change');
    await waitFor(
      async () => (await page.locator('#who').textContent())?.includes('somente administradores'),
      { timeoutMs: 15_000, description: 'non-admin viewer' },
    );
    assert.equal(await page.locator('.worker-row').count(), 0);
    const denied = await page.evaluate(
      async ([url, t]) =>
        (await fetch(url!, { method: 'POST', headers: { Authorization: `Bearer ${t}` } })).status,
      [`${base}/queues/api/queues/send_welcome_email/jobs/${encodeURIComponent(jobId)}/retry`, token('user')],
    );
    assert.equal(denied, 403);
    assert.equal(await f.redis.sismember('bq:send_welcome_email:failed', jobId), 1);

    // Admin: both workers, live counts, then a retry from the page.
    await page.fill('#token', token('admin'));
    await page.dispatchEvent('#token', 'change');
    await waitFor(async () => (await page.locator('#who').textContent())?.startsWith('admin'), {
      timeoutMs: 15_000,
      description: 'admin viewer',
    });
    for (const w of workers)
      await page.locator(`.worker-row[data-instance="${w.name}"]`).waitFor({ timeout: 30_000 });

    // Live counts: more jobs succeed and the succeeded cell changes without a reload.
    const cell = page.locator('td[data-queue="beat_probe"][data-state="succeeded"]');
    await cell.waitFor();
    const before = Number(await cell.textContent());
    for (let i = 0; i < 5; i++)
      await enqueue(f, 'beat_probe', `ui-${run}-${i}`, { tick_key: `ui-${run}-${i}` });
    await waitFor(async () => Number(await cell.textContent()) >= before + 5, {
      timeoutMs: 30_000,
      description: 'live succeeded count',
    });

    await page.selectOption('#jq', 'send_welcome_email');
    await page.selectOption('#js', 'failed');
    const row = page.locator(`tr.job-row[data-id="${jobId}"]`);
    await row.waitFor({ timeout: 10_000 });

    // The retry succeeds once the user exists, and the e-mail goes out.
    await f.sql(
      `INSERT INTO users (id, username, email, first_name, password_hash) VALUES ($1, $2, $3, 'Rita', 'x') RETURNING id`,
      [userId, `ui_${run}`, `ui_${run}@example.com`],
    );
    await row.locator('.retry-btn').click();
    await page.locator('#action-result.ok').waitFor({ timeout: 5000 });
    await waitFor(
      async () => (await sinkMessages(f.env)).some((m) => m.to.includes(`ui_${run}@example.com`)),
      { timeoutMs: 30_000, description: 'welcome mail after retry' },
    );
    assert.equal(await f.redis.sismember('bq:send_welcome_email:failed', jobId), 0);

    // Job detail, beat and broker panels render from their JSON APIs.
    const detail = (await (
      await fetch(`${base}/queues/api/queues/send_welcome_email/jobs/${encodeURIComponent(jobId)}`, {
        headers: { authorization: `Bearer ${token('admin')}` },
      })
    ).json()) as { state: string; request_id: string; attempts: Array<{ outcome: string }> };
    assert.equal(detail.request_id, `req-ui-${run}`);
    assert.deepEqual(
      detail.attempts.map((a) => a.outcome),
      ['failed', 'succeeded'],
    );
    await page.locator('#broker-master').waitFor();
    assert.match((await page.locator('#broker-master').textContent()) ?? '', /^127\.0\.0\.1:\d+$/);
    const metrics = await (await fetch(`http://127.0.0.1:${workers[0]!.port}/metrics`)).text();
    assert.match(metrics, /mutiroes_jobs_total\{/);
    assert.match(metrics, /mutiroes_queue_jobs\{[^}]*queue="send_welcome_email"/);

    await page.waitForTimeout(300); // let the chart's next poll paint before the screenshot (not a synchronisation)
    const out = path.join(REPO_ROOT, 'test-results', 'queues.png');
    await mkdir(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`screenshot: ${out}`);
    await page.close();
  });
});

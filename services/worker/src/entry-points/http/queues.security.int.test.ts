// Attacks on the /queues operator page through the mesh's gateway: reading job data without an active admin, a
// token whose admin claim outlived the user's admin status, an XSS payload in a forged worker heartbeat and a job
// error, and e-mail addresses in job errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import {
  closeProducers,
  createUser,
  openFixture,
  spawnService,
  stopChild,
  waitStarted,
  type Child,
  type Fixture,
} from '../../test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
let f: Fixture;
let worker: Child;
let base = '';
let startedGateway: string | undefined;
let browser: Browser | undefined;

const QUEUE = 'send_welcome_email';
const JOB_ID = `forged-${run}`;
const XSS_JOB = '<img src=x onerror="window.__xss=(window.__xss||[]).concat(\'job\')">';
const XSS_PID = '<img src=x onerror="window.__xss=(window.__xss||[]).concat(\'pid\')">';
const FORGED_WORKER = `forged-worker-${run}`;

const tokenFor = (u: { id: number; username: string }, role: 'admin' | 'user') =>
  jwt.sign({ token_type: 'access', user_id: u.id, username: u.username, role }, f.env['JWT_SECRET']!, {
    expiresIn: 600,
  });

before(async () => {
  f = await openFixture();
  worker = spawnService('worker', `worker-sec-${run}`, f.env);
  await waitStarted(worker, /worker started/);
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
  await waitFor(async () => (await fetch(`${base}/queues`)).ok, {
    timeoutMs: 30_000,
    description: 'gateway to route /queues',
  });

  // What an SMTP failure leaves in a job (the recipient's address) plus markup, and a heartbeat with markup in a
  // numeric field: written straight into Redis, as anything that can write there (or a crafted error) could.
  const error = `Error: 550 5.1.1 <vitima.${run}@example.com>: Recipient address rejected ${XSS_JOB}`;
  await f.redis.hset(
    `bq:${QUEUE}:jobs`,
    JOB_ID,
    JSON.stringify({
      data: { user_id: 1, to: `vitima.${run}@example.com` },
      options: { timestamp: Date.now(), retries: 0, stacktraces: [error] },
      status: 'failed',
    }),
  );
  await f.redis.sadd(`bq:${QUEUE}:failed`, JOB_ID);
  await f.redis.zadd(`mutiroes:q:${QUEUE}:failed-order`, Date.now() + 86_400_000, JOB_ID);
  await f.redis.set(
    `mutiroes:workers:${FORGED_WORKER}`,
    JSON.stringify({
      instance: FORGED_WORKER,
      host: 'h',
      pid: XSS_PID,
      port: 1,
      queues: [QUEUE],
      concurrency: 1,
      active_jobs: [],
      started_at: new Date().toISOString(),
      beat_at: new Date().toISOString(),
      ttl_ms: 120_000,
      processed: 0,
      failed: 0,
    }),
    'PX',
    120_000,
  );
});

after(async () => {
  await browser?.close();
  await f?.redis.hdel(`bq:${QUEUE}:jobs`, JOB_ID).catch(() => undefined);
  await f?.redis.srem(`bq:${QUEUE}:failed`, JOB_ID).catch(() => undefined);
  await f?.redis.zrem(`mutiroes:q:${QUEUE}:failed-order`, JOB_ID).catch(() => undefined);
  await f?.redis.del(`mutiroes:workers:${FORGED_WORKER}`).catch(() => undefined);
  if (worker) await stopChild(worker);
  if (startedGateway) await f.mesh.stop(startedGateway);
  await closeProducers();
  await f?.close();
});

describe('queue page attacks', () => {
  test('when job data is read without an active admin then every /queues API read is refused', async () => {
    const user = await createUser(f, `sec_user_${run}`);
    const formerAdmin = await createUser(f, `sec_former_${run}`, { is_staff: true });
    await f.sql('UPDATE users SET is_active = false WHERE id = $1 RETURNING id', [formerAdmin.id]);
    const demoted = await createUser(f, `sec_demoted_${run}`, { is_staff: true });
    const demotedToken = tokenFor(demoted, 'admin');
    await f.sql('UPDATE users SET is_staff = false WHERE id = $1 RETURNING id', [demoted.id]);
    const cases: Array<[string, Record<string, string>, number]> = [
      ['anonymous', {}, 401],
      ['a user', { authorization: `Bearer ${tokenFor(user, 'user')}` }, 403],
      ['a user whose token claims admin', { authorization: `Bearer ${tokenFor(user, 'admin')}` }, 403],
      ['an admin demoted after the token was issued', { authorization: `Bearer ${demotedToken}` }, 403],
      ['an inactive admin', { authorization: `Bearer ${tokenFor(formerAdmin, 'admin')}` }, 401],
    ];
    for (const path of [
      '/overview',
      `/queues/${QUEUE}/jobs?state=failed`,
      `/queues/${QUEUE}/jobs/${JOB_ID}`,
      '/broker',
      '/beat',
      '/throughput',
    ]) {
      for (const [who, headers, status] of cases) {
        const r = await fetch(`${base}/queues/api${path}`, { headers });
        const text = await r.text();
        assert.equal(r.status, status, `${who} reading ${path}: ${r.status} ${text.slice(0, 120)}`);
        assert.doesNotMatch(text, /@example\.com|127\.0\.0\.1|"pid"/, `${who} got data from ${path}`);
      }
    }
    const inactive = await fetch(`${base}/queues/api/queues/${QUEUE}/jobs/${JOB_ID}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenFor(formerAdmin, 'admin')}` },
    });
    assert.equal(inactive.status, 401, 'an inactive admin cannot retry');
    assert.equal(await f.redis.sismember(`bq:${QUEUE}:failed`, JOB_ID), 1);
  });

  test('when an admin reads a failed job then the e-mail addresses in its error and data are redacted', async () => {
    const admin = await createUser(f, `sec_admin_${run}`, { is_staff: true });
    const headers = { authorization: `Bearer ${tokenFor(admin, 'admin')}` };
    const one = await fetch(`${base}/queues/api/queues/${QUEUE}/jobs/${JOB_ID}`, { headers });
    assert.equal(one.status, 200);
    const list = await fetch(`${base}/queues/api/queues/${QUEUE}/jobs?state=failed&page_size=100`, {
      headers,
    });
    for (const text of [await one.text(), await list.text()]) {
      assert.ok(text.includes(JOB_ID));
      assert.ok(!text.includes(`vitima.${run}@`), 'the recipient address is shown');
      assert.ok(text.includes('***@example.com'));
    }
  });

  test('when an admin opens the page with markup in a heartbeat and a job error then it is shown as text and never runs', async () => {
    browser = await launchChromium();
    const admin = await createUser(f, `sec_admin2_${run}`, { is_staff: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${base}/queues`);
    await page.fill('#token', tokenFor(admin, 'admin'));
    await page.dispatchEvent('#token', 'change');
    // The old page loaded data without a token: whatever it showed by now counts too.
    const forged = page.locator(`.worker-row[data-instance="${FORGED_WORKER}"]`);
    await forged.waitFor({ timeout: 30_000 });
    await page.selectOption('#jq', QUEUE);
    await page.selectOption('#js', 'failed');
    const row = page.locator(`tr.job-row[data-id="${JOB_ID}"]`);
    await row.waitFor({ timeout: 20_000 });
    assert.ok(
      ((await forged.textContent()) ?? '').includes('<img src=x onerror='),
      'the heartbeat markup is shown as text',
    );
    assert.ok(
      ((await row.textContent()) ?? '').includes('<img src=x onerror='),
      'the job error markup is shown as text',
    );
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'markup became elements');
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { __xss?: string[] }).__xss ?? null),
      null,
      'an injected handler ran',
    );
    assert.equal(
      await page.evaluate(() => Object.keys(localStorage).length),
      0,
      'the token was kept in localStorage',
    );
    await page.close();
  });
});

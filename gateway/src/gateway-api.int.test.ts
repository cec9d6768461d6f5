// End to end through the real gateway to the real API (services/api, started by the mesh launcher), real Postgres.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { startGatewayProc, gatewayStatus, type GatewayProc } from './testing/processes.fixture.js';

const PASSWORD = 'Mangue-Vivo-2024!';

describe('gateway in front of the real API', () => {
  let mesh: Mesh;
  let gw: GatewayProc;
  let apiName = '';
  let startedApi = false;

  before(async () => {
    mesh = await connectMesh();
    const running = (await mesh.status()).filter((c) => c.kind === 'api' && c.running);
    if (running.length === 0) {
      apiName = await mesh.startInstance('api');
      startedApi = true;
    } else apiName = running[0]!.name;
    await mesh.waitPassing('api', [apiName], 90_000);
    gw = await startGatewayProc(
      `gwtest-api-gw-${process.pid}`,
      mesh.profile.base + 52,
      mesh.env,
      { GATEWAY_TRUSTED_PROXIES: '127.0.0.1', GATEWAY_REGISTER: 'false' },
      path.join(mesh.profile.runDir, 'logs', 'gateway-int'),
    );
    await waitFor(
      async () =>
        ((await gatewayStatus(gw.adminUrl)).routes.find((r) => r.prefix === '/api')?.instances.length ?? 0) >
        0,
      { timeoutMs: 20_000, description: 'gateway routes /api' },
    );
  });

  after(async () => {
    await gw?.kill();
    if (startedApi) await mesh.remove(apiName);
  });

  test('when a user registers, logs in and lists events through the gateway then the API answers with the request id carried through', async () => {
    const username = `gw${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
    const email = `${username}@example.test`;
    const rid = `gw-e2e-${randomUUID()}`;
    const headers = {
      'content-type': 'application/json',
      'x-forwarded-for': `172.16.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
    };
    const reg = await fetch(`${gw.url}/api/users/register/`, {
      method: 'POST',
      headers: { ...headers, 'x-request-id': rid },
      body: JSON.stringify({
        username,
        email,
        first_name: 'Joana',
        last_name: 'Pereira',
        password: PASSWORD,
        password_confirm: PASSWORD,
      }),
    });
    assert.equal(reg.status, 201, await reg.clone().text());
    assert.equal(reg.headers.get('x-request-id'), rid);
    assert.equal(reg.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(((await reg.json()) as { username: string }).username, username);

    const tok = await fetch(`${gw.url}/api/token/`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    assert.equal(tok.status, 200);
    const { access } = (await tok.json()) as { access: string };
    assert.ok(access);

    const events = await fetch(`${gw.url}/api/events/`, {
      headers: { ...headers, authorization: `Bearer ${access}` },
    });
    assert.equal(events.status, 200);
    await events.arrayBuffer();

    const bad = await fetch(`${gw.url}/api/users/register/`, { method: 'POST', headers, body: '{}' });
    assert.equal(bad.status, 400, 'the API validation error passes through untouched');
    await bad.arrayBuffer();
  });
});

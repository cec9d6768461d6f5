// Attacks on the control plane through Consul: registering a fake service, writing another kind's
// entries, reading the catalog anonymously. ACLs are default-deny; every kind has its own token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectMesh, type Mesh } from './mesh.js';

let mesh: Mesh;
let consul: string;
const fakeId = `api-attack-${process.pid}`;

async function put(p: string, body: unknown, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${consul}${p}`, {
    method: 'PUT',
    headers: token ? { 'x-consul-token': token } : {},
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, text: await res.text() };
}

async function get(p: string, token?: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${consul}${p}`, {
    headers: token ? { 'x-consul-token': token } : {},
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* plain text error */
  }
  return { status: res.status, json };
}

function tokenOf(kind: string): string {
  const t = mesh.secrets.consul?.tokens[kind];
  assert.ok(t, `no Consul token for ${kind} in the run folder's secrets`);
  return t;
}

before(async () => {
  mesh = await connectMesh();
  consul = `http://${mesh.consulHttpAddrs[0]}`;
});
after(async () => {
  for (const id of [fakeId, `${fakeId}-sentinel`, `${fakeId}-pgha`]) {
    await put(`/v1/agent/service/deregister/${id}`, undefined, mesh.secrets.consul?.managementToken).catch(
      () => undefined,
    );
  }
});

describe('Consul ACLs (default deny)', () => {
  test('when a fake api registers with route=/api/token without a token then Consul answers 403 and no such instance exists', async () => {
    const res = await put('/v1/agent/service/register', {
      ID: fakeId,
      Name: 'api',
      Address: '127.0.0.1',
      Port: 1,
      Meta: { route: '/api/token' },
    });
    assert.equal(res.status, 403, res.text);
    const all = await get('/v1/health/service/api', mesh.secrets.consul?.managementToken);
    assert.equal(
      (all.json as { Service: { ID: string } }[]).some((e) => e.Service.ID === fakeId),
      false,
    );
  });

  test('when the api token registers a redis-sentinel or a pgha entry then Consul answers 403', async () => {
    const api = tokenOf('api');
    const sentinel = await put(
      '/v1/agent/service/register',
      { ID: `${fakeId}-sentinel`, Name: 'redis-sentinel', Address: '127.0.0.1', Port: 1 },
      api,
    );
    assert.equal(sentinel.status, 403, sentinel.text);
    const pgha = await put(
      '/v1/agent/service/register',
      { ID: `${fakeId}-pgha`, Name: 'pgha', Address: '127.0.0.1', Port: 1, Tags: ['primary'] },
      api,
    );
    assert.equal(pgha.status, 403, pgha.text);
  });

  test("when the api token writes the beat's leader key or Patroni's keys then Consul answers 403", async () => {
    const api = tokenOf('api');
    assert.equal((await put('/v1/kv/mutiroes/beat/leader', 'api', api)).status, 403);
    assert.equal((await put('/v1/kv/service/pgha/leader', 'api', api)).status, 403);
  });

  test('when an anonymous client reads the catalog, health and KV then it sees nothing', async () => {
    const services = await get('/v1/catalog/services');
    const names = Object.keys((services.json as Record<string, unknown>) ?? {});
    assert.deepEqual(
      names.filter((n) => n !== 'consul'),
      [],
      `anonymous sees ${names.join(', ')}`,
    );
    const pgha = await get('/v1/health/service/pgha');
    assert.deepEqual(pgha.json, []);
    const kv = await get('/v1/kv/service/pgha/leader');
    assert.equal(kv.status, 403);
  });

  test('when the servers gossip then their traffic is encrypted with the keyring of the run folder', async () => {
    const ring = await get('/v1/operator/keyring', mesh.secrets.consul?.managementToken);
    assert.equal(ring.status, 200, JSON.stringify(ring.json));
    const lan = (ring.json as { WAN: boolean; Keys: Record<string, number> }[]).find((r) => !r.WAN);
    assert.deepEqual(Object.keys(lan?.Keys ?? {}), [mesh.secrets.consul?.gossipKey]);
  });
});

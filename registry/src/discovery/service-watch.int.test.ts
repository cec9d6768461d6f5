// Registration and discovery against the mesh's real 3-server Consul.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { Lifecycle, waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { registerLifecycle } from '../registration/registry-lifecycle.js';
import type { Instance } from '../types.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const svc = `regtest-watch-${process.pid}`;

/** Resolves with the time the watch first emitted a set satisfying `pred`. */
function whenChange(
  w: {
    on(e: 'change', l: (i: Instance[]) => void): unknown;
    off(e: 'change', l: (i: Instance[]) => void): unknown;
  },
  pred: (i: Instance[]) => boolean,
  timeoutMs = 10_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('watch did not report the change in time')), timeoutMs);
    const l = (i: Instance[]) => {
      if (!pred(i)) return;
      clearTimeout(t);
      w.off('change', l);
      resolve(performance.now());
    };
    w.on('change', l);
  });
}

describe('registration and discovery (real Consul)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;

  before(async () => {
    mesh = await connectMesh();
    registry = new ConsulRegistry({ consulAddr: mesh.env['CONSUL_HTTP_ADDR']!, logger: testLogger('watch') });
  });
  after(async () => {
    await registry.close();
  });

  test('when an instance registers with a TTL check then the watch lists it as passing with tags and meta', async () => {
    const w = registry.watch(svc);
    await w.ready(5_000);
    const appeared = whenChange(w, (l) => l.some((i) => i.id === `${svc}-1`));
    const reg = await registry.register({
      name: svc,
      id: `${svc}-1`,
      address: '127.0.0.1',
      port: 39001,
      tags: ['v1'],
      meta: { route: '/regtest' },
      check: { ttl: '3s', deregisterCriticalServiceAfter: '1m' },
    });
    await appeared;
    const inst = w.instances().find((i) => i.id === `${svc}-1`)!;
    assert.equal(inst.port, 39001);
    assert.deepEqual(inst.tags, ['v1']);
    assert.equal(inst.meta['route'], '/regtest');
    assert.equal(registry.resolve(svc)?.id, `${svc}-1`);
    w.close();
    await reg.deregister();
  });

  test('when an instance deregisters or its check fails then watches drop it within 1 s of Consul knowing', async () => {
    const w = registry.watch(svc);
    const regs = await Promise.all(
      [2, 3].map((n) =>
        registry.register({
          name: svc,
          id: `${svc}-${n}`,
          address: '127.0.0.1',
          port: 39000 + n,
          check: { ttl: '5s' },
        }),
      ),
    );
    await waitFor(() => w.instances().length === 2, {
      timeoutMs: 10_000,
      description: 'two passing instances',
    });

    const gone2 = whenChange(w, (l) => !l.some((i) => i.id === `${svc}-2`));
    // Measured from the start of the call: an upper bound of the delay after Consul knew.
    const known2 = performance.now();
    await regs[0]!.deregister();
    const deregMs = (await gone2) - known2;

    const gone3 = whenChange(w, (l) => !l.some((i) => i.id === `${svc}-3`));
    const known3 = performance.now();
    await regs[1]!.setReady(false); // TTL check → critical
    const failMs = (await gone3) - known3;
    console.log(
      `measure: watch latency after deregister ${deregMs.toFixed(0)} ms, after failing check ${failMs.toFixed(0)} ms`,
    );
    assert.ok(deregMs < 1_000, `deregister seen after ${deregMs} ms`);
    assert.ok(failMs < 1_000, `failing check seen after ${failMs} ms`);
    assert.deepEqual(w.instances(), []);

    const back = whenChange(w, (l) => l.some((i) => i.id === `${svc}-3`));
    await regs[1]!.setReady(true);
    await back;
    w.close();
    await regs[1]!.deregister();
  });

  test('when an HTTP-checked instance turns not ready then maintenance drops it at once and readiness brings it back', async () => {
    let healthy = true;
    const server = http.createServer((_req, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const w = registry.watch(svc);
    const reg = await registry.register({
      name: svc,
      id: `${svc}-http`,
      address: '127.0.0.1',
      port,
      check: {
        http: `http://127.0.0.1:${port}/health`,
        interval: '1s',
        timeout: '1s',
        deregisterCriticalServiceAfter: '1m',
      },
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-http`), {
      timeoutMs: 10_000,
      description: 'http instance passing',
    });
    const gone = whenChange(w, (l) => !l.some((i) => i.id === `${svc}-http`));
    const known = performance.now();
    await reg.setReady(false);
    const ms = (await gone) - known;
    assert.ok(ms < 1_000, `not-ready seen after ${ms} ms`);
    assert.equal(reg.ready, false);
    await reg.setReady(true);
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-http`), {
      timeoutMs: 10_000,
      description: 'http instance back',
    });
    // A failing HTTP check also takes it out (Consul runs the check every 1 s) while another instance
    // passes; were it the last one, panic mode would keep it (bounded) as long as it stays registered.
    const peer = await registry.register({
      name: svc,
      id: `${svc}-peer`,
      address: '127.0.0.1',
      port: 39030,
      check: { ttl: '5s' },
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-peer`), {
      timeoutMs: 10_000,
      description: 'peer passing',
    });
    healthy = false;
    await waitFor(() => !w.instances().some((i) => i.id === `${svc}-http`), {
      timeoutMs: 10_000,
      description: 'failing http check drops it',
    });
    w.close();
    await reg.deregister();
    await peer.deregister();
    server.close();
  });

  test('when an agent loses the registration then anti-entropy registers it again', async () => {
    const w = registry.watch(svc);
    const reg = await registry.register({
      name: svc,
      id: `${svc}-ae`,
      address: '127.0.0.1',
      port: 39010,
      check: { ttl: '3s' },
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-ae`), {
      timeoutMs: 10_000,
      description: 'instance passing',
    });
    // Behind the registry's back (like an agent restarted without its state): deregister on the agent.
    const agent = reg.agentAddr!;
    const res = await fetch(`http://${agent}/v1/agent/service/deregister/${svc}-ae`, {
      method: 'PUT',
      headers: { 'x-consul-token': process.env['CONSUL_HTTP_TOKEN'] ?? '' },
    });
    assert.equal(res.status, 200);
    await waitFor(() => !w.instances().some((i) => i.id === `${svc}-ae`), {
      timeoutMs: 5_000,
      description: 'instance gone',
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-ae`), {
      timeoutMs: 10_000,
      description: 'instance re-registered',
    });
    w.close();
    await reg.deregister();
  });

  test('when the lifecycle shuts down then the instance leaves discovery before the grace period and the drain', async () => {
    const w = registry.watch(svc);
    const server = http.createServer((_req, res) => {
      res.statusCode = reg.ready ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const reg = await registry.register({
      name: svc,
      id: `${svc}-lc`,
      address: '127.0.0.1',
      port,
      check: { http: `http://127.0.0.1:${port}/health`, interval: '1s', timeout: '1s' },
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-lc`), {
      timeoutMs: 10_000,
      description: 'instance passing',
    });
    const lifecycle = new Lifecycle(testLogger('lifecycle'));
    registerLifecycle(lifecycle, reg, { graceMs: 600 });
    const seen: string[] = [];
    let graceStart = 0;
    lifecycle.onShutdown('test: observe after deregister', 95, () => {
      graceStart = performance.now();
      seen.push(`after-deregister:${w.instances().some((i) => i.id === `${svc}-lc`) ? 'listed' : 'gone'}`);
    });
    lifecycle.onShutdown('test: drain', 50, () => {
      seen.push(`drain:${Math.round(performance.now() - graceStart) >= 590 ? 'after-grace' : 'too-early'}`);
    });
    await lifecycle.shutdown();
    // The watch may need a moment to deliver, but the instance is out of Consul when deregister resolved.
    assert.equal(
      (await registry.lookup(svc)).some((i) => i.id === `${svc}-lc`),
      false,
    );
    await waitFor(() => !w.instances().some((i) => i.id === `${svc}-lc`), {
      timeoutMs: 1_000,
      description: 'watch dropped it',
    });
    assert.equal(seen.at(-1), 'drain:after-grace');
    assert.equal(reg.ready, false);
    w.close();
    server.close();
  });

  test('when watching the catalog then the table has every service with passing instances', async () => {
    const cat = registry.watchServices();
    const table = await cat.ready(10_000);
    assert.ok(table.has('redis-sentinel'), `sentinels listed: ${[...table.keys()].join(',')}`);
    assert.ok(!table.has('consul'));
    const changed = new Promise<Map<string, Instance[]>>((resolve) =>
      cat.on('change', (t: Map<string, Instance[]>) => {
        if (t.get(`${svc}-cat`)?.length === 1) resolve(t);
      }),
    );
    const reg = await registry.register({
      name: `${svc}-cat`,
      id: `${svc}-cat-1`,
      address: '127.0.0.1',
      port: 39020,
      meta: { route: '/x' },
      check: { ttl: '3s' },
    });
    const t = await changed;
    assert.equal(t.get(`${svc}-cat`)![0]!.meta['route'], '/x');
    await reg.deregister();
    await waitFor(() => !cat.table().has(`${svc}-cat`), {
      timeoutMs: 5_000,
      description: 'service leaves the table',
    });
    cat.close();
    assert.ok(mesh);
  });
});

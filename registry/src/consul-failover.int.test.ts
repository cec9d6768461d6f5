// Consul servers failing under the registry: one server killed, then all three stopped and started.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from './consul-registry.js';
import type { Registration } from './registration/registration.js';
import { testLogger } from './testing/test-logger.fixture.js';

const svc = `regtest-failover-${process.pid}`;

/** Calls resolve() every 25 ms and counts the calls that found nothing. */
function sampleResolve(registry: ConsulRegistry, service: string) {
  let calls = 0;
  let misses = 0;
  const timer = setInterval(() => {
    calls += 1;
    if (!registry.resolve(service)) misses += 1;
  }, 25);
  timer.unref(); // a failed assertion must not keep the test process alive
  return {
    stop: () => {
      clearInterval(timer);
      return { calls, misses };
    },
  };
}

describe('Consul servers failing (real 3-server cluster)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;
  const regs: Registration[] = [];
  let addrs: string[];

  before(async () => {
    mesh = await connectMesh();
    addrs = mesh.consulHttpAddrs;
    // consul-2 plays this process's local agent: it comes first.
    registry = new ConsulRegistry({
      consulAddr: [addrs[1]!, addrs[0]!, addrs[2]!],
      logger: testLogger('failover'),
    });
  });
  after(async () => {
    for (const r of regs) await r.deregister().catch(() => undefined);
    await registry.close();
    for (const name of ['consul-1', 'consul-2', 'consul-3']) await mesh.start(name).catch(() => undefined);
    await mesh.waitHealthy({ timeoutMs: 90_000 });
  });

  test('when the local agent (consul-2) dies then registration moves to the next agent and discovery keeps working', async () => {
    const w = registry.watch(svc);
    regs.push(
      await registry.register({
        name: svc,
        id: `${svc}-a`,
        address: '127.0.0.1',
        port: 39101,
        check: { ttl: '3s' },
      }),
    );
    assert.equal(regs[0]!.agentAddr, addrs[1]);
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-a`), {
      timeoutMs: 10_000,
      description: 'a passing',
    });
    const homeNode = w.instances()[0]!.node;

    const sampler = sampleResolve(registry, svc);
    const t0 = performance.now();
    await mesh.kill('consul-2', { restart: false });
    // Registration: re-registered on consul-1, passing there.
    await waitFor(() => regs[0]!.agentAddr === addrs[0], {
      timeoutMs: 10_000,
      description: 'registration moved to consul-1',
    });
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-a` && i.node !== homeNode), {
      timeoutMs: 20_000,
      description: 'a passing on another node',
    });
    const moved = performance.now() - t0;
    // Discovery: a new registration made now shows up in the watch.
    regs.push(
      await registry.register({
        name: svc,
        id: `${svc}-b`,
        address: '127.0.0.1',
        port: 39102,
        check: { ttl: '3s' },
      }),
    );
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-b`), {
      timeoutMs: 10_000,
      description: 'b visible during the outage',
    });
    const { calls, misses } = sampler.stop();
    console.log(
      `measure: consul-2 killed: registration passing on another node after ${(moved / 1000).toFixed(1)} s; resolve() misses ${misses}/${calls}`,
    );
    assert.equal(misses, 0);

    await mesh.start('consul-2');
    await mesh.waitHealthy({ timeoutMs: 60_000 });
    // Back home on the local agent, and listed once.
    await waitFor(() => regs[0]!.agentAddr === addrs[1], {
      timeoutMs: 15_000,
      description: 'registration back on consul-2',
    });
    await waitFor(
      () =>
        w.instances().filter((i) => i.id === `${svc}-a`).length === 1 && w.instances()[0]!.node === homeNode,
      {
        timeoutMs: 15_000,
        description: 'a listed once, on its home node',
      },
    );
    w.close();
  });

  test('when every Consul server is stopped then resolve() serves the last good set and updates resume after', async () => {
    const w = registry.watch(svc);
    await waitFor(() => w.instances().length === 2, { timeoutMs: 10_000, description: 'a and b passing' });
    const sampler = sampleResolve(registry, svc);
    await Promise.all(['consul-1', 'consul-2', 'consul-3'].map((name) => mesh.stop(name)));
    const down = performance.now();
    await waitFor(
      async () =>
        await fetch(`http://${addrs[0]}/v1/status/leader`).then(
          () => false,
          () => true,
        ),
      {
        timeoutMs: 10_000,
        description: 'consul unreachable',
      },
    );
    // The last set Consul reported (the server going down last may already have dropped an instance
    // whose node left) is served unchanged while the watches fail over and back off.
    const lastGood = registry.instances(svc).map((i) => i.id);
    assert.ok(lastGood.length > 0, 'a last good set exists');
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(
      registry.instances(svc).map((i) => i.id),
      lastGood,
    );
    for (const name of ['consul-1', 'consul-2', 'consul-3']) await mesh.start(name);
    await waitFor(
      async () =>
        (await fetch(`http://${addrs[0]}/v1/status/leader`).then(
          (r) => r.json(),
          () => '',
        )) !== '',
      {
        timeoutMs: 60_000,
        description: 'consul leader again',
      },
    );
    const up = performance.now();
    const { calls, misses } = sampler.stop();
    assert.equal(misses, 0, `resolve() found nothing ${misses}/${calls} times`);
    regs.push(
      await registry.register({
        name: svc,
        id: `${svc}-c`,
        address: '127.0.0.1',
        port: 39103,
        check: { ttl: '3s' },
      }),
    );
    await waitFor(() => w.instances().some((i) => i.id === `${svc}-c`), {
      timeoutMs: 20_000,
      description: 'c visible after consul returned',
    });
    console.log(
      `measure: all consul servers down ${((up - down) / 1000).toFixed(1)} s: resolve() misses ${misses}/${calls}; new instance seen ${((performance.now() - up) / 1000).toFixed(1)} s after a leader was back`,
    );
    w.close();
  });
});

// Leader election on the real Consul cluster: handover when the holder dies or is cut off, never two leaders.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import type { LeaderLock } from './leader-lock.js';
import { TcpProxy } from '../testing/tcp-proxy.fixture.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const key = `mutiroes/regtest/leader-${process.pid}`;

interface Contender {
  name: string;
  proxies: TcpProxy[];
  registry: ConsulRegistry;
  lock: LeaderLock;
  events: Array<{ ev: 'gained' | 'lost'; t: number }>;
}

describe('leader lock (real Consul)', () => {
  let mesh: Mesh;
  const contenders: Contender[] = [];
  let child: ChildProcess | null = null;

  before(async () => {
    mesh = await connectMesh();
  });
  after(async () => {
    child?.kill('SIGKILL');
    for (const c of contenders) {
      await c.registry.close();
      for (const p of c.proxies) await p.close();
    }
  });

  async function contender(name: string): Promise<Contender> {
    const proxies = await Promise.all(mesh.consulHttpAddrs.map((a) => TcpProxy.forAddr(a).start()));
    const registry = new ConsulRegistry({
      consulAddr: proxies.map((p) => p.addr),
      logger: testLogger(`leader-${name}`),
      requestTimeoutMs: 1_000,
    });
    const lock = registry.leaderLock(key, { holder: name, ttl: '3s', lockDelay: '1s' });
    const c: Contender = { name, proxies, registry, lock, events: [] };
    lock.on('gained', () => c.events.push({ ev: 'gained', t: performance.now() }));
    lock.on('lost', () => c.events.push({ ev: 'lost', t: performance.now() }));
    contenders.push(c);
    return c;
  }

  test('when the holder process is SIGKILLed then the other contender leads within 5 s', async () => {
    const fixture = fileURLToPath(new URL('../testing/leader-contender.fixture.ts', import.meta.url));
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], {
      env: {
        ...process.env,
        CONSUL_HTTP_ADDR: mesh.consulHttpAddrs.join(','),
        LOCK_KEY: `${key}-kill`,
        HOLDER: 'child',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childGained = new Promise<void>((resolve) =>
      createInterface({ input: child!.stdout! }).on('line', (l) => {
        if (l.includes('"gained"')) resolve();
      }),
    );
    await childGained;
    const registry = new ConsulRegistry({ consulAddr: mesh.consulHttpAddrs, logger: testLogger('leader-b') });
    const b = registry.leaderLock(`${key}-kill`, { holder: 'b', ttl: '3s', lockDelay: '1s' }).start();
    try {
      await waitFor(() => b.sessionId, { timeoutMs: 5_000, description: 'b has a session' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(b.isLeader, false, 'b must not lead while the child holds the lock');
      const t0 = performance.now();
      child.kill('SIGKILL');
      await waitFor(() => b.isLeader, { timeoutMs: 8_000, intervalMs: 10, description: 'b leads' });
      const ms = performance.now() - t0;
      console.log(`measure: leader handover after SIGKILL of the holder ${(ms / 1000).toFixed(2)} s`);
      assert.ok(ms <= 5_000, `handover took ${ms} ms`);
    } finally {
      await registry.close();
    }
  });

  test('when the holder is cut off from Consul 5 times then leadership moves each time within 5 s and never two lead', async () => {
    const x = await contender('x');
    const y = await contender('y');
    x.lock.start();
    y.lock.start();
    await waitFor(() => x.lock.isLeader || y.lock.isLeader, {
      timeoutMs: 10_000,
      description: 'a first leader',
    });
    let overlaps = 0;
    const sampler = setInterval(() => {
      if (x.lock.isLeader && y.lock.isLeader) overlaps += 1;
    }, 2);
    const handovers: number[] = [];
    try {
      for (let round = 0; round < 5; round++) {
        const leader = x.lock.isLeader ? x : y;
        const other = leader === x ? y : x;
        const t0 = performance.now();
        for (const p of leader.proxies) p.cutOff();
        await waitFor(() => other.lock.isLeader, {
          timeoutMs: 8_000,
          intervalMs: 5,
          description: `round ${round}: ${other.name} leads`,
        });
        const handover = performance.now() - t0;
        handovers.push(handover);
        const lost = leader.events.filter((e) => e.ev === 'lost').at(-1);
        const gained = other.events.filter((e) => e.ev === 'gained').at(-1);
        assert.ok(
          lost && gained && lost.t < gained.t,
          `round ${round}: the cut-off holder stepped down before the other gained`,
        );
        assert.equal(leader.lock.isLeader, false);
        for (const p of leader.proxies) p.heal();
        // The healed contender rejoins as a follower (new session) before the next round.
        await waitFor(() => leader.lock.sessionId !== null && !leader.lock.isLeader, {
          timeoutMs: 10_000,
          description: 'rejoined',
        });
        await new Promise((r) => setTimeout(r, 1_500));
        assert.equal(
          other.lock.isLeader,
          true,
          `round ${round}: the new leader keeps leading after the old one came back`,
        );
      }
    } finally {
      clearInterval(sampler);
    }
    console.log(
      `measure: leader handover after cutting the holder off, 5 rounds: ${handovers.map((h) => (h / 1000).toFixed(2)).join(', ')} s (max ${(Math.max(...handovers) / 1000).toFixed(2)} s); overlapping leaders sampled: ${overlaps}`,
    );
    assert.equal(overlaps, 0);
    assert.ok(Math.max(...handovers) <= 5_000);
    // Stopping releases the lock: the other takes over at once (no lock-delay on a release).
    const leader = x.lock.isLeader ? x : y;
    const other = leader === x ? y : x;
    const t0 = performance.now();
    await leader.lock.stop();
    await waitFor(() => other.lock.isLeader, {
      timeoutMs: 3_000,
      intervalMs: 5,
      description: 'takeover after release',
    });
    console.log(`measure: leader handover after a graceful stop ${(performance.now() - t0).toFixed(0)} ms`);
  });
});

// The watch loop against a scripted HTTP stand-in for Consul's health endpoint: index rules on the wire,
// watchdog, failover between agents with the last good set kept, and the rate limit under churn.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import NodeCache from 'node-cache';
import { waitFor } from '@mutiroes/platform';
import { ConsulAgents } from '../consul/consul-agents.js';
import { ServiceWatch } from './service-watch.js';
import { testLogger } from '../testing/test-logger.fixture.js';

type Handler = (index: number | null, res: http.ServerResponse) => void;

const entry = (id: string, status = 'passing') => ({
  Node: { Node: 'n1', Address: '127.0.0.1' },
  Service: { ID: id, Service: 'web', Port: 9000, Tags: [], Meta: {} },
  Checks: [{ Status: 'passing' }, { Status: status }],
});

function answer(res: http.ServerResponse, index: number, body: unknown): void {
  res.setHeader('X-Consul-Index', String(index));
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

const servers: http.Server[] = [];
async function fakeConsul(handler: Handler): Promise<{ addr: string; requests: Array<number | null> }> {
  const requests: Array<number | null> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const index = url.searchParams.has('index') ? Number(url.searchParams.get('index')) : null;
    requests.push(index);
    handler(index, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { addr: `127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}

const watches: ServiceWatch[] = [];
function watchOf(addrs: string[], opts: ConstructorParameters<typeof ServiceWatch>[4] = {}): ServiceWatch {
  const w = new ServiceWatch(
    new ConsulAgents(addrs, 500),
    new NodeCache({ useClones: false }),
    'web',
    testLogger('unit'),
    {
      backoffBaseMs: 20,
      backoffMaxMs: 50,
      ...opts,
    },
  );
  watches.push(w);
  return w;
}

after(() => {
  for (const w of watches) w.close();
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
});

describe('ServiceWatch loop', () => {
  test('when the index goes backwards then the next query is a fresh read without index', async () => {
    const script = [10, 5, 6];
    let k = 0;
    const fake = await fakeConsul((_i, res) => {
      if (k < script.length) answer(res, script[k++]!, [entry('web-1')]);
      // afterwards: hang like a blocking query with nothing new
    });
    const w = watchOf([fake.addr]);
    await waitFor(() => fake.requests.length >= 4, { timeoutMs: 3_000, description: 'four queries' });
    assert.deepEqual(fake.requests.slice(0, 4), [null, 10, null, 6]);
    assert.deepEqual(
      w.instances().map((i) => i.id),
      ['web-1'],
    );
  });

  test('when an instance has one non-passing check then it does not count', async () => {
    const fake = await fakeConsul((i, res) => {
      if (i === null) answer(res, 3, [entry('web-1'), entry('web-2', 'warning')]);
    });
    const w = watchOf([fake.addr]);
    const list = await w.ready(2_000);
    assert.deepEqual(
      list.map((i) => i.id),
      ['web-1'],
    );
  });

  test('when a blocking query stays silent past the watchdog then it re-subscribes', async () => {
    const fake = await fakeConsul((i, res) => {
      if (i === null) answer(res, 7, [entry('web-1')]);
      // blocking queries (index set) never answer
    });
    const w = watchOf([fake.addr], { waitMs: 5_000, watchdogMs: 200 });
    await w.ready(2_000);
    await waitFor(() => fake.requests.filter((r) => r === 7).length >= 3, {
      timeoutMs: 2_000,
      description: 're-subscriptions',
    });
    assert.equal(w.instances().length, 1, 'last good set kept');
  });

  test('when the first agent fails then the watch moves to the next and keeps the last good set meanwhile', async () => {
    let aUp = true;
    const a = await fakeConsul((i, res) => {
      if (!aUp) {
        res.statusCode = 500;
        res.end('rpc error: no path to datacenter');
        return;
      }
      if (i === null) answer(res, 3, [entry('web-1')]);
      else setTimeout(() => answer(res, i, [entry('web-1')]), 100);
    });
    const b = await fakeConsul((i, res) => {
      if (i === null || i < 4) answer(res, 4, [entry('web-1'), entry('web-2')]);
    });
    const w = watchOf([a.addr, b.addr]);
    await w.ready(2_000);
    let empties = 0;
    w.on('change', (l) => {
      if (l.length === 0) empties += 1;
    });
    aUp = false;
    await waitFor(() => w.instances().length === 2, {
      timeoutMs: 3_000,
      description: 'answer from the second agent',
    });
    assert.ok(b.requests.length >= 1);
    assert.equal(empties, 0);
  });

  test('when every agent is unreachable then the last good set is served', async () => {
    let up = true;
    const a = await fakeConsul((i, res) => {
      if (!up) {
        res.socket?.destroy();
        return;
      }
      if (i === null) answer(res, 3, [entry('web-1')]);
      else setTimeout(() => answer(res, i + 1, [entry('web-1')]), 50);
    });
    const w = watchOf([a.addr, '127.0.0.1:1']);
    await w.ready(2_000);
    up = false;
    await waitFor(() => a.requests.length >= 6, { timeoutMs: 3_000, description: 'retries' });
    assert.deepEqual(
      w.instances().map((i) => i.id),
      ['web-1'],
    );
  });

  test('when Consul churns (every answer a new index) then the loop is rate limited', async () => {
    let n = 1;
    const fake = await fakeConsul((_i, res) => answer(res, ++n, [entry(`web-${n}`)]));
    const w = watchOf([fake.addr], { maxPerSecond: 10, burst: 5 });
    let changes = 0;
    w.on('change', () => (changes += 1));
    await new Promise((r) => setTimeout(r, 1_000));
    const count = fake.requests.length;
    assert.ok(count <= 5 + 10 + 1, `${count} queries in 1 s`);
    assert.ok(count >= 8, `still making progress: ${count}`);
    assert.ok(changes >= count - 2);
  });
});

describe('ConsulRegistry watch views', () => {
  test('when the last view of a service closes then its blocking query stops, unless resolve() uses it', async () => {
    const { ConsulRegistry } = await import('../consul-registry.js');
    let open = 0;
    const fake = await fakeConsul((i, res) => {
      if (i === null) return answer(res, 3, [entry('web-1')]);
      open += 1;
      res.on('close', () => (open -= 1));
    });
    const registry = new ConsulRegistry({ consulAddr: fake.addr, logger: testLogger('unit') });
    try {
      const a = registry.watch('web');
      const b = registry.watch('web');
      await a.ready(2_000);
      await waitFor(() => open === 1, { timeoutMs: 2_000, description: 'one blocking query for both views' });
      a.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(open, 1, 'still watched by the second view');
      b.close();
      await waitFor(() => open === 0, { timeoutMs: 2_000, description: 'blocking query cancelled' });
      // resolve() pins the service: it keeps being watched without any view.
      registry.resolve('web');
      await waitFor(() => registry.resolve('web')?.id === 'web-1', {
        timeoutMs: 2_000,
        description: 'resolved',
      });
      const c = registry.watch('web');
      c.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(open, 1, 'pinned by resolve()');
    } finally {
      await registry.close();
    }
  });
});

describe('ServiceWatch panic mode', () => {
  /** A fake agent answering every query after 30 ms with a new index and the current full list. */
  async function scripted(opts: { knownLeader?: () => boolean } = {}) {
    let body: unknown[] = [entry('web-1'), entry('web-2')];
    const fake = await fakeConsul((i, res) => {
      setTimeout(
        () => {
          if (opts.knownLeader && !opts.knownLeader()) res.setHeader('X-Consul-KnownLeader', 'false');
          answer(res, (i ?? 0) + 1, body);
        },
        i === null ? 0 : 30,
      );
    });
    return { fake, set: (b: unknown[]) => (body = b) };
  }
  const emitted = (w: ServiceWatch) => {
    const sets: string[][] = [];
    w.on('change', (l: { id: string }[]) => sets.push(l.map((i) => i.id)));
    return sets;
  };

  test('when every check turns critical but the instances stay registered then the last set is served, and deregistering empties it at once', async () => {
    const s = await scripted();
    const w = watchOf([s.fake.addr]);
    await w.ready(2_000);
    const sets = emitted(w);
    s.set([entry('web-1', 'critical'), entry('web-2', 'critical')]);
    await waitFor(() => w.panicking, { timeoutMs: 2_000, description: 'panic mode' });
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      w.instances().map((i) => i.id),
      ['web-1', 'web-2'],
    );
    assert.deepEqual(sets, [], 'no empty set emitted');
    const t0 = performance.now();
    s.set([]);
    await waitFor(() => w.instances().length === 0, { timeoutMs: 2_000, description: 'emptied' });
    assert.ok(performance.now() - t0 < 1_000);
    assert.equal(w.panicking, false);
    assert.deepEqual(sets, [[]]);
  });

  test('when an instance is in maintenance mode then it is not bridged', async () => {
    const s = await scripted();
    const w = watchOf([s.fake.addr]);
    await w.ready(2_000);
    const maint = {
      ...entry('web-1'),
      Checks: [{ CheckID: '_service_maintenance:web-1', Status: 'critical', Output: 'not ready' }],
    };
    s.set([maint, entry('web-2', 'critical')]);
    await waitFor(() => w.panicking, { timeoutMs: 2_000, description: 'panic mode' });
    assert.deepEqual(
      w.instances().map((i) => i.id),
      ['web-2'],
    );
  });

  test('when the panic window passes then the set empties', async () => {
    const s = await scripted();
    const w = watchOf([s.fake.addr], { panicWindowMs: 300 });
    await w.ready(2_000);
    s.set([entry('web-1', 'critical'), entry('web-2', 'critical')]);
    await waitFor(() => w.panicking, { timeoutMs: 2_000, description: 'panic mode' });
    const t0 = performance.now();
    await waitFor(() => w.instances().length === 0, { timeoutMs: 2_000, description: 'window over' });
    assert.ok(performance.now() - t0 >= 250, 'not before the window');
    assert.equal(w.panicking, false);
  });

  test('when an answer comes without a known leader then an empty list does not empty the set', async () => {
    let leader = true;
    const s = await scripted({ knownLeader: () => leader });
    const w = watchOf([s.fake.addr]);
    await w.ready(2_000);
    leader = false;
    s.set([]); // a just-restarted server answering from an old snapshot
    const before = s.fake.requests.length;
    await waitFor(() => s.fake.requests.length >= before + 3, { timeoutMs: 2_000, description: 'answers' });
    assert.equal(w.instances().length, 2);
    leader = true;
    await waitFor(() => w.instances().length === 0, {
      timeoutMs: 2_000,
      description: 'authoritative answer',
    });
  });
});

// The whole Consul cluster stopped and started again (the `drill-consul` failover drill in small): writes
// through createPostgres keep going on the last verified primary, and watches never go empty while the
// instances stay registered (every check starts critical right after an agent restart: panic mode).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { QueryTypes } from 'sequelize';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { sleep, waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from './consul-registry.js';
import { createPostgres, type PostgresClients } from './clients/postgres-client.js';
import type { Registration } from './registration/registration.js';
import type { Instance } from './types.js';
import { testLogger } from './testing/test-logger.fixture.js';

const CONSUL = ['consul-1', 'consul-2', 'consul-3'];
const table = `regtest_outage_${process.pid}`;
const svc = `regtest-outage-${process.pid}`;

async function consulLeader(addr: string): Promise<string> {
  return fetch(`http://${addr}/v1/status/leader`, { signal: AbortSignal.timeout(1_000) }).then(
    (r) => r.json() as Promise<string>,
    () => '',
  );
}

/**
 * The drill: SIGKILL the raft leader, let the others notice (its node's serfHealth turns critical), then
 * stop the other two; waits until no server answers. Returns when the last server went down.
 */
async function stopConsul(mesh: Mesh): Promise<number> {
  const leader = await consulLeader(mesh.consulHttpAddrs[0]!);
  const raftPort = Number(leader.split(':')[1]);
  const k = [0, 1, 2].find((i) => mesh.consulHttpAddrs[i]!.endsWith(`:${raftPort - 4}`)) ?? 0;
  await mesh.kill(CONSUL[k]!, { restart: false });
  await sleep(3_000);
  for (const name of CONSUL) if (name !== CONSUL[k]) await mesh.stop(name);
  await waitFor(
    async () =>
      (
        await Promise.all(
          mesh.consulHttpAddrs.map((a) =>
            fetch(`http://${a}/v1/status/leader`, { signal: AbortSignal.timeout(500) }).then(
              () => true,
              () => false,
            ),
          ),
        )
      ).every((up) => !up),
    { timeoutMs: 15_000, description: 'every consul server down' },
  );
  return performance.now();
}

/** Consul's passing `pgha` entries tagged primary (more than one after a restart: stale role tags). */
async function listedPrimaries(mesh: Mesh): Promise<number[]> {
  let ports: number[] = [];
  // Right after a restart Consul may still answer 500 (rpc error): retry until it answers.
  await waitFor(
    async () => {
      const r = await fetch(`http://${mesh.consulHttpAddrs[0]}/v1/health/service/pgha?passing&tag=primary`);
      if (!r.ok) return false;
      ports = ((await r.json()) as Array<{ Service: { Port: number } }>).map((e) => e.Service.Port);
      return true;
    },
    { timeoutMs: 30_000, description: 'consul lists pgha' },
  );
  return ports;
}

/**
 * Patroni registers `pgha` with EnableTagOverride, so an agent syncing against a just-restarted server
 * (still on its old raft snapshot) can adopt a stale role tag and keep it until Patroni re-registers:
 * restart such a member so the mesh is healthy for the next test file.
 */
async function healStalePrimaryTags(mesh: Mesh, primaryPort: number): Promise<void> {
  const stale = (await listedPrimaries(mesh).catch(() => [])).filter((p) => p !== primaryPort);
  const status = await mesh.status();
  for (const port of stale) {
    const member = status.find((c) => c.port === port);
    console.log(
      `note: consul lists ${member?.name ?? port} as a pgha primary (stale tag); restarting that Patroni member`,
    );
    if (member) await mesh.kill(member.name, { signal: 'SIGTERM' });
  }
  if (stale.length)
    await waitFor(async () => (await listedPrimaries(mesh).catch(() => [])).length === 1, {
      timeoutMs: 60_000,
      description: 'one pgha primary listed',
    });
}

/** Starts every Consul server and waits for a leader. */
async function startConsul(mesh: Mesh): Promise<number> {
  for (const name of CONSUL) await mesh.start(name);
  await waitFor(async () => (await consulLeader(mesh.consulHttpAddrs[0]!)) !== '', {
    timeoutMs: 60_000,
    description: 'consul leader again',
  });
  return performance.now();
}

describe('whole Consul cluster stopped and started (real Consul, Patroni failsafe mode)', () => {
  let mesh: Mesh;

  before(async () => {
    mesh = await connectMesh();
    await mesh.waitHealthy({ timeoutMs: 90_000 });
  });
  let primaryPort = 0;

  before(async () => {
    primaryPort = (await mesh.pgPrimary()).port;
  });
  after(async () => {
    for (const name of CONSUL) await mesh.start(name).catch(() => undefined);
    await waitFor(async () => (await consulLeader(mesh.consulHttpAddrs[0]!)) !== '', {
      timeoutMs: 60_000,
      description: 'consul leader',
    });
    await healStalePrimaryTags(mesh, primaryPort);
    await mesh.waitHealthy({ timeoutMs: 90_000 });
  });

  describe('createPostgres', () => {
    let registry: ConsulRegistry;
    let pg: PostgresClients;

    before(async () => {
      registry = new ConsulRegistry({
        consulAddr: mesh.env['CONSUL_HTTP_ADDR']!,
        logger: testLogger('outage-pg'),
      });
      pg = await createPostgres({
        registry,
        database: mesh.env['DB_NAME']!,
        username: mesh.env['DB_USER']!,
        password: mesh.env['DB_PASSWORD']!,
        logger: testLogger('outage-pg'),
        replicaReads: true,
        // Idle connections are evicted within ~20 ms: every insert 50 ms apart opens a new connection,
        // which has to find the primary (the drill's situation, made systematic).
        pool: { max: 2, idle: 10, evict: 10 },
      });
      await pg.sequelize.query(`CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY)`);
    });
    after(async () => {
      await healStalePrimaryTags(mesh, primaryPort);
      await mesh.waitHealthy({ timeoutMs: 90_000 });
      await pg.sequelize.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await pg.close();
      await registry.close();
    });

    test('when every Consul server is stopped for 10 s then inserts every 50 ms on fresh connections never fail, and continue after Consul returns', async () => {
      let connects = 0;
      pg.sequelize.addHook('afterConnect', () => {
        connects += 1;
      });
      const primaryBefore = await mesh.pgPrimary();
      primaryPort = primaryBefore.port;
      let id = 0;
      const errors = new Map<string, number>();
      const acked: number[] = [];
      const insertFor = async (ms: number) => {
        const end = performance.now() + ms;
        let ok = 0;
        while (performance.now() < end) {
          const tick = performance.now();
          id += 1;
          try {
            await pg.sequelize.query(`INSERT INTO ${table} (id) VALUES (:id)`, { replacements: { id } });
            acked.push(id);
            ok += 1;
          } catch (e) {
            const msg = (e as Error).message.replace(/\d+/g, 'N').slice(0, 100);
            errors.set(msg, (errors.get(msg) ?? 0) + 1);
          }
          await sleep(Math.max(0, 50 - (performance.now() - tick)));
        }
        return ok;
      };
      await insertFor(1_000); // a verified primary is known
      assert.ok(pg.lastVerifiedPrimary(), 'a connection verified the primary');

      const down = await stopConsul(mesh);
      const connectsBefore = connects;
      const okDuring = await insertFor(10_000);
      const connectsDuring = connects - connectsBefore;
      const up = await startConsul(mesh);
      // Right after the restart every check starts critical: 0 passing primaries for a moment.
      const okAfter = await insertFor(5_000);
      const failed = [...errors.values()].reduce((a, b) => a + b, 0);
      const rows = await pg.sequelize.query<{ id: number }>(`SELECT id FROM ${table}`, {
        type: QueryTypes.SELECT,
      });
      const present = new Set(rows.map((r) => r.id));
      const reader = await pg.reader.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', {
        type: QueryTypes.SELECT,
      });
      const [writer] = await pg.sequelize.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', {
        type: QueryTypes.SELECT,
      });
      const listed = await listedPrimaries(mesh);
      console.log(
        `measure: consul down ${((up - down) / 1000).toFixed(1)} s: ${okDuring} inserts during the outage on ${connectsDuring} new connections, ${okAfter} in the 5 s after; failed ${failed} ${JSON.stringify([...errors])}; consul lists ${listed.length} primaries after`,
      );
      assert.equal(failed, 0, `failed inserts: ${JSON.stringify([...errors])}`);
      assert.ok(okDuring >= 150, `${okDuring} inserts in 10 s`);
      assert.ok(
        connectsDuring >= okDuring / 2,
        `${connectsDuring} new connections: the primary was looked up`,
      );
      assert.ok(okAfter >= 75, `${okAfter} inserts after consul returned`);
      assert.deepEqual(
        acked.filter((n) => !present.has(n)),
        [],
      );
      assert.equal(writer!.r, false, 'writes still on a primary');
      assert.equal(pg.lastVerifiedPrimary()?.port, primaryBefore.port, 'failsafe mode kept the primary');
      assert.ok(reader.length === 1, 'the reader still answers');
    });
  });

  describe('watch and catalog', () => {
    let registry: ConsulRegistry;
    const homes: ConsulRegistry[] = [];
    const servers: http.Server[] = [];
    const regs: Registration[] = [];

    before(async () => {
      registry = new ConsulRegistry({
        consulAddr: mesh.env['CONSUL_HTTP_ADDR']!,
        logger: testLogger('outage-watch'),
      });
      const addrs = mesh.consulHttpAddrs;
      // Two instances with HTTP checks, registered on different agents (consul-1, consul-2).
      for (const [n, first] of [
        [1, 0],
        [2, 1],
      ] as const) {
        const server = http.createServer((_req, res) => res.end('ok'));
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        servers.push(server);
        const port = (server.address() as { port: number }).port;
        const home = new ConsulRegistry({
          consulAddr: [addrs[first]!, ...addrs.filter((_, k) => k !== first)],
          logger: testLogger('outage-instance'),
        });
        homes.push(home);
        regs.push(
          await home.register({
            name: svc,
            id: `${svc}-${n}`,
            address: '127.0.0.1',
            port,
            check: {
              http: `http://127.0.0.1:${port}/`,
              // A longer interval widens the window in which a restarted agent reports the check critical.
              interval: '4s',
              timeout: '1s',
              deregisterCriticalServiceAfter: '1m',
            },
          }),
        );
      }
    });
    after(async () => {
      for (const r of regs) await r.deregister().catch(() => undefined);
      for (const h of homes) await h.close();
      await registry.close();
      for (const s of servers) s.close();
    });

    test('when every Consul server is stopped and started then the watch and the catalog never serve an empty set while the instances stay registered', async () => {
      const w = registry.watch(svc);
      const cat = registry.watchServices({ coalesceMs: 5 });
      await waitFor(() => w.instances().length === 2, { timeoutMs: 15_000, description: 'two passing' });
      await waitFor(() => cat.table().get(svc)?.length === 2, {
        timeoutMs: 15_000,
        description: 'catalog lists both',
      });
      const emptyEvents: string[] = [];
      w.on('change', (l: Instance[]) => {
        if (l.length === 0) emptyEvents.push('watch');
      });
      cat.on('change', (t: Map<string, Instance[]>) => {
        if (!t.get(svc)?.length) emptyEvents.push('catalog');
      });
      let samples = 0;
      let emptySamples = 0;
      let panicSeen = false;
      const shared = () =>
        (
          registry as unknown as { watches: Map<string, { panicking: boolean; bridged: number }> }
        ).watches.get(svc);
      const sampler = setInterval(() => {
        samples += 1;
        if (w.instances().length === 0 || !cat.table().get(svc)?.length) emptySamples += 1;
        // The shared watch is reachable through the registry's resolve path too.
        if (!registry.resolve(svc)) emptySamples += 1;
      }, 25);
      sampler.unref();
      const panicProbe = setInterval(() => {
        const shared = (registry as unknown as { watches: Map<string, { panicking: boolean }> }).watches.get(
          svc,
        );
        if (shared?.panicking) panicSeen = true;
      }, 10);
      panicProbe.unref();

      const down = await stopConsul(mesh);
      await sleep(10_000);
      const up = await startConsul(mesh);
      await healStalePrimaryTags(mesh, primaryPort);
      // Until both instances pass again through a fresh (authoritative) answer.
      await waitFor(
        async () =>
          (await registry.lookup(svc).catch(() => [])).length === 2 &&
          w.instances().length === 2 &&
          cat.table().get(svc)?.length === 2,
        { timeoutMs: 60_000, intervalMs: 100, description: 'both passing again' },
      );
      const settled = performance.now();
      await sleep(2_000);
      clearInterval(sampler);
      clearInterval(panicProbe);
      console.log(
        `measure: consul down ${((up - down) / 1000).toFixed(1)} s; both instances passing again ${((settled - up) / 1000).toFixed(1)} s after a leader was back; empty sets: ${emptyEvents.length} events, ${emptySamples}/${samples} samples; panic mode engaged: ${panicSeen}, answers bridged: ${shared()?.bridged}`,
      );
      assert.deepEqual(emptyEvents, []);
      assert.equal(emptySamples, 0);
      assert.equal(w.instances().length, 2);
      w.close();
      cat.close();
      await mesh.waitHealthy({ timeoutMs: 90_000 });
    });

    test('when every instance deregisters then the watch and the catalog drop them within 1 s', async () => {
      const w = registry.watch(svc);
      const cat = registry.watchServices({ coalesceMs: 5 });
      await waitFor(() => w.instances().length === 2 && cat.table().get(svc)?.length === 2, {
        timeoutMs: 15_000,
        description: 'both listed',
      });
      const t0 = performance.now();
      await Promise.all(regs.map((r) => r.deregister()));
      await waitFor(() => w.instances().length === 0, {
        timeoutMs: 1_000,
        intervalMs: 5,
        description: 'watch empty',
      });
      const watchMs = performance.now() - t0;
      await waitFor(() => !cat.table().has(svc), {
        timeoutMs: 1_000,
        intervalMs: 5,
        description: 'catalog drops it',
      });
      const catMs = performance.now() - t0;
      console.log(
        `measure: every instance deregistered: watch empty after ${watchMs.toFixed(0)} ms, catalog after ${catMs.toFixed(0)} ms`,
      );
      w.close();
      cat.close();
    });
  });
});

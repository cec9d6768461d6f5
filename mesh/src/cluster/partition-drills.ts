// Partition drills on the cluster profile: the load of the failover drills through a gateway on the majority
// side, a network fault between simulated hosts (blackhole routes, ip rules, netem), heal, count. Each drill is
// built right before it runs: the victim (the Redis master's host, the Patroni primary's host, …) is chosen
// from the cluster's state at that moment.
import pg from 'pg';
import { Redis } from 'ioredis';
import { waitFor } from '@mutiroes/platform';
import { consulService } from '../infra-health.js';
import type { Mesh } from '../mesh.js';
import { addrOf } from '../profile.js';
import type { DrillContext, DrillSpec } from '../drills/drill-runner.js';
import { hostOf } from './cluster-plan.js';
import {
  dropOneWay,
  heal,
  netem,
  netemAvailable,
  partition,
  type NetPlan,
  type SimHost,
} from './network-namespaces.js';
import { SplitBrainProbe, type ProbeTarget } from './split-brain-probe.js';

export const PARTITION_DRILLS = [
  'partition-redis',
  'partition-postgres',
  'partition-consul',
  'partition-asymmetric',
  'latency',
] as const;
export type PartitionDrillName = (typeof PARTITION_DRILLS)[number];

export interface PartitionDrill {
  spec: DrillSpec;
  /** The host whose gateway takes the drill's load (on the majority side). */
  loadHost: SimHost;
}

export interface PartitionOptions {
  /** How long the fault lasts (the issue's 20 s at scale 1). */
  faultMs: number;
}

function planOf(mesh: Mesh): NetPlan {
  const net = mesh.profile.cluster?.net;
  if (!net) throw new Error(`profile "${mesh.profile.name}" is not a cluster profile (MESH_PROFILE=cluster)`);
  return net;
}

function others(net: NetPlan, host: SimHost): SimHost[] {
  return net.hosts.filter((h) => h.name !== host.name);
}

function hostOfComponent(mesh: Mesh, component: string): SimHost {
  return hostOf(mesh.profile.cluster!, component)!;
}

function secondsSince(t0: number): number {
  return Number(((Date.now() - t0) / 1000).toFixed(2));
}

/** Waits `ms`, polling `check` meanwhile (at most once per 200 ms); returns when `check` first held, or null. */
async function during(ms: number, check: () => Promise<boolean>): Promise<number | null> {
  const t0 = Date.now();
  let seen: number | null = null;
  while (Date.now() - t0 < ms) {
    if (seen === null && (await check().catch(() => false))) seen = secondsSince(t0);
    await new Promise((r) => setTimeout(r, 200));
  }
  return seen;
}

// ------------------------------------------------------------------ probes

function redisTarget(node: string, host: string, port: number, password: string): ProbeTarget {
  const r = new Redis({
    host,
    port,
    password,
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 200,
  });
  r.on('error', () => {});
  return {
    node,
    write: async () => {
      if (r.status === 'wait') await r.connect();
      await r.set('drill:split-brain', String(Date.now()));
    },
    close: async () => r.disconnect(),
  };
}

function pgTarget(mesh: Mesh, node: string, host: string, port: number): ProbeTarget {
  let client: pg.Client | null = null;
  const drop = () => {
    const c = client;
    client = null;
    void c?.end().catch(() => {});
  };
  return {
    node,
    // A commit counts only when the node acknowledged it: on a primary cut from its synchronous standby the
    // commit waits, and the probe gives up on the connection (never a server-side cancel, which would turn
    // the wait into a locally committed "success").
    write: async () => {
      try {
        if (!client) {
          const c = new pg.Client({
            host,
            port,
            user: 'postgres',
            password: mesh.secrets.pgSuperuserPassword,
            database: 'postgres',
            connectionTimeoutMillis: 600,
          });
          c.on('error', () => {});
          client = c;
          await c.connect();
        }
        const c = client;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          c.query('insert into drill_split_brain default values'),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 600))),
        ]).finally(() => clearTimeout(timer));
      } catch (e) {
        drop();
        throw e;
      }
    },
    close: async () => drop(),
  };
}

async function sentinelMaster(mesh: Mesh, i: number): Promise<string | null> {
  const s = new Redis({
    host: addrOf(mesh.profile, `sentinel-${i}`),
    port: mesh.ports.sentinel[i - 1]!,
    password: mesh.secrets.redisPassword,
    lazyConnect: true,
    connectTimeout: 800,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  s.on('error', () => {});
  try {
    await s.connect();
    const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', 'mutiroes')) as [string, string] | null;
    return addr ? `${addr[0]}:${addr[1]}` : null;
  } catch {
    return null;
  } finally {
    s.disconnect();
  }
}

async function patroniIs(mesh: Mesh, i: number, role: 'primary' | 'replica'): Promise<boolean> {
  try {
    const res = await fetch(
      `http://${addrOf(mesh.profile, `pg-${i}`)}:${mesh.ports.pg[i - 1]!.rest}/${role}`,
      { signal: AbortSignal.timeout(800) },
    );
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Instances of our app services in Consul's catalog (any health) vs. those the supervisor runs. */
async function staleRegistrations(mesh: Mesh): Promise<string[]> {
  const running = new Set((await mesh.status()).filter((c) => c.running).map((c) => c.name));
  const stale: string[] = [];
  for (const service of ['api', 'worker', 'beat', 'gateway']) {
    const all = await consulService(mesh.profile, service, false);
    for (const e of all) {
      const critical = e.Checks.some((c) => c.Status !== 'passing');
      if (!running.has(e.Service.ID) || critical)
        stale.push(`${e.Service.ID}${critical ? ' (not passing)' : ' (not running)'}`);
    }
  }
  return stale;
}

// ------------------------------------------------------------------ drills

export async function buildPartitionDrill(
  mesh: Mesh,
  name: PartitionDrillName,
  opts: PartitionOptions,
): Promise<PartitionDrill> {
  const net = planOf(mesh);
  const faultS = Math.round(opts.faultMs / 100) / 10;
  switch (name) {
    case 'partition-redis': {
      const master = await mesh.redisMaster();
      const victim = hostOfComponent(mesh, master.name);
      const rest = others(net, victim);
      const probe = new SplitBrainProbe(
        mesh.ports.redis.map((port, i) =>
          redisTarget(
            `redis-${i + 1}`,
            addrOf(mesh.profile, `redis-${i + 1}`),
            port,
            mesh.secrets.redisPassword,
          ),
        ),
      );
      const majoritySentinels = [1, 2, 3].filter(
        (i) => hostOfComponent(mesh, `sentinel-${i}`).name !== victim.name,
      );
      const spec: DrillSpec = {
        name,
        proves: `the Redis master's host (${victim.name}, ${master.name}) cut off from the other two for ${faultS} s: Sentinel promotes on the majority side, the isolated master refuses writes (min-replicas-to-write), no acknowledged job lost after the heal`,
        sameMessageIdCountsOnce: true,
        zeroFailedRequests: false,
        fault: async (ctx) => {
          ctx.facts['isolated_host'] = victim.name;
          ctx.facts['old_master'] = master.name;
          probe.start();
          probe.mark();
          const t0 = Date.now();
          partition(
            net,
            victim.name,
            rest.map((h) => h.name),
          );
          const oldAddr = `${master.host}:${master.port}`;
          const promoted = await during(opts.faultMs, async () => {
            const views = await Promise.all(majoritySentinels.map((i) => sentinelMaster(mesh, i)));
            return views.every((v) => v !== null && v !== oldAddr);
          });
          ctx.facts['majority_promoted_after_s'] = promoted ?? -1;
          heal(net);
          ctx.facts['partition_s'] = secondsSince(t0);
          ctx.say(
            `healed after ${ctx.facts['partition_s']} s (majority promoted after ${promoted ?? 'never'} s)`,
          );
        },
        recovered: async (ctx) => {
          const h = (await ctx.mesh.healthReport()).lines[1]!;
          const m = await ctx.mesh.redisMaster().catch(() => null);
          return h[1] && m !== null && m.name !== master.name;
        },
        afterRecovery: async (ctx) => {
          const r = await probe.stop();
          ctx.facts['split_brain_window_s'] = r.split_brain_window_s;
          ctx.facts['old_master_refused_writes_after_s'] = r.first_refused_s[master.name] ?? -1;
          const newMaster = (await ctx.mesh.redisMaster()).name;
          ctx.facts['new_master'] = newMaster;
          ctx.facts['new_master_first_write_after_s'] = r.first_accepted_s[newMaster] ?? -1;
        },
        recoveryTimeoutMs: opts.faultMs + 90_000,
      };
      return { spec, loadHost: rest[0]! };
    }

    case 'partition-postgres': {
      const primary = await mesh.pgPrimary();
      const primaryIdx = Number(primary.name.split('-')[1]);
      const standbyIdx = primaryIdx === 1 ? 2 : 1;
      const victim = hostOfComponent(mesh, primary.name);
      const rest = others(net, victim);
      const admin = new pg.Client({
        host: primary.host,
        port: primary.port,
        user: 'postgres',
        password: mesh.secrets.pgSuperuserPassword,
        database: 'postgres',
      });
      await admin.connect();
      await admin.query(
        'create table if not exists drill_split_brain (at timestamptz not null default now())',
      );
      await admin.end();
      const probe = new SplitBrainProbe(
        mesh.ports.pg.map((p, i) =>
          pgTarget(mesh, `pg-${i + 1}`, addrOf(mesh.profile, `pg-${i + 1}`), p.postgres),
        ),
      );
      const spec: DrillSpec = {
        name,
        proves: `the Patroni primary's host (${victim.name}, ${primary.name}) cut off for ${faultS} s: it demotes when it loses the DCS, the synchronous standby is promoted, no committed row is lost, the old primary rejoins as a replica`,
        sameMessageIdCountsOnce: true,
        zeroFailedRequests: false,
        fault: async (ctx) => {
          ctx.facts['isolated_host'] = victim.name;
          ctx.facts['old_primary'] = primary.name;
          probe.start();
          probe.mark();
          const t0 = Date.now();
          partition(
            net,
            victim.name,
            rest.map((h) => h.name),
          );
          let demoted: number | null = null;
          const promoted = await during(opts.faultMs, async () => {
            if (demoted === null && !(await patroniIs(mesh, primaryIdx, 'primary')))
              demoted = secondsSince(t0);
            return patroniIs(mesh, standbyIdx, 'primary');
          });
          ctx.facts['old_primary_demoted_after_s'] = demoted ?? -1;
          ctx.facts['standby_promoted_after_s'] = promoted ?? -1;
          heal(net);
          ctx.facts['partition_s'] = secondsSince(t0);
          ctx.say(
            `healed after ${ctx.facts['partition_s']} s (old primary demoted after ${demoted ?? 'never'} s, standby promoted after ${promoted ?? 'never'} s)`,
          );
        },
        recovered: async (ctx) => {
          if (!(await ctx.mesh.healthReport()).healthy) return false;
          return (await ctx.mesh.pgPrimary().catch(() => null))?.name === `pg-${standbyIdx}`;
        },
        afterRecovery: async (ctx) => {
          const r = await probe.stop();
          ctx.facts['split_brain_window_s'] = r.split_brain_window_s;
          ctx.facts['old_primary_rejoined_as_replica'] = await patroniIs(mesh, primaryIdx, 'replica');
        },
        recoveryTimeoutMs: opts.faultMs + 120_000,
      };
      return { spec, loadHost: rest[0]! };
    }

    case 'partition-consul': {
      // A minority host that holds neither the Redis master nor the Patroni primary (ideally not the Redis
      // replica either: with min-replicas-to-write, losing it stops Redis writes), so the drill is about Consul.
      const master = hostOfComponent(mesh, (await mesh.redisMaster()).name);
      const primary = hostOfComponent(mesh, (await mesh.pgPrimary()).name);
      const replicaHosts = mesh.ports.redis.map((_, i) => hostOfComponent(mesh, `redis-${i + 1}`).name);
      const candidates = net.hosts.filter((h) => h.name !== master.name && h.name !== primary.name);
      const victim = candidates.find((h) => !replicaHosts.includes(h.name)) ?? candidates[0] ?? net.hosts[2]!;
      const rest = others(net, victim);
      const consulIdx = net.hosts.indexOf(victim) + 1;
      const gwIdx = net.hosts.indexOf(victim) + 1; // gateway-n runs on host n
      const gwUrl = `http://${victim.addr}:${mesh.ports.gateway(gwIdx)}`;
      let isolatedAnswered = 0;
      let isolatedAsked = 0;
      let isolatedTableKept = true;
      const spec: DrillSpec = {
        name,
        proves: `one Consul server's host (${victim.name}, consul-${consulIdx}) cut off for ${faultS} s: routing on the majority goes on, the isolated gateway keeps its last good table, no stale registration after the heal`,
        sameMessageIdCountsOnce: true,
        zeroFailedRequests: false,
        fault: async (ctx) => {
          ctx.facts['isolated_host'] = victim.name;
          const t0 = Date.now();
          partition(
            net,
            victim.name,
            rest.map((h) => h.name),
          );
          await during(opts.faultMs, async () => {
            isolatedAsked += 1;
            try {
              const res = await fetch(`${gwUrl}/api/events/?page_size=1`, {
                signal: AbortSignal.timeout(1500),
              });
              if (res.ok) isolatedAnswered += 1;
              await res.arrayBuffer();
              const st = (await (
                await fetch(`${gwUrl}/status`, { signal: AbortSignal.timeout(1000) })
              ).json()) as { routes: { instances: unknown[] }[] };
              if (!st.routes.length || st.routes.every((r) => r.instances.length === 0))
                isolatedTableKept = false;
            } catch {
              /* counted as not answered */
            }
            return false;
          });
          heal(net);
          ctx.facts['partition_s'] = secondsSince(t0);
          ctx.facts['isolated_gateway_table_kept'] = isolatedTableKept;
          ctx.facts['isolated_gateway_answered'] = `${isolatedAnswered}/${isolatedAsked}`;
        },
        recovered: async (ctx) =>
          (await ctx.mesh.healthReport()).healthy && (await staleRegistrations(ctx.mesh)).length === 0,
        afterRecovery: async (ctx) => {
          ctx.facts['stale_registrations_after_heal'] =
            (await staleRegistrations(ctx.mesh)).join(' ') || 'none';
          ctx.facts['split_brain_window_s'] = 0; // Raft: the minority server has no leader, it accepts no write
        },
        recoveryTimeoutMs: opts.faultMs + 120_000,
      };
      return { spec, loadHost: rest[0]! };
    }

    case 'partition-asymmetric': {
      // The load's gateway on host-a cannot reach the API instance(s) of host-b (TCP to the API ports only);
      // host-b still reaches Consul and its checks pass. The gateway must eject on its own evidence.
      const gwHost = net.hosts[0]!;
      const apiHost = net.hosts[1]!;
      const spec: DrillSpec = {
        name,
        proves: `${gwHost.name} cannot reach the API on ${apiHost.name} (which still passes its Consul checks) for ${faultS} s: the gateway ejects it on its own evidence, no client request fails`,
        sameMessageIdCountsOnce: true,
        zeroFailedRequests: true,
        fault: async (ctx) => {
          ctx.facts['cut'] = `${gwHost.name} → ${apiHost.name} API ports`;
          const t0 = Date.now();
          dropOneWay(net, gwHost.name, apiHost.name, [mesh.ports.api(1), mesh.ports.api(40)]);
          const apiOnB = (await mesh.status())
            .filter((c) => c.kind === 'api' && hostOfComponent(mesh, c.name).name === apiHost.name)
            .map((c) => c.name);
          let stillPassing = true;
          await during(opts.faultMs, async () => {
            const passing = (await consulService(mesh.profile, 'api')).map((e) => e.Service.ID);
            if (!apiOnB.every((n) => passing.includes(n))) stillPassing = false;
            return false;
          });
          heal(net);
          ctx.facts['partition_s'] = secondsSince(t0);
          ctx.facts['cut_api_passing_in_consul_throughout'] = stillPassing;
          ctx.facts['split_brain_window_s'] = 0;
        },
        recovered: async () => true,
      };
      return { spec, loadHost: gwHost };
    }

    case 'latency': {
      if (!netemAvailable(net)) {
        throw new Error(
          'this kernel has no sch_netem qdisc (tc qdisc … netem: "Specified qdisc kind is unknown"): drill-latency cannot inject delay or loss here',
        );
      }
      const slow = net.hosts[1]!;
      const spec: DrillSpec = {
        name,
        proves: `200 ms ± 50 ms delay and 5 % loss on ${slow.name}'s link for ${faultS} s: p50/p99 through the gateway, the retries it took, no client request failed beyond the retry budget`,
        sameMessageIdCountsOnce: true,
        zeroFailedRequests: true,
        fault: async (ctx) => {
          const t0 = Date.now();
          netem(net, slow.name, { delayMs: 200, jitterMs: 50, lossPct: 5 });
          await during(opts.faultMs, async () => false);
          heal(net);
          ctx.facts['degraded_s'] = secondsSince(t0);
          ctx.facts['split_brain_window_s'] = 0;
        },
        recovered: async (ctx) => (await ctx.mesh.healthReport()).healthy,
        recoveryTimeoutMs: 120_000,
      };
      return { spec, loadHost: net.hosts[0]! };
    }
  }
}

/** Waits until the cluster is healthy and no fault is left over (a drill that failed mid-way). */
export async function readyForDrill(mesh: Mesh): Promise<void> {
  heal(planOf(mesh));
  await mesh.waitHealthy({ timeoutMs: 180_000 });
  await waitFor(async () => (await staleRegistrations(mesh)).length === 0, {
    timeoutMs: 90_000,
    intervalMs: 500,
    description: 'no stale registration in Consul',
  });
}

export type { DrillContext };

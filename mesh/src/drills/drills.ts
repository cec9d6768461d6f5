// The failover drills: what each kills, what recovery means, what it proves.
import { waitFor } from '@mutiroes/platform';
import { consulService } from '../infra-health.js';
import type { Mesh } from '../mesh.js';
import { addrOf } from '../profile.js';
import type { DrillContext, DrillSpec } from './drill-runner.js';

async function passingIds(mesh: Mesh, service: string): Promise<string[]> {
  return (await consulService(mesh.profile, service)).map((e) => e.Service.ID).sort();
}

async function consulLeader(mesh: Mesh): Promise<string | null> {
  for (const [i, c] of mesh.ports.consul.entries()) {
    try {
      const leader = (await (
        await fetch(`http://${addrOf(mesh.profile, `consul-${i + 1}`)}:${c.http}/v1/status/leader`, {
          signal: AbortSignal.timeout(1000),
        })
      ).json()) as string;
      const port = Number(leader.split(':')[1]);
      const j = mesh.ports.consul.findIndex((x) => x.server === port);
      if (j >= 0) return `consul-${j + 1}`;
    } catch {
      if (i === mesh.ports.consul.length - 1) return null;
    }
  }
  return null;
}

async function beatLeader(mesh: Mesh): Promise<string | null> {
  for (const [i, c] of mesh.ports.consul.entries()) {
    try {
      const res = await fetch(
        `http://${addrOf(mesh.profile, `consul-${i + 1}`)}:${c.http}/v1/kv/mutiroes/beat/leader`,
        { headers: { 'x-consul-token': mesh.consulToken }, signal: AbortSignal.timeout(1000) },
      );
      if (res.status === 404) return null;
      const [entry] = (await res.json()) as { Session?: string; Value?: string }[];
      if (!entry?.Session || !entry.Value) return null;
      return Buffer.from(entry.Value, 'base64').toString('utf8');
    } catch {
      /* next server */
    }
  }
  return null;
}

async function running(mesh: Mesh, kind: string): Promise<string[]> {
  return (await mesh.status()).filter((c) => c.kind === kind && c.running).map((c) => c.name);
}

async function restartedAndPassing(ctx: DrillContext, service: string): Promise<boolean> {
  const name = String(ctx.facts['killed']);
  const st = (await ctx.mesh.status()).find((c) => c.name === name);
  if (!st?.running || st.pid === ctx.facts['pid']) return false;
  try {
    const res = await fetch(`http://${addrOf(ctx.mesh.profile, name)}:${st.port}/health`, {
      signal: AbortSignal.timeout(1000),
    });
    if (!res.ok) return false;
  } catch {
    return false;
  }
  return (await passingIds(ctx.mesh, service)).includes(name);
}

export function drillSpecs(): Record<string, DrillSpec> {
  const specs: DrillSpec[] = [
    {
      name: 'api',
      proves:
        'SIGKILL of one API instance under load: the gateway retries and ejects, no client request fails; the instance comes back',
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const victim = (await running(ctx.mesh, 'api'))[0]!;
        ctx.facts['killed'] = victim;
        ctx.facts['pid'] = (await ctx.mesh.kill(victim, { restart: false })) ?? 0;
        ctx.facts['killed_at'] = Date.now();
      },
      recovered: async (ctx) => {
        // First Consul sees the instance fail its check; then it is restarted; recovered once it passes again.
        const victim = String(ctx.facts['killed']);
        const passing = (await passingIds(ctx.mesh, 'api')).includes(victim);
        if (!ctx.facts['detected_s']) {
          if (passing) return false;
          ctx.facts['detected_s'] = Number(((Date.now() - Number(ctx.facts['killed_at'])) / 1000).toFixed(2));
          await ctx.mesh.start(victim);
          return false;
        }
        return passing;
      },
    },
    {
      name: 'web',
      proves:
        'SIGKILL of one web instance under page load: the gateway retries the GETs elsewhere, no page load or request fails; the instance comes back',
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const victim = (await running(ctx.mesh, 'web'))[0]!;
        ctx.facts['killed'] = victim;
        ctx.facts['pid'] = (await ctx.mesh.kill(victim, { restart: false })) ?? 0;
        ctx.facts['killed_at'] = Date.now();
      },
      recovered: async (ctx) => {
        // First Consul sees the instance fail its check; then it is restarted; recovered once it passes again.
        const victim = String(ctx.facts['killed']);
        const passing = (await passingIds(ctx.mesh, 'web')).includes(victim);
        if (!ctx.facts['detected_s']) {
          if (passing) return false;
          ctx.facts['detected_s'] = Number(((Date.now() - Number(ctx.facts['killed_at'])) / 1000).toFixed(2));
          await ctx.mesh.start(victim);
          return false;
        }
        return passing;
      },
    },
    {
      name: 'redis',
      proves:
        'SIGKILL of the Redis master: Sentinel promotes the replica; the outbox relay and workers resume; no job lost or run twice',
      zeroFailedRequests: false,
      fault: async (ctx) => {
        const m = await ctx.mesh.redisMaster();
        ctx.facts['killed'] = m.name;
        ctx.facts['old_master_port'] = m.port;
        await ctx.mesh.kill(m.name, { restart: true, restartDelayMs: 3000 });
      },
      recovered: async (ctx) => {
        try {
          return (await ctx.mesh.redisMaster()).port !== ctx.facts['old_master_port'];
        } catch {
          return false;
        }
      },
      afterRecovery: async (ctx) => {
        await ctx.mesh.waitHealthy({ timeoutMs: 90_000 });
        ctx.facts['old_master_rejoined_as_replica'] = true;
      },
    },
    {
      name: 'postgres',
      proves:
        'SIGKILL of the Patroni primary (patroni and postgres): the sync replica is promoted, writes resume, the old primary rejoins as replica',
      zeroFailedRequests: false,
      fault: async (ctx) => {
        const p = await ctx.mesh.pgPrimary();
        ctx.facts['killed'] = p.name;
        await ctx.mesh.kill(p.name, { restart: false });
      },
      recovered: async (ctx) => {
        try {
          return (await ctx.mesh.pgPrimary()).name !== ctx.facts['killed'];
        } catch {
          return false;
        }
      },
      recoveryTimeoutMs: 90_000,
      afterRecovery: async (ctx) => {
        const t0 = Date.now();
        await ctx.mesh.start(String(ctx.facts['killed']));
        await ctx.mesh.waitHealthy({ timeoutMs: 120_000 });
        ctx.facts['old_primary_rejoined_as_replica_s'] = Number(((Date.now() - t0) / 1000).toFixed(1));
      },
    },
    {
      name: 'consul',
      proves:
        'SIGKILL of the Consul leader, then all Consul servers stopped for a while: routing continues on the last good table, no client request fails',
      // Right after the restart Patroni may read a stale leader key and demote the primary for a few
      // seconds (immediate shutdown, then promoted again): new database connections wait for a node that
      // accepts writes (registry primaryWaitMs), statements cut mid-flight are 503 + free their
      // Idempotency-Key, and the gateway retries them.
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const leader = await consulLeader(ctx.mesh);
        if (!leader) throw new Error('no Consul leader to kill');
        ctx.facts['killed_leader'] = leader;
        await ctx.mesh.kill(leader, { restart: true, restartDelayMs: 2000 });
        await waitFor(
          async () => (await consulLeader(ctx.mesh)) !== null && (await ctx.mesh.healthReport()).lines[0]![1],
          {
            timeoutMs: 60_000,
            intervalMs: 200,
            description: 'a new Consul leader and 3 voters',
          },
        );
        ctx.say('all Consul servers down for 10 s');
        for (const i of [1, 2, 3]) await ctx.mesh.stop(`consul-${i}`);
        const t = Date.now();
        await waitFor(() => Date.now() - t >= 10_000, { timeoutMs: 11_000, intervalMs: 250 });
        for (const i of [1, 2, 3]) await ctx.mesh.start(`consul-${i}`);
      },
      recovered: async (ctx) => (await ctx.mesh.healthReport()).healthy,
    },
    {
      name: 'worker',
      proves: 'SIGKILL of a worker mid-job: its jobs run again on the other worker, each effect once',
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const victim = (await running(ctx.mesh, 'worker'))[0]!;
        ctx.facts['killed'] = victim;
        ctx.facts['pid'] = (await ctx.mesh.kill(victim, { restart: true, restartDelayMs: 2000 })) ?? 0;
      },
      // Recovered once the supervisor restarted it (a new pid), it answers its health check and Consul passes it.
      recovered: async (ctx) => restartedAndPassing(ctx, 'worker'),
    },
    {
      name: 'beat',
      proves: 'SIGKILL of the beat leader: another beat takes the Consul lock; no tick fires twice',
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const leader = await beatLeader(ctx.mesh);
        if (!leader) throw new Error('no beat leader holds mutiroes/beat/leader');
        ctx.facts['killed'] = leader;
        await ctx.mesh.kill(leader, { restart: true, restartDelayMs: 5000 });
      },
      recovered: async (ctx) => {
        const now = await beatLeader(ctx.mesh);
        return now !== null && now !== ctx.facts['killed'];
      },
    },
    {
      name: 'rolling',
      proves:
        'every API and web instance restarted one by one (SIGTERM, deregister, drain, start) under load: no client request or page load fails',
      zeroFailedRequests: true,
      fault: async (ctx) => {
        const restarted: string[] = [];
        for (const kind of ['api', 'web'] as const) {
          for (const name of await running(ctx.mesh, kind)) {
            ctx.say(`restarting ${name}`);
            await ctx.mesh.stop(name);
            await ctx.mesh.start(name);
            await waitFor(async () => (await passingIds(ctx.mesh, kind)).includes(name), {
              timeoutMs: 60_000,
              intervalMs: 200,
              description: `${name} passing again`,
            });
            restarted.push(name);
          }
        }
        ctx.facts['restarted'] = restarted.join(' ');
      },
      recovered: async (ctx) => {
        const names = String(ctx.facts['restarted']).split(' ');
        const passing = [...(await passingIds(ctx.mesh, 'api')), ...(await passingIds(ctx.mesh, 'web'))];
        return names.every((n) => passing.includes(n));
      },
    },
  ];
  return Object.fromEntries(specs.map((s) => [s.name, s]));
}

export type { DrillContext };

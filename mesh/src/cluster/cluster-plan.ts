// The cluster profiles' spread of components over the simulated hosts (and of the Swarm stack over its nodes).
import { netPlan, type NetPlan, type SimHost } from './network-namespaces.js';

export interface ClusterPlan {
  net: NetPlan;
}

/** Profiles that run on simulated hosts: the operator's `cluster`, and the smoke test's own `cluster-test`. */
const CLUSTER_PROFILES: Record<string, { prefix: string; tag: string }> = {
  cluster: { prefix: '10.77.0', tag: '' },
  'cluster-test': { prefix: '10.77.1', tag: 'ct' },
};

export function clusterPlanFor(profileName: string): ClusterPlan | undefined {
  const c = CLUSTER_PROFILES[profileName];
  return c ? { net: netPlan(c.prefix, c.tag) } : undefined;
}

/**
 * Host index (0 = host-a) of a component, by name (`consul-2`, `api-3`, …); null = the root namespace
 * (the SMTP sink stands for a mail relay outside the cluster). Infra is one per host, the Redis pair and the
 * Patroni pair on different hosts (Redis on a+b, Patroni on b+c, so that cutting the Redis master's host
 * leaves Postgres and the Consul majority whole); app instances round-robin with an offset per kind.
 */
export function hostIndexOf(component: string): number | null {
  const m = /^([a-z]+)-(\d+)$/.exec(component);
  if (!m) return component === 'smtp' ? null : 0;
  const kind = m[1]!;
  const n = Number(m[2]);
  const offset: Record<string, number> = {
    consul: 0,
    sentinel: 0,
    redis: 0,
    api: 0,
    gateway: 0,
    worker: 1,
    beat: 2,
  };
  if (kind === 'pg') return n % 3; // pg-1 → b, pg-2 → c
  return (n - 1 + (offset[kind] ?? 0)) % 3;
}

export function hostOf(plan: ClusterPlan, component: string): SimHost | null {
  const i = hostIndexOf(component);
  return i === null ? null : plan.net.hosts[i]!;
}

/** The address a component binds to and advertises. */
export function clusterAddrOf(plan: ClusterPlan, component: string): string {
  return hostOf(plan, component)?.addr ?? plan.net.bridgeAddr;
}

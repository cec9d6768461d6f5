// A mesh profile: its name, port block and run folder. Every port of the mesh derives from one base.
import fs from 'node:fs';
import path from 'node:path';
import { clusterAddrOf, clusterPlanFor, type ClusterPlan } from './cluster/cluster-plan.js';

export interface ConsulPorts {
  http: number;
  dns: number;
  serfLan: number;
  serfWan: number;
  server: number;
  grpc: number;
}
export interface PgPorts {
  postgres: number;
  rest: number;
}

export interface MeshPorts {
  consul: ConsulPorts[];
  redis: number[];
  sentinel: number[];
  pg: PgPorts[];
  smtp: number;
  smtpHttp: number;
  supervisor: number;
  api: (n: number) => number;
  worker: (n: number) => number;
  beat: (n: number) => number;
  web: (n: number) => number;
  gateway: (n: number) => number;
  /** The gateway's operator listener (/status, /metrics) on 127.0.0.1: gateway port + 50. */
  gatewayAdmin: (n: number) => number;
}

export interface Profile {
  name: string;
  base: number;
  runDir: string;
  ports: MeshPorts;
  /** Instances started by `up` for each app service. */
  scale: { api: number; worker: number; beat: number; web: number; gateway: number };
  /** Set for the profiles that spread the mesh over simulated hosts (network namespaces). */
  cluster?: ClusterPlan;
  /** scrypt cost N of the API instances the launcher starts; unset = the API's default (2^17). */
  apiScryptN?: number;
}

const KNOWN_BASES: Record<string, number> = { dev: 8500, test: 18500, cluster: 29500, 'cluster-test': 30500 };

export function portsFor(base: number): MeshPorts {
  const consul = [0, 1, 2].map((i) => {
    const b = base + 10 * i;
    return { http: b, dns: b + 1, serfLan: b + 2, serfWan: b + 3, server: b + 4, grpc: b + 5 };
  });
  return {
    consul,
    redis: [base + 100, base + 101],
    sentinel: [base + 110, base + 111, base + 112],
    pg: [0, 1].map((i) => ({ postgres: base + 200 + i, rest: base + 210 + i })),
    smtp: base + 300,
    smtpHttp: base + 301,
    supervisor: base + 350,
    api: (n) => base + 400 + n - 1,
    worker: (n) => base + 450 + n - 1,
    beat: (n) => base + 480 + n - 1,
    web: (n) => base + 500 + n - 1,
    gateway: (n) => base - 420 + n - 1,
    gatewayAdmin: (n) => base - 370 + n - 1,
  };
}

/** Resolves the profile from MESH_PROFILE / MESH_PORT_BASE / MESH_RUN_ROOT (defaults: dev, 8500, /var/tmp/mutiroes). */
export function resolveProfile(env: NodeJS.ProcessEnv = process.env): Profile {
  const name = env['MESH_PROFILE'] || 'dev';
  if (!/^[a-z0-9-]{1,32}$/.test(name)) throw new Error(`MESH_PROFILE must be [a-z0-9-]{1,32}, got "${name}"`);
  const baseRaw = env['MESH_PORT_BASE'] || KNOWN_BASES[name];
  if (baseRaw === undefined)
    throw new Error(`MESH_PORT_BASE is required for profile "${name}" (known: dev=8500, test=18500)`);
  const base = Number(baseRaw);
  if (!Number.isInteger(base) || base < 1500 || base > 32000)
    throw new Error(`MESH_PORT_BASE must be an integer in 1500..32000, got "${baseRaw}"`);
  const root = env['MESH_RUN_ROOT'] || '/var/tmp/mutiroes';
  const n = (k: string, d: number) => {
    const v = env[k];
    return v === undefined || v === '' ? d : Math.max(0, Math.min(40, Number(v) | 0));
  };
  const cluster = clusterPlanFor(name);
  return {
    name,
    base,
    runDir: path.join(root, name),
    ports: portsFor(base),
    // A cluster runs a gateway on each host.
    scale: {
      api: n('MESH_API', 3),
      worker: n('MESH_WORKERS', 2),
      beat: n('MESH_BEATS', 2),
      // The cluster profile proves the back end across hosts; it runs no web app.
      web: n('MESH_WEB', cluster ? 0 : 2),
      gateway: n('MESH_GATEWAYS', cluster ? 3 : 1),
    },
    ...(cluster ? { cluster } : {}),
    // The test profile's API instances serve the short drills of `make test`, which register a user every half
    // second on a 2-core machine: at the production cost (scrypt N = 2^17, ~0.35 s of CPU each) hashing alone
    // took a third of the machine and registrations outlasted the gateway's retry budget while instances
    // restarted. There they hash at N = 2^10; every other profile (dev, cluster, `make drill-*`) keeps 2^17.
    ...(name === 'test' ? { apiScryptN: 2 ** 10 } : {}),
  };
}

/** The address a component (`consul-1`, `api-2`, `smtp`, …) binds to and advertises: 127.0.0.1 on one host. */
export function addrOf(profile: Profile, component: string): string {
  if (!profile.cluster) return '127.0.0.1';
  // Without the bridge, 10.77.x.y would be routed out of the machine by the default route: never send there.
  if (!fs.existsSync(`/sys/class/net/${profile.cluster.net.bridge}`)) {
    throw new Error(
      `the network of cluster profile "${profile.name}" is not up (no bridge ${profile.cluster.net.bridge}): run its up first`,
    );
  }
  return clusterAddrOf(profile.cluster, component);
}

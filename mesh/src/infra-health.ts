// Health probes of the infrastructure, as an operator would check it.
import { Redis } from 'ioredis';
import pg from 'pg';
import { addrOf, type Profile } from './profile.js';
import { loadSecrets, type MeshSecrets } from './run-dir.js';

/** The operator's credentials of the profile (Consul management token, Redis password); empty before `up`. */
function operator(profile: Profile): { consulToken: string; redisPassword: string } {
  const s = loadSecrets(profile);
  return { consulToken: s?.consul?.managementToken ?? '', redisPassword: s?.redisPassword ?? '' };
}

async function getJson<T>(url: string, timeoutMs = 2000, token = ''): Promise<T> {
  const res = await fetch(url, {
    headers: token ? { 'x-consul-token': token } : {},
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export interface ConsulHealth {
  leader: string | null;
  voters: number;
  reachable: number;
}

export async function consulHealth(profile: Profile): Promise<ConsulHealth> {
  let leader: string | null = null;
  let voters = 0;
  let reachable = 0;
  for (const [i, c] of profile.ports.consul.entries()) {
    const host = addrOf(profile, `consul-${i + 1}`);
    try {
      const l = await getJson<string>(`http://${host}:${c.http}/v1/status/leader`, 1000);
      const peers = await getJson<string[]>(`http://${host}:${c.http}/v1/status/peers`, 1000);
      reachable += 1;
      if (l) leader = l;
      voters = Math.max(voters, peers.length);
    } catch {
      /* that server is down */
    }
  }
  return { leader, voters, reachable };
}

/** First Consul HTTP address that answers. */
export async function liveConsul(profile: Profile): Promise<string> {
  for (const [i, c] of profile.ports.consul.entries()) {
    const host = addrOf(profile, `consul-${i + 1}`);
    try {
      const l = await getJson<string>(`http://${host}:${c.http}/v1/status/leader`, 1000);
      if (l) return `http://${host}:${c.http}`;
    } catch {
      /* next */
    }
  }
  throw new Error('no Consul server with a leader answers');
}

export interface ServiceEntry {
  Node: { Node: string };
  Service: {
    ID: string;
    Service: string;
    Address: string;
    Port: number;
    Tags: string[] | null;
    Meta: Record<string, string> | null;
  };
  Checks: { Status: string }[];
}

export async function consulService(
  profile: Profile,
  service: string,
  passingOnly = true,
): Promise<ServiceEntry[]> {
  const base = await liveConsul(profile);
  return getJson<ServiceEntry[]>(
    `${base}/v1/health/service/${service}${passingOnly ? '?passing' : ''}`,
    2000,
    operator(profile).consulToken,
  );
}

export interface SentinelHealth {
  master: { host: string; port: number } | null;
  replicasOnline: number;
  sentinelsAnswering: number;
}

export async function sentinelHealth(profile: Profile): Promise<SentinelHealth> {
  let master: { host: string; port: number } | null = null;
  let answering = 0;
  const password = operator(profile).redisPassword || undefined;
  for (const [i, port] of profile.ports.sentinel.entries()) {
    const s = new Redis({
      host: addrOf(profile, `sentinel-${i + 1}`),
      port,
      password,
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    s.on('error', () => {});
    try {
      await s.connect();
      const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', 'mutiroes')) as
        [string, string] | null;
      answering += 1;
      if (addr && !master) master = { host: addr[0], port: Number(addr[1]) };
    } catch {
      /* that sentinel is down */
    } finally {
      s.disconnect();
    }
  }
  let replicasOnline = 0;
  if (master) {
    const r = new Redis({
      host: master.host,
      port: master.port,
      password,
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => {});
    try {
      await r.connect();
      const info = await r.info('replication');
      if (/role:master/.test(info)) replicasOnline = (info.match(/^slave\d+:.*state=online/gm) ?? []).length;
    } catch {
      /* master unreachable */
    } finally {
      r.disconnect();
    }
  }
  return { master, replicasOnline, sentinelsAnswering: answering };
}

export interface PatroniHealth {
  primary: { name: string; host: string; port: number } | null;
  replicas: number;
  primaries: number;
  consulEntries: number;
  syncStreaming: boolean;
  /** REST ports of members whose passing pgha entry in Consul carries the wrong role tag (stale after a Consul restart). */
  staleTags: number[];
}

async function patroniRole(host: string, restPort: number, role: 'primary' | 'replica'): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}:${restPort}/${role}`, { signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Roles come from each member's Patroni REST API (the source of truth): after a full Consul restart an
 * agent may briefly sync a stale role tag (Patroni registers with EnableTagOverride and re-registers only
 * on role changes), so Consul's tags alone can show two primaries.
 */
export async function patroniHealth(profile: Profile, secrets: MeshSecrets): Promise<PatroniHealth> {
  let entries: ServiceEntry[] = [];
  try {
    entries = await consulService(profile, 'pgha');
  } catch {
    /* Consul down */
  }
  const consulEntries = entries.length;
  const roles = await Promise.all(
    profile.ports.pg.map(async (p, i) => {
      const host = addrOf(profile, `pg-${i + 1}`);
      return {
        name: `pg-${i + 1}`,
        host,
        port: p.postgres,
        primary: await patroniRole(host, p.rest, 'primary'),
        replica: await patroniRole(host, p.rest, 'replica'),
      };
    }),
  );
  const primaries = roles.filter((r) => r.primary);
  const replicas = roles.filter((r) => r.replica).length;
  const primary =
    primaries.length === 1
      ? { name: primaries[0]!.name, host: primaries[0]!.host, port: primaries[0]!.port }
      : null;
  let syncStreaming = false;
  if (primary && replicas > 0) {
    const c = new pg.Client({
      host: primary.host,
      port: primary.port,
      user: 'postgres',
      password: secrets.pgSuperuserPassword,
      database: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    try {
      await c.connect();
      const r = await c.query<{ n: string }>(
        "select count(*) as n from pg_stat_replication where state = 'streaming' and sync_state in ('sync','quorum')",
      );
      syncStreaming = Number(r.rows[0]!.n) > 0;
    } catch {
      /* not ready */
    } finally {
      await c.end().catch(() => {});
    }
  }
  const staleTags = profile.ports.pg.flatMap((p, i) => {
    const role = roles[i]!.primary ? 'primary' : roles[i]!.replica ? 'replica' : null;
    const tags = entries.find((e) => e.Service.Port === p.postgres)?.Service.Tags ?? [];
    return role && tags.length > 0 && !tags.includes(role) ? [p.rest] : [];
  });
  return { primary, replicas, primaries: primaries.length, consulEntries, syncStreaming, staleTags };
}

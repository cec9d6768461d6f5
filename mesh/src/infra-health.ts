// Health probes of the infrastructure, as an operator would check it.
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Profile } from './profile.js';
import type { MeshSecrets } from './run-dir.js';

async function getJson<T>(url: string, timeoutMs = 2000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export interface ConsulHealth { leader: string | null; voters: number; reachable: number }

export async function consulHealth(profile: Profile): Promise<ConsulHealth> {
  let leader: string | null = null;
  let voters = 0;
  let reachable = 0;
  for (const c of profile.ports.consul) {
    try {
      const l = await getJson<string>(`http://127.0.0.1:${c.http}/v1/status/leader`, 1000);
      const peers = await getJson<string[]>(`http://127.0.0.1:${c.http}/v1/status/peers`, 1000);
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
  for (const c of profile.ports.consul) {
    try {
      const l = await getJson<string>(`http://127.0.0.1:${c.http}/v1/status/leader`, 1000);
      if (l) return `http://127.0.0.1:${c.http}`;
    } catch {
      /* next */
    }
  }
  throw new Error('no Consul server with a leader answers');
}

export interface ServiceEntry { Node: { Node: string }; Service: { ID: string; Service: string; Address: string; Port: number; Tags: string[] | null; Meta: Record<string, string> | null }; Checks: { Status: string }[] }

export async function consulService(profile: Profile, service: string, passingOnly = true): Promise<ServiceEntry[]> {
  const base = await liveConsul(profile);
  return getJson<ServiceEntry[]>(`${base}/v1/health/service/${service}${passingOnly ? '?passing' : ''}`);
}

export interface SentinelHealth { master: { host: string; port: number } | null; replicasOnline: number; sentinelsAnswering: number }

export async function sentinelHealth(profile: Profile): Promise<SentinelHealth> {
  let master: { host: string; port: number } | null = null;
  let answering = 0;
  for (const port of profile.ports.sentinel) {
    const s = new Redis({ host: '127.0.0.1', port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    s.on('error', () => {});
    try {
      await s.connect();
      const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', 'mutiroes')) as [string, string] | null;
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
    const r = new Redis({ host: master.host, port: master.port, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

export interface PatroniHealth { primary: ServiceEntry | null; replicas: ServiceEntry[]; primaries: number; syncStreaming: boolean }

export async function patroniHealth(profile: Profile, secrets: MeshSecrets): Promise<PatroniHealth> {
  const entries = await consulService(profile, 'pgha');
  const primaries = entries.filter((e) => e.Service.Tags?.includes('primary'));
  const replicas = entries.filter((e) => e.Service.Tags?.includes('replica'));
  let syncStreaming = false;
  const primary = primaries.length === 1 ? primaries[0]! : null;
  if (primary && replicas.length > 0) {
    const c = new pg.Client({ host: primary.Service.Address, port: primary.Service.Port, user: 'postgres', password: secrets.pgSuperuserPassword, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      const r = await c.query<{ n: string }>("select count(*) as n from pg_stat_replication where state = 'streaming' and sync_state in ('sync','quorum')");
      syncStreaming = Number(r.rows[0]!.n) > 0;
    } catch {
      /* not ready */
    } finally {
      await c.end().catch(() => {});
    }
  }
  return { primary, replicas, primaries: primaries.length, syncStreaming };
}

/** Names the Patroni member (pg-1/pg-2) that Consul lists as primary. */
export function pgMemberName(profile: Profile, port: number): string {
  const i = profile.ports.pg.findIndex((p) => p.postgres === port);
  return `pg-${i + 1}`;
}

// What the status page shows about the rest of the mesh: the beat (state the beat leader publishes in Redis,
// last ticks from Postgres) and the broker (Sentinel master, replicas' lag, memory).
import type { RedisClient as Redis } from '@mutiroes/registry';
import { keys } from './queue-telemetry.repository.js';
import type { JobDatabase } from './job-database.js';

export interface BeatSchedule {
  name: string;
  pattern: string;
  timezone: string;
  last_run: string | null;
  next_run: string | null;
}
export interface BeatView {
  leader: string | null;
  leader_since: string | null;
  updated_at: string | null;
  instances: Array<{ instance: string; is_leader: boolean; beat_at: string }>;
  schedules: BeatSchedule[];
}
export interface BrokerView {
  master_name: string;
  master: string;
  role: string;
  used_memory_human: string;
  maxmemory_human: string;
  connected_clients: number;
  master_repl_offset: number;
  replicas: Array<{ address: string; state: string; offset_lag_bytes: number; lag_s: number }>;
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export class MeshStateRepository {
  constructor(
    private readonly redis: Redis,
    private readonly db: JobDatabase,
    private readonly masterName: string,
  ) {}

  async beat(): Promise<BeatView> {
    const raw = await this.redis.get(keys.beatState);
    const state = raw ? (JSON.parse(raw) as Partial<BeatView>) : {};
    const instances: BeatView['instances'] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', keys.beatInstancesPattern, 'COUNT', 100);
      cursor = next;
      if (batch.length) for (const v of await this.redis.mget(...batch)) if (v) instances.push(JSON.parse(v));
    } while (cursor !== '0');
    const schedules = state.schedules ?? [];
    if (schedules.length) {
      try {
        const rows = await this.db.select<{ schedule: string; last: Date }>(
          { deadline: Date.now() + 3000 },
          `SELECT schedule, max(scheduled_at) AS last FROM beat_ticks WHERE schedule = ANY($1::text[]) AND key NOT LIKE '%#since' GROUP BY schedule`,
          [schedules.map((s) => s.name)],
        );
        for (const s of schedules) {
          const r = rows.find((x) => x.schedule === s.name);
          if (r) s.last_run = new Date(r.last).toISOString();
        }
      } catch {
        /* Postgres unavailable: show what the beat published */
      }
    }
    const leader = instances.find((i) => i.is_leader)?.instance ?? state.leader ?? null;
    return {
      leader,
      leader_since: state.leader_since ?? null,
      updated_at: state.updated_at ?? null,
      instances: instances.sort((a, b) => a.instance.localeCompare(b.instance)),
      schedules,
    };
  }

  async broker(): Promise<BrokerView> {
    const [repl, mem, clients] = await Promise.all([
      this.redis.info('replication'),
      this.redis.info('memory'),
      this.redis.info('clients'),
    ]);
    const r = parseInfo(repl),
      m = parseInfo(mem),
      c = parseInfo(clients);
    const masterOffset = Number(r['master_repl_offset'] ?? 0);
    const replicas: BrokerView['replicas'] = [];
    for (let i = 0; r[`slave${i}`]; i++) {
      const f = Object.fromEntries(r[`slave${i}`]!.split(',').map((kv) => kv.split('=') as [string, string]));
      replicas.push({
        address: `${f['ip']}:${f['port']}`,
        state: f['state'] ?? '?',
        offset_lag_bytes: Math.max(0, masterOffset - Number(f['offset'] ?? 0)),
        lag_s: Number(f['lag'] ?? 0),
      });
    }
    const stream = (this.redis as unknown as { stream?: { remoteAddress?: string; remotePort?: number } })
      .stream;
    return {
      master_name: this.masterName,
      master: stream?.remotePort ? `${stream.remoteAddress}:${stream.remotePort}` : 'unknown',
      role: r['role'] ?? 'unknown',
      used_memory_human: m['used_memory_human'] ?? '?',
      maxmemory_human: m['maxmemory_human'] ?? '?',
      connected_clients: Number(c['connected_clients'] ?? 0),
      master_repl_offset: masterOffset,
      replicas,
    };
  }
}

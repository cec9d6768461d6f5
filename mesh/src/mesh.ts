// The local mesh: brings the whole system up as real processes on loopback, and operates it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { sleep, waitFor } from '@mutiroes/platform';
import { appExists, consulAddrs, serviceEnv } from './components.js';
import { ensureConsulAcl } from './consul-acl.js';
import { consulHealth, consulService, liveConsul, patroniHealth, sentinelHealth } from './infra-health.js';
import { reconcilePatroniConfig } from './patroni-config.js';
import { APP_KINDS, type ComponentKind, type ComponentStatus } from './process-spec.js';
import { addrOf, resolveProfile, type MeshPorts, type Profile } from './profile.js';
import { createNetwork, subnetOf, teardownNetwork } from './cluster/network-namespaces.js';
import { dirs, loadSecrets, prepareRunDir, repoRoot, writeSecrets, type MeshSecrets } from './run-dir.js';
import { SupervisorClient } from './supervisor-client.js';
import { builtMain, ensureServiceBuild, ensureWebBuild } from './build.js';

export type Progress = (line: string) => void;

export interface UpOptions {
  infraOnly?: boolean;
  progress?: Progress;
}

export class Mesh {
  readonly supervisor: SupervisorClient;

  constructor(readonly profile: Profile = resolveProfile()) {
    this.supervisor = new SupervisorClient(dirs(profile).supervisorSocket);
  }

  get ports(): MeshPorts {
    return this.profile.ports;
  }
  get consulHttpAddrs(): string[] {
    return consulAddrs(this.profile);
  }
  get secrets(): MeshSecrets {
    const s = loadSecrets(this.profile);
    if (!s) throw new Error(`no mesh at ${this.profile.runDir}: run "up" first`);
    return s;
  }
  /** The environment of a test process, drill or seed: every secret and the operator's Consul token. */
  get env(): Record<string, string> {
    return serviceEnv(this.profile, this.secrets, 0);
  }
  /** The operator's Consul token (the management token of the ACL bootstrap). */
  get consulToken(): string {
    const t = this.secrets.consul.managementToken;
    if (!t) throw new Error(`no Consul management token in ${this.profile.runDir}: run "up" first`);
    return t;
  }
  /** Authorization header of Patroni's REST API (its unsafe endpoints: restart, reload, config…). */
  get patroniAuthorization(): string {
    return `Basic ${Buffer.from(`patroni:${this.secrets.patroniRestPassword}`).toString('base64')}`;
  }

  // ---------------------------------------------------------------- up / down

  async up(opts: UpOptions = {}): Promise<{ ok: boolean; seconds: number }> {
    const say = opts.progress ?? (() => {});
    const t0 = Date.now();
    const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const s = Date.now();
      say(`… ${label}`);
      const r = await fn();
      say(`✔ ${label} (${((Date.now() - s) / 1000).toFixed(1)} s)`);
      return r;
    };
    let secrets = prepareRunDir(this.profile);
    const cluster = this.profile.cluster;
    if (cluster) {
      await step(
        `hosts ${cluster.net.hosts.map((h) => `${h.ns} ${h.addr}`).join(', ')} on bridge ${cluster.net.bridge} (${subnetOf(cluster.net)})`,
        async () => {
          createNetwork(cluster.net);
        },
      );
    }
    await step('build: tsc -b (every service runs its dist/main.js)', () => ensureServiceBuild());
    await step(`supervisor on ${dirs(this.profile).supervisorSocket}`, () => this.ensureSupervisor());
    const running = new Set((await this.supervisor.status()).filter((c) => c.running).map((c) => c.name));
    const start = async (name: string) => {
      if (!running.has(name)) await this.supervisor.start(name);
    };

    await step('consul: 3 servers, leader elected, ACLs (default deny) and gossip encryption', async () => {
      for (const i of [1, 2, 3]) await start(`consul-${i}`);
      await waitFor(
        async () => {
          const h = await consulHealth(this.profile);
          return h.leader && h.voters === 3 && h.reachable === 3;
        },
        { timeoutMs: 60_000, intervalMs: 250, description: 'a Consul leader with 3 voters' },
      );
      const agents = this.ports.consul.map(
        (c, i) => `http://${addrOf(this.profile, `consul-${i + 1}`)}:${c.http}`,
      );
      // A fresh leader may refuse ACL writes for a moment (ACL replication/init): retry briefly.
      await waitFor(
        async () => {
          try {
            await ensureConsulAcl(
              agents,
              {
                secrets: () => loadSecrets(this.profile)!.consul,
                saveManagementToken: (token) => {
                  const s = loadSecrets(this.profile)!;
                  s.consul.managementToken = token;
                  writeSecrets(this.profile, s);
                },
              },
              { log: say },
            );
            return true;
          } catch (e) {
            if (/bootstrap refused|not valid in Consul/.test((e as Error).message)) throw e;
            say(`· consul ACLs not ready yet: ${(e as Error).message}`);
            return false;
          }
        },
        { timeoutMs: 60_000, intervalMs: 1000, description: 'Consul ACL bootstrap' },
      );
      secrets = loadSecrets(this.profile)!;
    });
    await step('redis master + replica, 3 sentinels (master "mutiroes", password required)', async () => {
      for (const i of [1, 2]) await start(`redis-${i}`);
      for (const i of [1, 2, 3]) await start(`sentinel-${i}`);
      await this.registerSentinels();
      await waitFor(
        async () => {
          const h = await sentinelHealth(this.profile);
          return h.master && h.replicasOnline >= 1 && h.sentinelsAnswering === 3;
        },
        { timeoutMs: 60_000, intervalMs: 250, description: 'Sentinel master with an online replica' },
      );
    });
    await step('patroni: 2 postgres nodes, sync replication, pgha in Consul', async () => {
      for (const i of [1, 2]) await start(`pg-${i}`);
      await waitFor(
        async () => {
          const h = await patroniHealth(this.profile, secrets);
          return h.primaries === 1 && h.replicas === 1 && h.syncStreaming && h.consulEntries === 2;
        },
        {
          timeoutMs: 120_000,
          intervalMs: 500,
          description: 'one Patroni primary, a sync streaming replica, both passing in Consul',
        },
      );
      const changed = await reconcilePatroniConfig(this.profile);
      if (changed.length)
        say(`patroni: dynamic config brought in line with postgres/patroni.yml.tmpl (${changed.join(', ')})`);
    });
    await step('database "mutiroes", role and extensions', () => this.bootstrapDatabase(secrets));
    await step(`smtp sink on :${this.ports.smtp}`, async () => {
      await start('smtp');
      await waitFor(() => portOpen(this.ports.smtpHttp, addrOf(this.profile, 'smtp')), {
        timeoutMs: 30_000,
        description: 'smtp sink http',
      });
    });

    let ok = true;
    if (!opts.infraOnly) {
      // All app instances start together (boot is mostly waiting on Consul and the database), then each
      // kind is awaited until every instance passes its Consul check.
      const kinds = APP_KINDS.filter((kind) => {
        if (appExists(kind)) return this.profile.scale[kind as keyof Profile['scale']] > 0;
        say(`· ${kind}: no ${kind} service in this checkout yet, skipped`);
        return false;
      });
      if (kinds.includes('web')) await ensureWebBuild(say);
      const t = Date.now();
      for (const kind of kinds) {
        const n = this.profile.scale[kind as keyof Profile['scale']];
        for (let i = 1; i <= n; i++) await start(`${kind}-${i}`);
      }
      say(
        `… ${kinds.map((k) => `${this.profile.scale[k as keyof Profile['scale']]} ${k}`).join(', ')} starting`,
      );
      const results = await Promise.all(
        kinds.map(async (kind) => {
          const n = this.profile.scale[kind as keyof Profile['scale']];
          try {
            await this.waitPassing(
              kind,
              Array.from({ length: n }, (_, i) => `${kind}-${i + 1}`),
              120_000,
            );
            say(
              `✔ ${kind}: ${n} instance(s) registered and passing in Consul (${((Date.now() - t) / 1000).toFixed(1)} s)`,
            );
            return true;
          } catch (e) {
            say(
              `✘ ${kind}: ${e instanceof Error ? e.message : String(e)} (see ${dirs(this.profile).logs}/${kind}-*.log)`,
            );
            return false;
          }
        }),
      );
      ok = results.every(Boolean);
    }
    return { ok, seconds: (Date.now() - t0) / 1000 };
  }

  async down(progress: Progress = () => {}): Promise<void> {
    // A loaded machine may miss the 1 s control-port probe once: ask a few times before falling back to pids.
    let reachable = false;
    for (let i = 0; i < 5 && !reachable; i++) reachable = await this.supervisor.reachable();
    if (reachable) {
      progress('stopping components in reverse order (apps, smtp, patroni, sentinels, redis, consul)…');
      await this.supervisor.shutdown();
      await waitFor(async () => !(await this.supervisor.reachable()), {
        timeoutMs: 10_000,
        description: 'supervisor exit',
      });
    }
    // Whatever the supervisor could not stop (e.g. it was killed): by recorded pid only.
    const pidDir = dirs(this.profile).pids;
    if (fs.existsSync(pidDir)) {
      for (const f of fs.readdirSync(pidDir)) {
        const pid = Number(fs.readFileSync(path.join(pidDir, f), 'utf8'));
        if (pid > 1 && isAlive(pid)) {
          progress(`stopping leftover ${f.replace(/\.pid$/, '')} (pid ${pid})`);
          await terminate(pid);
        }
        fs.rmSync(path.join(pidDir, f), { force: true });
      }
    }
    for (const i of [1, 2]) {
      const pm = path.join(dirs(this.profile).pgData(i), 'postmaster.pid');
      if (fs.existsSync(pm)) {
        const pid = Number(fs.readFileSync(pm, 'utf8').split('\n')[0]);
        if (pid > 1 && isAlive(pid)) {
          progress(`stopping leftover postmaster of pg-${i} (pid ${pid})`);
          await terminate(pid);
        }
      }
    }
    const open = await this.listeningPorts();
    if (open.length > 0) throw new Error(`ports still listening after down: ${open.join(', ')}`);
    if (this.profile.cluster) {
      teardownNetwork(this.profile.cluster.net);
      progress(`hosts and bridge ${this.profile.cluster.net.bridge} removed`);
    }
  }

  /** Every port of this profile that still accepts connections. */
  async listeningPorts(): Promise<number[]> {
    const p = this.ports;
    const all = [
      ...p.consul.flatMap((c) => [c.http, c.serfLan, c.server]),
      ...p.redis,
      ...p.sentinel,
      ...p.pg.flatMap((x) => [x.postgres, x.rest]),
      p.smtp,
      p.smtpHttp,
      ...Array.from({ length: 10 }, (_, i) => [
        p.api(i + 1),
        p.worker(i + 1),
        p.beat(i + 1),
        p.web(i + 1),
        p.gateway(i + 1),
      ]).flat(),
    ];
    const open: number[] = [];
    const net = this.profile.cluster?.net;
    // The cluster's addresses only while its bridge exists (else they would be routed off the machine).
    const up = net !== undefined && fs.existsSync(`/sys/class/net/${net.bridge}`);
    const hosts = ['127.0.0.1', ...(net && up ? [net.bridgeAddr, ...net.hosts.map((h) => h.addr)] : [])];
    await Promise.all(
      all.map(async (port) => {
        for (const host of hosts) if (await portOpen(port, host)) return void open.push(port);
      }),
    );
    return open.sort((a, b) => a - b);
  }

  async ensureSupervisor(): Promise<void> {
    if (await this.supervisor.reachable()) return;
    await ensureServiceBuild();
    const logFile = path.join(dirs(this.profile).logs, 'supervisor.log');
    const out = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [builtMain('mesh', 'supervisor.main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        MESH_PROFILE: this.profile.name,
        MESH_PORT_BASE: String(this.profile.base),
        MESH_RUN_ROOT: path.dirname(this.profile.runDir),
      },
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.unref();
    fs.closeSync(out);
    await waitFor(() => this.supervisor.reachable(), {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: `the supervisor (log: ${logFile})`,
    });
  }

  private async registerSentinels(): Promise<void> {
    await Promise.all(
      this.ports.sentinel.map(async (port, i) => {
        // Registered with the Consul agent of the Sentinel's own host (its own server by index on one host).
        const agent = `${addrOf(this.profile, `consul-${i + 1}`)}:${this.ports.consul[i]!.http}`;
        const host = addrOf(this.profile, `sentinel-${i + 1}`);
        const body = {
          ID: `redis-sentinel-${i + 1}`,
          Name: 'redis-sentinel',
          Address: host,
          Port: port,
          Meta: { master_name: 'mutiroes' },
          Check: {
            CheckID: `redis-sentinel-${i + 1}-tcp`,
            TCP: `${host}:${port}`,
            Interval: '2s',
            Timeout: '1s',
          },
        };
        await waitFor(
          async () => {
            const res = await fetch(`http://${agent}/v1/agent/service/register`, {
              method: 'PUT',
              headers: { 'x-consul-token': this.secrets.consul.tokens['redis-sentinel']! },
              body: JSON.stringify(body),
            });
            return res.ok;
          },
          { timeoutMs: 60_000, description: `registering sentinel ${i + 1} in Consul` },
        );
      }),
    );
    await waitFor(async () => (await consulService(this.profile, 'redis-sentinel')).length === 3, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: '3 passing redis-sentinel instances in Consul',
    });
  }

  private async bootstrapDatabase(secrets: MeshSecrets): Promise<void> {
    const primary = await this.pgPrimary();
    const connect = async (database: string) => {
      const c = new pg.Client({
        host: primary.host,
        port: primary.port,
        user: 'postgres',
        password: secrets.pgSuperuserPassword,
        database,
      });
      await c.connect();
      return c;
    };
    const admin = await connect('postgres');
    try {
      const role = await admin.query('select 1 from pg_roles where rolname = $1', ['mutiroes']);
      const pw = secrets.dbPassword.replace(/'/g, "''");
      await admin.query(
        role.rowCount
          ? `alter role mutiroes with login password '${pw}'`
          : `create role mutiroes login password '${pw}'`,
      );
      const db = await admin.query('select 1 from pg_database where datname = $1', ['mutiroes']);
      if (!db.rowCount) await admin.query('create database mutiroes owner mutiroes');
    } finally {
      await admin.end();
    }
    const app = await connect('mutiroes');
    try {
      // Extensions need a superuser; the API's migrations may then rely on them.
      for (const ext of ['cube', 'earthdistance', 'pg_trgm'])
        await app.query(`create extension if not exists ${ext}`);
      await app.query('grant all on schema public to mutiroes');
    } finally {
      await app.end();
    }
  }

  // ---------------------------------------------------------------- operations

  async status(): Promise<ComponentStatus[]> {
    return this.supervisor.status();
  }

  /** Consul's view of each component: check status by service id / node. */
  async consulView(): Promise<Map<string, string>> {
    const view = new Map<string, string>();
    try {
      const base = await liveConsul(this.profile);
      const checks = (await (
        await fetch(`${base}/v1/health/state/any`, {
          headers: { 'x-consul-token': this.consulToken },
          signal: AbortSignal.timeout(2000),
        })
      ).json()) as {
        Node: string;
        CheckID: string;
        ServiceID: string;
        ServiceName: string;
        ServiceTags: string[] | null;
        Status: string;
      }[];
      const worst = (a: string | undefined, b: string) =>
        a === 'critical' || b === 'critical'
          ? 'critical'
          : a === 'warning' || b === 'warning'
            ? 'warning'
            : 'passing';
      for (const c of checks) {
        if (c.CheckID === 'serfHealth') {
          const m = /-c(\d)$/.exec(c.Node);
          if (m) view.set(`consul-${m[1]}`, c.Status);
          continue;
        }
        let name = c.ServiceID;
        const sentinel = /^redis-sentinel-(\d)$/.exec(name);
        if (sentinel) name = `sentinel-${sentinel[1]}`;
        const pgm = /^pgha\/pg(\d)$/.exec(name);
        if (pgm) {
          name = `pg-${pgm[1]}`;
          const role = c.ServiceTags?.includes('primary') ? 'primary' : 'replica';
          view.set(name, `${c.Status === 'passing' ? 'passing' : c.Status} (${role})`);
          continue;
        }
        if (name) view.set(name, worst(view.get(name), c.Status));
      }
    } catch {
      /* Consul down: empty view */
    }
    return view;
  }

  async kill(
    name: string,
    opts: { signal?: NodeJS.Signals; restart?: boolean; restartDelayMs?: number } = {},
  ): Promise<number | null> {
    const r = await this.supervisor.kill(
      name,
      opts.signal ?? 'SIGKILL',
      opts.restart ?? true,
      opts.restartDelayMs ?? 1000,
    );
    return r.pid;
  }
  async start(name: string): Promise<void> {
    await this.supervisor.start(name);
  }
  async stop(name: string): Promise<void> {
    await this.supervisor.stop(name);
  }
  /** Stops a component and forgets it (an extra instance started for a test or drill). */
  async remove(name: string): Promise<void> {
    await this.supervisor.remove(name);
  }

  /** Starts one more instance of an app service; returns its name. */
  async startInstance(kind: ComponentKind, opts: { env?: Record<string, string> } = {}): Promise<string> {
    const existing = (await this.status())
      .filter((c) => c.kind === kind)
      .map((c) => Number(c.name.split('-')[1]));
    const n = existing.length ? Math.max(...existing) + 1 : 1;
    await ensureServiceBuild();
    if (kind === 'web') await ensureWebBuild();
    const name = `${kind}-${n}`;
    await this.supervisor.start(name, opts.env);
    return name;
  }

  /** Scales an app service to n instances (new ones waited for until passing; extra ones stopped gracefully). */
  async scale(kind: ComponentKind, n: number, progress: Progress = () => {}): Promise<void> {
    if (!APP_KINDS.includes(kind)) throw new Error(`only app services scale: ${APP_KINDS.join(', ')}`);
    if (!appExists(kind)) throw new Error(`no ${kind} service in this checkout`);
    await ensureServiceBuild(progress);
    if (kind === 'web') await ensureWebBuild(progress);
    const current = (await this.status())
      .filter((c) => c.kind === kind)
      .map((c) => c.name)
      .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
    for (let i = 1; i <= n; i++) {
      const name = `${kind}-${i}`;
      if (!current.includes(name)) {
        await this.supervisor.start(name);
        progress(`started ${name}`);
      } else {
        await this.supervisor.start(name);
      }
    }
    await this.waitPassing(
      kind,
      Array.from({ length: n }, (_, i) => `${kind}-${i + 1}`),
      90_000,
    );
    for (const name of current) {
      if (Number(name.split('-')[1]) > n) {
        await this.supervisor.remove(name);
        progress(`stopped ${name}`);
      }
    }
  }

  async waitPassing(service: string, ids: string[], timeoutMs: number): Promise<void> {
    await waitFor(
      async () => {
        const passing = new Set((await consulService(this.profile, service)).map((e) => e.Service.ID));
        return ids.every((id) => passing.has(id));
      },
      { timeoutMs, intervalMs: 250, description: `${ids.join(', ')} passing in Consul` },
    );
  }

  async redisMaster(): Promise<{ name: string; host: string; port: number }> {
    const h = await sentinelHealth(this.profile);
    if (!h.master) throw new Error('no Redis master known to the Sentinels');
    const i = this.ports.redis.indexOf(h.master.port);
    return { name: `redis-${i + 1}`, host: h.master.host, port: h.master.port };
  }

  /** The Patroni leader, asked of the members themselves (Consul's tags may lag after a Consul restart). */
  async pgPrimary(): Promise<{ name: string; host: string; port: number }> {
    const h = await patroniHealth(this.profile, this.secrets);
    if (!h.primary) throw new Error(`Patroni reports ${h.primaries} primaries`);
    return h.primary;
  }

  /**
   * Infra healthy again: Consul leader + 3 voters, Sentinel master with an online replica, Patroni primary + sync
   * replica, and Consul's pgha role tags matching the members' roles. Patroni registers with EnableTagOverride and
   * re-registers only when its Postgres changes state, so a role tag restored stale after a full Consul restart
   * can stay wrong indefinitely: when that is all that is wrong for 3 s, the member's Postgres is restarted
   * through Patroni (no failover; Patroni keeps the leader lock) and it registers its real role again.
   */
  async waitHealthy(opts: { timeoutMs?: number } = {}): Promise<void> {
    const secrets = this.secrets;
    let staleSince = 0;
    const restarted = new Map<number, number>();
    await waitFor(
      async () => {
        const report = await this.healthReport(secrets);
        const stale = report.patroni?.staleTags ?? [];
        const onlyStale = stale.length > 0 && report.healthy;
        staleSince = onlyStale ? staleSince || Date.now() : 0;
        if (onlyStale && Date.now() - staleSince > 3_000) {
          for (const rest of stale) {
            if (Date.now() - (restarted.get(rest) ?? 0) < 30_000) continue;
            restarted.set(rest, Date.now());
            const member = this.ports.pg.findIndex((p) => p.rest === rest);
            await fetch(`http://${addrOf(this.profile, `pg-${member + 1}`)}:${rest}/restart`, {
              method: 'POST',
              headers: { authorization: this.patroniAuthorization },
              signal: AbortSignal.timeout(30_000),
            }).catch(() => undefined);
          }
        }
        return report.healthy && stale.length === 0;
      },
      {
        timeoutMs: opts.timeoutMs ?? 120_000,
        intervalMs: 500,
        description: 'a healthy mesh',
      },
    );
  }

  async healthReport(secrets = this.secrets): Promise<{
    healthy: boolean;
    lines: [string, boolean, string][];
    patroni: Awaited<ReturnType<typeof patroniHealth>> | null;
  }> {
    const lines: [string, boolean, string][] = [];
    const c = await consulHealth(this.profile);
    lines.push([
      'consul',
      !!c.leader && c.voters === 3 && c.reachable === 3,
      `leader ${c.leader ?? 'none'}, ${c.voters} voters, ${c.reachable}/3 servers answering`,
    ]);
    const s = await sentinelHealth(this.profile);
    lines.push([
      'redis',
      !!s.master && s.replicasOnline >= 1 && s.sentinelsAnswering === 3,
      `master ${s.master ? `${s.master.host}:${s.master.port}` : 'none'}, ${s.replicasOnline} replica(s) online, ${s.sentinelsAnswering}/3 sentinels`,
    ]);
    let p: Awaited<ReturnType<typeof patroniHealth>> | null = null;
    try {
      p = await patroniHealth(this.profile, secrets);
    } catch {
      /* Consul down */
    }
    lines.push([
      'postgres',
      !!p && p.primaries === 1 && p.replicas === 1 && p.syncStreaming && p.consulEntries === 2,
      p
        ? `${p.primaries} primary (${p.primary ? `${p.primary.name} :${p.primary.port}` : '-'}), ${p.replicas} replica(s), sync streaming: ${p.syncStreaming}, ${p.consulEntries}/2 passing in Consul as pgha`
        : 'unknown',
    ]);
    lines.push([
      'postgres tags',
      !!p && p.staleTags.length === 0,
      p?.staleTags.length
        ? `stale role tag in Consul for the member with REST port ${p.staleTags.join(', ')}`
        : 'Consul role tags match the members',
    ]);
    // Stale tags are reported but do not make the mesh unhealthy (clients verify roles); waitHealthy repairs them.
    return { healthy: lines.every(([name, ok]) => ok || name === 'postgres tags'), lines, patroni: p };
  }

  /** Redis connection to the current master (for tests and drills that look inside). */
  async redisMasterClient(): Promise<Redis> {
    const m = await this.redisMaster();
    return new Redis({ host: m.host, port: m.port, password: this.secrets.redisPassword });
  }

  logFile(name: string): string {
    return path.join(dirs(this.profile).logs, `${name}.log`);
  }
}

export async function connectMesh(env: NodeJS.ProcessEnv = process.env): Promise<Mesh> {
  const mesh = new Mesh(resolveProfile(env));
  if (!(await mesh.supervisor.reachable()))
    throw new Error(
      `mesh "${mesh.profile.name}" is not running (no supervisor on ${dirs(mesh.profile).supervisorSocket})`,
    );
  return mesh;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function terminate(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.setTimeout(500);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(false));
  });
}

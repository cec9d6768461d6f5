// Builds the process spec of every component of a profile, rendering its config on first use.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ComponentKind, ProcessSpec } from './process-spec.js';
import { addrOf, type Profile } from './profile.js';
import { hostIndexOf } from './cluster/cluster-plan.js';
import {
  inHost,
  pgConsulAgent,
  redisClusterExtra,
  sentinelClusterExtra,
} from './cluster/cluster-components.js';
import { builtMain, nodeFlagsOf } from './build.js';
import { dirs, postgresUser, render, repoRoot, type MeshSecrets } from './run-dir.js';

const APP_WORKSPACES: Record<string, string> = {
  api: 'services/api',
  worker: 'services/worker',
  beat: 'services/beat',
  web: 'services/web',
  gateway: 'gateway',
};

export function appExists(kind: string): boolean {
  const ws = APP_WORKSPACES[kind];
  return ws !== undefined && fs.existsSync(path.join(repoRoot, ws, 'src', 'main.ts'));
}

function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k]) env[k] = process.env[k]!;
  return env;
}

export function consulAddrs(profile: Profile): string[] {
  return profile.ports.consul.map((c, i) => `${addrOf(profile, `consul-${i + 1}`)}:${c.http}`);
}

/**
 * The secrets each app kind uses, and only those (the internet-facing gateway gets no database or JWT secret).
 * A kind not listed gets none.
 */
export const SECRETS_OF_KIND: Record<
  string,
  readonly ('DB_PASSWORD' | 'JWT_SECRET' | 'REDIS_PASSWORD' | 'WEB_SESSION_SECRET')[]
> = {
  api: ['DB_PASSWORD', 'JWT_SECRET', 'REDIS_PASSWORD'],
  worker: ['DB_PASSWORD', 'JWT_SECRET', 'REDIS_PASSWORD'],
  beat: ['DB_PASSWORD', 'REDIS_PASSWORD'],
  gateway: ['REDIS_PASSWORD'],
  web: ['WEB_SESSION_SECRET'],
};

/**
 * The environment of the operator's processes (tests, drills, seeds): the Consul address list (agent
 * `agentIndex` first), every secret and the management token (operator credentials).
 */
export function serviceEnv(profile: Profile, secrets: MeshSecrets, agentIndex = 0): Record<string, string> {
  const addrs = consulAddrs(profile);
  const rotated = [...addrs.slice(agentIndex % 3), ...addrs.slice(0, agentIndex % 3)];
  const d = dirs(profile);
  return {
    MESH_PROFILE: profile.name,
    MESH_PORT_BASE: String(profile.base),
    MESH_RUN_DIR: profile.runDir,
    CONSUL_HTTP_ADDR: rotated.join(','),
    CONSUL_HTTP_TOKEN: secrets.consul.managementToken ?? '',
    HOST: addrOf(profile, 'api-1'),
    NODE_ENV: 'development',
    LOG_LEVEL: process.env['LOG_LEVEL'] || 'info',
    DB_NAME: 'mutiroes',
    DB_USER: 'mutiroes',
    DB_PASSWORD: secrets.dbPassword,
    DB_SUPERUSER: 'postgres',
    DB_SUPERUSER_PASSWORD: secrets.pgSuperuserPassword,
    REDIS_SENTINEL_MASTER: 'mutiroes',
    REDIS_PASSWORD: secrets.redisPassword,
    JWT_SECRET: secrets.jwtSecret,
    // The web server's CSRF key, derived per run folder (the web never needs the JWT secret itself).
    WEB_SESSION_SECRET: createHmac('sha256', secrets.jwtSecret).update('web-session').digest('base64url'),
    SMTP_HOST: addrOf(profile, 'smtp'),
    SMTP_PORT: String(profile.ports.smtp),
    SMTP_SINK_URL: `http://${addrOf(profile, 'smtp')}:${profile.ports.smtpHttp}`,
    MEDIA_DIR: d.media,
    GATEWAY_URL: `http://${addrOf(profile, 'gateway-1')}:${profile.ports.gateway(1)}`,
  };
}

/** The environment of one app instance: its own Consul token and only the secrets its kind uses. */
export function instanceEnv(
  profile: Profile,
  secrets: MeshSecrets,
  kind: string,
  agentIndex: number,
): Record<string, string> {
  const env = serviceEnv(profile, secrets, agentIndex);
  const keep = new Set<string>(SECRETS_OF_KIND[kind] ?? []);
  for (const k of [
    'DB_PASSWORD',
    'JWT_SECRET',
    'REDIS_PASSWORD',
    'WEB_SESSION_SECRET',
    'DB_SUPERUSER',
    'DB_SUPERUSER_PASSWORD',
  ]) {
    if (!keep.has(k)) delete env[k];
  }
  if (!keep.has('DB_PASSWORD')) {
    delete env['DB_NAME'];
    delete env['DB_USER'];
  }
  env['CONSUL_HTTP_TOKEN'] = secrets.consul.tokens[kind] ?? '';
  if (kind === 'api' && profile.apiScryptN) env['PASSWORD_SCRYPT_N'] = String(profile.apiScryptN);
  return env;
}

export function consulSpec(profile: Profile, secrets: MeshSecrets, i: number): ProcessSpec {
  const d = dirs(profile);
  const p = profile.ports.consul[i - 1]!;
  const conf = path.join(d.conf, `consul-${i}.hcl`);
  fs.mkdirSync(d.consulData(i), { recursive: true });
  fs.writeFileSync(
    conf,
    render('consul/server.hcl.tmpl', {
      NODE_NAME: `${profile.name}-c${i}`,
      DATA_DIR: d.consulData(i),
      BIND: addrOf(profile, `consul-${i}`),
      RETRY_JOIN: profile.ports.consul
        .map((c, j) => `"${addrOf(profile, `consul-${j + 1}`)}:${c.serfLan}"`)
        .join(', '),
      HTTP: p.http,
      DNS: p.dns,
      SERF_LAN: p.serfLan,
      SERF_WAN: p.serfWan,
      SERVER: p.server,
      GRPC: p.grpc,
      GOSSIP_KEY: secrets.consul.gossipKey,
      AGENT_TOKEN: secrets.consul.tokens['agent']!,
    }),
    { mode: 0o600 },
  );
  fs.chmodSync(conf, 0o600);
  return inHost(profile, {
    name: `consul-${i}`,
    kind: 'consul',
    command: 'consul',
    args: ['agent', `-config-file=${conf}`],
    env: baseEnv(),
    cwd: d.root,
    port: p.http,
    logFile: path.join(d.logs, `consul-${i}.log`),
    stopTimeoutMs: 10_000,
  });
}

/**
 * Puts each setting into a config rendered before it existed: a line with the same key is replaced, a missing
 * one appended (Sentinel rewrites these files, so they are rendered once and completed in place).
 */
export function ensureConfLines(conf: string, lines: Record<string, string>): void {
  let text = fs.readFileSync(conf, 'utf8');
  for (const [key, line] of Object.entries(lines)) {
    const re = new RegExp(`^${key.replace(/ /g, '\\s+')}\\s.*$`, 'm');
    if (re.test(text)) text = text.replace(re, line);
    else text = `${text}${text.endsWith('\n') ? '' : '\n'}${line}\n`;
  }
  fs.writeFileSync(conf, text, { mode: 0o600 });
  fs.chmodSync(conf, 0o600);
}

export function redisSpec(profile: Profile, secrets: MeshSecrets, i: number): ProcessSpec {
  const d = dirs(profile);
  const port = profile.ports.redis[i - 1]!;
  const conf = path.join(d.conf, `redis-${i}.conf`);
  fs.mkdirSync(d.redisData(i), { recursive: true });
  // Sentinel rewrites replicaof in this file after failovers: render it only once.
  if (!fs.existsSync(conf)) {
    fs.writeFileSync(
      conf,
      render('redis-sentinel/redis.conf.tmpl', {
        PORT: port,
        BIND: addrOf(profile, `redis-${i}`),
        DIR: d.redisData(i),
        REPLICAOF: i === 1 ? '' : `replicaof ${addrOf(profile, 'redis-1')} ${profile.ports.redis[0]}`,
        CLUSTER_EXTRA: redisClusterExtra(profile),
        REDIS_PASSWORD: secrets.redisPassword,
      }),
      { mode: 0o600 },
    );
  }
  ensureConfLines(conf, {
    requirepass: `requirepass ${secrets.redisPassword}`,
    masterauth: `masterauth ${secrets.redisPassword}`,
    // A CONFIG REWRITE (Sentinel's, after a failover) writes the default user; `user` lines apply after
    // requirepass, so a `nopass` one from a run folder made before passwords would undo it.
    'user default': `user default on >${secrets.redisPassword} ~* &* +@all`,
    'protected-mode': 'protected-mode yes',
  });
  return inHost(profile, {
    name: `redis-${i}`,
    kind: 'redis',
    command: 'redis-server',
    args: [conf],
    env: baseEnv(),
    cwd: d.root,
    port,
    logFile: path.join(d.logs, `redis-${i}.log`),
    stopTimeoutMs: 10_000,
  });
}

export function sentinelSpec(profile: Profile, secrets: MeshSecrets, i: number): ProcessSpec {
  const d = dirs(profile);
  const port = profile.ports.sentinel[i - 1]!;
  const conf = path.join(d.conf, `sentinel-${i}.conf`);
  fs.mkdirSync(d.sentinelData(i), { recursive: true });
  if (!fs.existsSync(conf)) {
    fs.writeFileSync(
      conf,
      render('redis-sentinel/sentinel.conf.tmpl', {
        PORT: port,
        BIND: addrOf(profile, `sentinel-${i}`),
        DIR: d.sentinelData(i),
        MASTER_HOST: addrOf(profile, 'redis-1'),
        MASTER_PORT: profile.ports.redis[0]!,
        CLUSTER_EXTRA: sentinelClusterExtra(profile, i),
        REDIS_PASSWORD: secrets.redisPassword,
      }),
      { mode: 0o600 },
    );
  }
  ensureConfLines(conf, {
    requirepass: `requirepass ${secrets.redisPassword}`,
    // Sentinel writes its default user into this file (`nopass` when it first ran without a password), and
    // `user` lines are applied after requirepass: set the password there too.
    'user default': `user default on >${secrets.redisPassword} ~* &* +@all`,
    'sentinel auth-pass': `sentinel auth-pass mutiroes ${secrets.redisPassword}`,
    'protected-mode': 'protected-mode yes',
  });
  return inHost(profile, {
    name: `sentinel-${i}`,
    kind: 'sentinel',
    command: 'redis-sentinel',
    args: [conf],
    env: baseEnv(),
    cwd: d.root,
    port,
    logFile: path.join(d.logs, `sentinel-${i}.log`),
    stopTimeoutMs: 10_000,
  });
}

export function pgSpec(profile: Profile, secrets: MeshSecrets, i: number): ProcessSpec {
  const d = dirs(profile);
  const p = profile.ports.pg[i - 1]!;
  const user = postgresUser();
  const conf = path.join(d.conf, `patroni-${i}.yml`);
  const home = d.pgHome(i);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const pgpass = path.join(home, 'pgpass');
  fs.writeFileSync(
    conf,
    render('postgres/patroni.yml.tmpl', {
      NAME: `pg${i}`,
      BIND: addrOf(profile, `pg-${i}`),
      HBA_RANGE: profile.cluster ? `${profile.cluster.net.prefix}.0/24` : '127.0.0.1/32',
      REST_PORT: p.rest,
      // Each Patroni talks to "its" Consul agent, as on separate hosts.
      ...pgConsulAgent(profile, i),
      PG_PORT: p.postgres,
      DATA_DIR: d.pgData(i),
      PGPASS: pgpass,
      SUPERUSER_PASSWORD: secrets.pgSuperuserPassword,
      REPLICATION_PASSWORD: secrets.pgReplicationPassword,
      REWIND_PASSWORD: secrets.pgRewindPassword,
      SOCKET_DIR: d.pgSocket,
      REST_PASSWORD: secrets.patroniRestPassword,
      CONSUL_TOKEN: secrets.consul.tokens['patroni']!,
    }),
    { mode: 0o600 },
  );
  if (user) {
    for (const f of [d.pgRoot, d.pgSocket, home, conf]) fs.chownSync(f, user.uid, user.gid);
    if (fs.existsSync(d.pgData(i))) fs.chownSync(d.pgData(i), user.uid, user.gid);
  }
  return inHost(profile, {
    name: `pg-${i}`,
    kind: 'pg',
    command: '/usr/bin/patroni',
    args: [conf],
    env: { ...baseEnv(), HOME: home },
    cwd: home,
    port: p.postgres,
    logFile: path.join(d.logs, `pg-${i}.log`),
    ...(user ? { user } : {}),
    companionPidFile: path.join(d.pgData(i), 'postmaster.pid'),
    stopTimeoutMs: 30_000,
  });
}

export function smtpSpec(profile: Profile): ProcessSpec {
  const d = dirs(profile);
  return {
    name: 'smtp',
    kind: 'smtp',
    command: process.execPath,
    args: [builtMain('mesh', 'smtp-sink.main.js')],
    env: {
      ...baseEnv(),
      SMTP_PORT: String(profile.ports.smtp),
      SMTP_HTTP_PORT: String(profile.ports.smtpHttp),
      SMTP_BIND: addrOf(profile, 'smtp'),
    },
    cwd: repoRoot,
    port: profile.ports.smtp,
    logFile: path.join(d.logs, 'smtp.log'),
    stopTimeoutMs: 5_000,
  };
}

export function appSpec(
  profile: Profile,
  secrets: MeshSecrets,
  kind: ComponentKind,
  n: number,
  extraEnv: Record<string, string> = {},
): ProcessSpec {
  const d = dirs(profile);
  const ws = APP_WORKSPACES[kind];
  if (!ws) throw new Error(`not an app service: ${kind}`);
  const portOf = {
    api: profile.ports.api,
    worker: profile.ports.worker,
    beat: profile.ports.beat,
    web: profile.ports.web,
    gateway: profile.ports.gateway,
  }[kind as 'api' | 'worker' | 'beat' | 'web' | 'gateway'];
  const port = portOf(n);
  const name = `${kind}-${n}`;
  // Its own host's Consul agent first (on one host: spread over the 3 servers).
  const agent = profile.cluster ? (hostIndexOf(name) ?? 0) : n - 1;
  return inHost(profile, {
    name,
    kind,
    command: process.execPath,
    // The tsc output, as in the images (ADR 0019): `Mesh` runs `tsc -b` before it starts one.
    args: [...nodeFlagsOf(ws), builtMain(ws)],
    env: {
      ...baseEnv(),
      ...instanceEnv(profile, secrets, kind, agent),
      HOST: addrOf(profile, name),
      SERVICE_NAME: kind,
      INSTANCE_ID: name,
      PORT: String(port),
      ...(kind === 'gateway' ? { GATEWAY_ADMIN_PORT: String(profile.ports.gatewayAdmin(n)) } : {}),
      ...extraEnv,
    },
    cwd: repoRoot,
    port,
    logFile: path.join(d.logs, `${name}.log`),
    stopTimeoutMs: 20_000,
  });
}

const INFRA_COUNT: Record<string, number> = { consul: 3, redis: 2, sentinel: 3, pg: 2 };
const APP_MAX: Record<string, number> = { api: 50, worker: 30, beat: 20, web: 20, gateway: 20 };

/**
 * The process spec of a component, from its name only (`consul-2`, `smtp`, `api-4`…): what the supervisor
 * runs is decided here, never by its caller. `settings` are extra app variables (see checkSettingsEnv).
 */
export function specByName(
  profile: Profile,
  secrets: MeshSecrets,
  name: string,
  settings: Record<string, string> = {},
): ProcessSpec {
  if (name === 'smtp') return smtpSpec(profile);
  const m = /^([a-z]+)-(\d{1,2})$/.exec(name);
  if (!m)
    throw new Error(
      `unknown component "${name}": component names only (consul-N, redis-N, sentinel-N, pg-N, smtp, <app>-N)`,
    );
  const kind = m[1]!;
  const n = Number(m[2]);
  const infra = INFRA_COUNT[kind];
  if (infra !== undefined) {
    if (n < 1 || n > infra) throw new Error(`unknown component "${name}": ${kind} has ${infra} members`);
    if (Object.keys(settings).length) throw new Error(`infrastructure components take no settings (${name})`);
    if (kind === 'consul') return consulSpec(profile, secrets, n);
    if (kind === 'redis') return redisSpec(profile, secrets, n);
    if (kind === 'sentinel') return sentinelSpec(profile, secrets, n);
    return pgSpec(profile, secrets, n);
  }
  const max = APP_MAX[kind];
  if (max === undefined || !appExists(kind))
    throw new Error(`unknown component "${name}": no app service "${kind}" in this checkout`);
  if (n < 1 || n > max)
    throw new Error(`unknown component "${name}": ${kind} instances are numbered 1..${max}`);
  return appSpec(profile, secrets, kind as ComponentKind, n, settings);
}

/** Settings an operator may pass to an app instance: the services' own tuning variables, nothing that runs code. */
const SETTING_KEY =
  /^(GATEWAY|API|WORKER|BEAT|WEB|OUTBOX|READ_YOUR_WRITES|SHUTDOWN|HEARTBEAT|STALL|DRAIN)_[A-Z0-9_]{1,60}$|^(LOG_LEVEL)$/;

export function checkSettingsEnv(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== 'object' || Array.isArray(env)) throw new Error('env must be an object of settings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
    if (!SETTING_KEY.test(k))
      throw new Error(`env ${k} is not a service setting: component names and settings only`);
    if (typeof v !== 'string' || v.length > 1000)
      throw new Error(`env ${k} must be a string of at most 1000 characters`);
    out[k] = v;
  }
  return out;
}

// The run folder of a profile: configs, data, logs, pids and the secrets generated for it.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { completeConsulSecrets, newConsulSecrets, type ConsulSecrets } from './consul-acl.js';
import type { Profile } from './profile.js';

export interface MeshSecrets {
  pgSuperuserPassword: string;
  pgReplicationPassword: string;
  pgRewindPassword: string;
  dbPassword: string;
  jwtSecret: string;
  /** requirepass/masterauth of Redis and the Sentinels' requirepass/auth-pass. */
  redisPassword: string;
  /** Patroni REST API basic auth (user `patroni`) for its unsafe endpoints. */
  patroniRestPassword: string;
  /** Gossip key, the management token (after the ACL bootstrap) and one token per service kind. */
  consul: ConsulSecrets;
}

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function dirs(profile: Profile) {
  const r = profile.runDir;
  return {
    root: r,
    conf: path.join(r, 'conf'),
    logs: path.join(r, 'logs'),
    pids: path.join(r, 'pids'),
    consulData: (i: number) => path.join(r, 'consul', `c${i}`),
    redisData: (i: number) => path.join(r, 'redis', `r${i}`),
    sentinelData: (i: number) => path.join(r, 'redis', `s${i}`),
    pgRoot: path.join(r, 'pg'),
    pgData: (i: number) => path.join(r, 'pg', `pg${i}`, 'data'),
    pgHome: (i: number) => path.join(r, 'pg', `pg${i}`),
    pgSocket: path.join(r, 'pg', 'sock'),
    media: path.join(r, 'media'),
    secrets: path.join(r, 'secrets.json'),
    portBase: path.join(r, 'port-base'),
    /** The supervisor's control socket (mode 0600: only the operator who started the mesh may use it). */
    supervisorSocket: path.join(r, 'supervisor.sock'),
  };
}

/** The postgres system user when running as root (Postgres refuses to run as root). */
export function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/**
 * Configs, Consul's raft data, Sentinel's rewritten configs and Patroni's cluster all hold the ports of the
 * port base the run folder was made with: reusing it under another base would start processes that look for
 * each other on the old ports. Refuse with the way out instead.
 */
export function checkPortBase(profile: Profile): void {
  const file = dirs(profile).portBase;
  if (!fs.existsSync(file)) return; // a new folder (or one made before the base was recorded)
  const recorded = Number(fs.readFileSync(file, 'utf8').trim());
  if (recorded !== profile.base) {
    throw new Error(
      `run folder ${profile.runDir} was made for port base ${recorded}, not ${profile.base}: ` +
        `use MESH_PORT_BASE=${recorded} for profile "${profile.name}", or take it down and remove the folder (rm -rf ${profile.runDir})`,
    );
  }
}

export function prepareRunDir(profile: Profile): MeshSecrets {
  const d = dirs(profile);
  checkPortBase(profile);
  for (const p of [d.conf, d.logs, d.pids, d.media]) fs.mkdirSync(p, { recursive: true });
  fs.chmodSync(profile.runDir, 0o755);
  // Configs hold passwords and tokens: only the operator (and, for Patroni's, postgres) may read them.
  fs.chmodSync(d.conf, 0o711);
  // Postgres' Unix socket directory: its owner only (no local trust, no other local user).
  fs.mkdirSync(d.pgSocket, { recursive: true, mode: 0o700 });
  fs.chmodSync(d.pgSocket, 0o700);
  if (!fs.existsSync(d.portBase)) fs.writeFileSync(d.portBase, `${profile.base}\n`);
  return loadSecrets(profile, true)!;
}

export function loadSecrets(profile: Profile, create = false): MeshSecrets | undefined {
  const file = dirs(profile).secrets;
  const gen = () => randomBytes(32).toString('base64url');
  if (fs.existsSync(file)) {
    const secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as MeshSecrets;
    if (!create) return secrets;
    // A run folder made before Redis/Patroni auth and Consul ACLs: add what it lacks, keep the rest.
    const before = JSON.stringify(secrets);
    secrets.redisPassword ||= gen();
    secrets.patroniRestPassword ||= gen();
    secrets.consul ??= newConsulSecrets();
    completeConsulSecrets(secrets.consul);
    if (JSON.stringify(secrets) !== before) writeSecrets(profile, secrets);
    return secrets;
  }
  if (!create) return undefined;
  const secrets: MeshSecrets = {
    pgSuperuserPassword: gen(),
    pgReplicationPassword: gen(),
    pgRewindPassword: gen(),
    dbPassword: gen(),
    jwtSecret: gen(),
    redisPassword: gen(),
    patroniRestPassword: gen(),
    consul: newConsulSecrets(),
  };
  writeSecrets(profile, secrets);
  return secrets;
}

/** Writes the secrets file atomically, mode 0600. */
export function writeSecrets(profile: Profile, secrets: MeshSecrets): void {
  const file = dirs(profile).secrets;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function render(template: string, vars: Record<string, string | number>): string {
  const text = fs.readFileSync(path.join(repoRoot, template), 'utf8');
  return text.replace(/\{\{([A-Z_]+)\}\}/g, (_, k: string) => {
    if (!(k in vars)) throw new Error(`template ${template}: no value for {{${k}}}`);
    return String(vars[k]);
  });
}

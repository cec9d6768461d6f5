// Static checks of docker-compose.distributed.yml, the Dockerfiles it builds and .env.example.
// No Docker engine runs where the project is built, so `docker compose config` cannot validate the file;
// these checks read the files themselves. Each check returns problems as strings (empty = fine), so a
// deliberately broken project can be checked too and the expected problems asserted.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SECRETS_OF_KIND } from '../components.js';

type Dict = Record<string, unknown>;

export interface ComposeRules {
  /** Init jobs that run once: exempt from healthcheck and restart rules (must not restart). */
  oneShotServices: readonly string[];
  /** Services meant for `docker compose up --scale`: no container_name, hostname or published port. */
  scalableServices: readonly string[];
  /** Mesh app services: get the service env contract; Consul is their only address. */
  appServices: readonly string[];
  /** Services outside the mesh that app env may address directly (the SMTP sink). */
  externalServices: readonly string[];
  /** The only services allowed to publish ports, with the host ports they may publish. */
  publishedPorts: Readonly<Record<string, readonly number[]>>;
  /** Env every app service must get. */
  requiredAppEnv: readonly string[];
  /** Env only some kinds get (beyond their secrets): required of that kind. */
  requiredKindEnv: Readonly<Record<string, readonly string[]>>;
}

export const MESH_COMPOSE_RULES: ComposeRules = {
  oneShotServices: [],
  scalableServices: ['api', 'worker', 'beat', 'web'],
  appServices: ['api', 'worker', 'beat', 'web', 'gateway'],
  externalServices: ['mailpit'],
  publishedPorts: { gateway: [80], 'consul-1': [8500] },
  requiredAppEnv: [
    'NODE_ENV',
    'LOG_LEVEL',
    'CONSUL_HTTP_ADDR',
    'SERVICE_NAME',
    'PORT',
    'CONSUL_HTTP_TOKEN',
    'SMTP_HOST',
    'SMTP_PORT',
    'MEDIA_DIR',
    'GATEWAY_URL',
    'MESH_PROFILE',
    'MESH_RUN_DIR',
  ],
  // the web in production refuses its stand-in tile server: the compose file must name one
  requiredKindEnv: { web: ['WEB_TILE_URL'] },
};

/** Secrets handed to app kinds (SECRETS_OF_KIND) and the ones no app gets; any other *_SECRET/*_PASSWORD counts too. */
const APP_SECRETS = [
  'DB_PASSWORD',
  'JWT_SECRET',
  'REDIS_PASSWORD',
  'WEB_SESSION_SECRET',
  'DB_SUPERUSER_PASSWORD',
];

/** Env names whose value is a secret: only `${VAR}` / `${VAR:?msg}` references are allowed in the compose file. */
export const SECRET_ENV = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY)$/;

/** Env names that would hand an app a static upstream address instead of Consul. */
const FORBIDDEN_APP_ENV =
  /^(REDIS_(HOST|PORT|URL|ADDR|SENTINELS?|SENTINEL_(HOSTS?|ADDRS?|PORTS?))|DATABASE_URL|DB_(HOST|PORT|URL|HOSTS)|PG(HOST|PORT|HOSTADDR)|POSTGRES_(HOST|PORT|URL)|.*_UPSTREAMS?|API_(URL|HOST|HOSTS|ADDR)|WORKER_(URL|HOST)|CONSUL_(HOST|PORT))$/;

export interface ComposeProject {
  root: string;
  composeFile: string;
  raw: string;
  /** every string (keys and values) of the parsed document: what compose interpolates (not comments) */
  strings: string[];
  services: Record<string, Dict>;
  volumes: Dict;
  envExample: Map<string, string>;
}

function asDict(v: unknown): Dict | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : undefined;
}

export function parseEnvFile(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) continue;
    env.set(m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return env;
}

export function loadComposeProject(
  root: string,
  composeFile: string,
  envExampleFile: string,
): ComposeProject {
  const raw = fs.readFileSync(path.join(root, composeFile), 'utf8');
  const doc = asDict(parseYaml(raw, { merge: true, maxAliasCount: -1 }));
  if (!doc) throw new Error(`${composeFile}: not a YAML mapping`);
  const services: Record<string, Dict> = {};
  for (const [name, s] of Object.entries(asDict(doc.services) ?? {})) services[name] = asDict(s) ?? {};
  const envPath = path.join(root, envExampleFile);
  const envExample = fs.existsSync(envPath)
    ? parseEnvFile(fs.readFileSync(envPath, 'utf8'))
    : new Map<string, string>();
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (asDict(v)) {
      for (const [k, x] of Object.entries(v as Dict)) {
        strings.push(k);
        walk(x);
      }
    }
  };
  walk(doc);
  return { root, composeFile, raw, strings, services, volumes: asDict(doc.volumes) ?? {}, envExample };
}

/** Variable names referenced by compose interpolation (`${VAR}`, `${VAR:-x}`, `${VAR:?m}`, `$VAR`; `$$` escapes). */
export function interpolationRefs(text: string): Set<string> {
  const refs = new Set<string>();
  const re = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  for (const m of text.matchAll(re)) {
    const name = m[1] ?? m[2];
    if (name) refs.add(name);
  }
  return refs;
}

/** Compose interpolation against `env` (defaults apply when the variable is unset or empty). */
export function interpolate(value: string, env: ReadonlyMap<string, string>): string {
  return value.replace(
    /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      whole,
      braced: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (whole === '$$') return '$';
      const v = env.get((braced ?? bare)!);
      if (op?.endsWith('-')) return v ? v : (arg ?? '');
      return v ?? '';
    },
  );
}

function serviceEnv(project: ComposeProject, service: Dict): Map<string, string> {
  const env = new Map<string, string>();
  const files =
    service.env_file === undefined
      ? []
      : Array.isArray(service.env_file)
        ? service.env_file
        : [service.env_file];
  for (const f of files) {
    const p = typeof f === 'string' ? f : String(asDict(f)?.path ?? '');
    const abs = path.resolve(project.root, path.dirname(project.composeFile), p);
    if (fs.existsSync(abs)) for (const [k, v] of parseEnvFile(fs.readFileSync(abs, 'utf8'))) env.set(k, v);
  }
  const e = service.environment;
  if (Array.isArray(e)) {
    for (const item of e) {
      const s = String(item);
      const i = s.indexOf('=');
      if (i > 0) env.set(s.slice(0, i), s.slice(i + 1));
      else env.set(s, '');
    }
  } else {
    for (const [k, v] of Object.entries(asDict(e) ?? {})) env.set(k, v === null ? '' : String(v));
  }
  return env;
}

function restartPolicy(service: Dict): string | undefined {
  if (typeof service.restart === 'string') return service.restart;
  const rp = asDict(asDict(service.deploy)?.restart_policy);
  return typeof rp?.condition === 'string' ? `deploy:${rp.condition}` : undefined;
}

export function checkImageOrBuild(p: ComposeProject): string[] {
  const out: string[] = [];
  if (Object.keys(p.services).length === 0) out.push('compose file defines no services');
  for (const [name, s] of Object.entries(p.services)) {
    if (s.image === undefined && s.build === undefined)
      out.push(`service ${name}: has neither image nor build`);
  }
  return out;
}

function hasHealthcheck(s: Dict): boolean {
  const hc = asDict(s.healthcheck);
  const test = hc?.test;
  const empty =
    test === undefined || test === '' || (Array.isArray(test) && (test.length === 0 || test[0] === 'NONE'));
  return !!hc && hc.disable !== true && !empty;
}

export function checkHealthchecks(p: ComposeProject, rules: ComposeRules): string[] {
  const out: string[] = [];
  for (const name of rules.oneShotServices) {
    if (!(name in p.services)) out.push(`one-shot service ${name} is listed but not defined`);
  }
  for (const [name, s] of Object.entries(p.services)) {
    if (rules.oneShotServices.includes(name)) continue;
    if (!hasHealthcheck(s)) out.push(`service ${name}: no healthcheck`);
  }
  return out;
}

export function checkRestartPolicies(p: ComposeProject, rules: ComposeRules): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(p.services)) {
    const policy = restartPolicy(s);
    if (rules.oneShotServices.includes(name)) {
      if (policy && !['no', 'deploy:none'].includes(policy))
        out.push(`one-shot service ${name}: must not restart (restart: ${policy})`);
      continue;
    }
    if (!policy || !/^(always|unless-stopped|on-failure(:\d+)?|deploy:(any|on-failure))$/.test(policy)) {
      out.push(`service ${name}: long-running service without a restart policy`);
    }
  }
  return out;
}

export function checkDependsOn(p: ComposeProject): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(p.services)) {
    const deps = Array.isArray(s.depends_on)
      ? Object.fromEntries(s.depends_on.map((d) => [String(d), {}]))
      : (asDict(s.depends_on) ?? {});
    for (const [dep, spec] of Object.entries(deps)) {
      const target = p.services[dep];
      if (!target) {
        out.push(`service ${name}: depends_on unknown service ${dep}`);
        continue;
      }
      if (asDict(spec)?.condition === 'service_healthy' && !hasHealthcheck(target)) {
        out.push(`service ${name}: waits for ${dep} to be healthy but ${dep} has no healthcheck`);
      }
    }
  }
  return out;
}

/** Hosts an env value addresses: `host:port` pairs and `scheme://host`. */
function addressedHosts(value: string): string[] {
  const hosts = new Set<string>();
  for (const m of value.matchAll(/\/\/([A-Za-z0-9_.-]+)/g)) hosts.add(m[1]!);
  for (const m of value.matchAll(/(?:^|[\s,;@/])([A-Za-z0-9_.-]+):\d+/g)) hosts.add(m[1]!);
  return [...hosts];
}

function isConsulServer(s: Dict | undefined): boolean {
  return typeof s?.image === 'string' && /(^|\/)consul:/.test(s.image.replace(/^\$\{[^:}]+:-/, ''));
}

export function checkAppEnvironment(p: ComposeProject, rules: ComposeRules): string[] {
  const out: string[] = [];
  for (const name of rules.appServices) {
    const s = p.services[name];
    if (!s) {
      out.push(`app service ${name} is not defined`);
      continue;
    }
    const env = serviceEnv(p, s);
    for (const key of rules.requiredAppEnv) {
      if (!env.has(key)) out.push(`service ${name}: missing env ${key}`);
    }
    // Least privilege: exactly the secrets the kind uses (the gateway: no database or JWT secret; the web: only
    // its session key), and its own Consul token. Any other secret-named env is a secret it does not use.
    const uses = new Set<string>(SECRETS_OF_KIND[name] ?? []);
    for (const key of uses) if (!env.has(key)) out.push(`service ${name}: missing env ${key}`);
    const secretKeys = new Set([
      ...APP_SECRETS,
      ...[...env.keys()].filter((k) => SECRET_ENV.test(k) && k !== 'CONSUL_HTTP_TOKEN'),
    ]);
    for (const key of secretKeys) {
      if (!uses.has(key) && env.has(key)) out.push(`service ${name}: gets ${key}, a secret it does not use`);
    }
    if (uses.has('DB_PASSWORD'))
      for (const key of ['DB_NAME', 'DB_USER'])
        if (!env.has(key)) out.push(`service ${name}: missing env ${key}`);
    if (uses.has('REDIS_PASSWORD') && !env.has('REDIS_SENTINEL_MASTER'))
      out.push(`service ${name}: missing env REDIS_SENTINEL_MASTER`);
    for (const key of rules.requiredKindEnv[name] ?? []) {
      if (!env.has(key)) out.push(`service ${name}: missing env ${key}`);
    }
    if (
      env.has('WEB_TILE_URL') &&
      interpolate(env.get('WEB_TILE_URL')!, p.envExample).startsWith('/tiles/')
    ) {
      out.push(`service ${name}: WEB_TILE_URL is the stand-in tile server, which production refuses`);
    }
    const token = env.get('CONSUL_HTTP_TOKEN');
    const tokenVar = `CONSUL_TOKEN_${name.toUpperCase().replace(/-/g, '_')}`;
    if (token !== undefined && !new RegExp(`^\\$\\{${tokenVar}[:}]`).test(token)) {
      out.push(`service ${name}: CONSUL_HTTP_TOKEN must be its own kind's token \${${tokenVar}}`);
    }
    if (env.has('NODE_ENV') && env.get('NODE_ENV') !== 'production') {
      out.push(`service ${name}: NODE_ENV must be production, is ${env.get('NODE_ENV')}`);
    }
    if (env.has('SERVICE_NAME') && env.get('SERVICE_NAME') !== name) {
      out.push(`service ${name}: SERVICE_NAME is ${env.get('SERVICE_NAME')}`);
    }
    const consul = env.get('CONSUL_HTTP_ADDR');
    if (consul !== undefined) {
      const entries = consul.split(',').map((a) => a.trim().replace(/^https?:\/\//, ''));
      const hosts = entries.map((a) => a.split(':')[0]!);
      for (const [i, entry] of entries.entries()) {
        if (!/^[A-Za-z0-9_.-]+:\d+$/.test(entry))
          out.push(`service ${name}: CONSUL_HTTP_ADDR entry "${entry}" is not host:port`);
        else if (!isConsulServer(p.services[hosts[i]!]))
          out.push(`service ${name}: CONSUL_HTTP_ADDR names ${hosts[i]}, not a Consul server of this file`);
      }
      if (new Set(hosts).size < 3)
        out.push(
          `service ${name}: CONSUL_HTTP_ADDR must list the 3 Consul servers, lists ${new Set(hosts).size}`,
        );
    }
    for (const [key, value] of env) {
      if (FORBIDDEN_APP_ENV.test(key))
        out.push(`service ${name}: static upstream env ${key} (use Consul discovery)`);
      if (key === 'CONSUL_HTTP_ADDR') continue;
      for (const host of addressedHosts(value)) {
        if (host in p.services && !rules.externalServices.includes(host)) {
          out.push(
            `service ${name}: env ${key} addresses ${host} directly (only CONSUL_HTTP_ADDR may name mesh hosts)`,
          );
        }
      }
    }
  }
  return out;
}

function hostPortOf(spec: unknown, env: ReadonlyMap<string, string>): number | undefined {
  if (typeof spec === 'number') return spec;
  const d = asDict(spec);
  if (d) return d.published === undefined ? undefined : Number(interpolate(String(d.published), env));
  const s = interpolate(String(spec), env).replace(/\/(tcp|udp)$/, '');
  const parts = s.split(':');
  // "container" alone publishes on a random host port; "host:container" / "ip:host:container"
  return parts.length >= 2 ? Number(parts[parts.length - 2]) : Number.NaN;
}

export function checkScalingAndPorts(p: ComposeProject, rules: ComposeRules): string[] {
  const out: string[] = [];
  for (const name of rules.scalableServices) {
    const s = p.services[name];
    if (!s) {
      out.push(`scalable service ${name} is not defined`);
      continue;
    }
    if (s.container_name !== undefined) out.push(`service ${name}: container_name prevents --scale`);
    if (s.hostname !== undefined)
      out.push(`service ${name}: a fixed hostname gives every replica the same INSTANCE_ID`);
    if (Array.isArray(s.ports) && s.ports.length > 0)
      out.push(`service ${name}: publishes host ports, which prevents --scale`);
  }
  for (const [name, s] of Object.entries(p.services)) {
    if (!Array.isArray(s.ports) || s.ports.length === 0) continue;
    const allowed = rules.publishedPorts[name];
    if (!allowed) {
      out.push(`service ${name}: publishes ports; only ${Object.keys(rules.publishedPorts).join(', ')} may`);
      continue;
    }
    for (const spec of s.ports) {
      const hostPort = hostPortOf(spec, p.envExample);
      if (hostPort === undefined || !allowed.includes(hostPort)) {
        out.push(
          `service ${name}: publishes ${JSON.stringify(spec)}; allowed host ports: ${allowed.join(', ')}`,
        );
      }
    }
  }
  return out;
}

export function checkInterpolation(p: ComposeProject): string[] {
  const out: string[] = [];
  const refs = interpolationRefs(p.strings.join('\n'));
  for (const v of [...refs].sort()) {
    if (!p.envExample.has(v)) out.push(`compose uses \${${v}} but .env.example does not define it`);
  }
  for (const v of p.envExample.keys()) {
    if (!refs.has(v)) out.push(`.env.example defines ${v}, which the compose file does not use`);
  }
  return out;
}

export function checkSecrets(p: ComposeProject): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(p.services)) {
    for (const [key, value] of serviceEnv(p, s)) {
      if (!SECRET_ENV.test(key)) continue;
      if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$/.test(value)) {
        out.push(
          `service ${name}: secret ${key} must be a \${VAR} reference to the env file, without a default`,
        );
      }
    }
    const cmd = Array.isArray(s.command) ? s.command.join(' ') : String(s.command ?? '');
    if (/--requirepass\s+[^$\s]/.test(cmd)) out.push(`service ${name}: literal password on the command line`);
  }
  for (const [key, value] of p.envExample) {
    if (SECRET_ENV.test(key) && !/change-me/.test(value)) {
      out.push(`.env.example: ${key} must hold a change-me placeholder, not a real value`);
    }
  }
  return out;
}

export function checkMountsAndEnvFiles(p: ComposeProject): string[] {
  const out: string[] = [];
  const base = path.resolve(p.root, path.dirname(p.composeFile));
  for (const [name, s] of Object.entries(p.services)) {
    const envFiles = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
    for (const f of envFiles) {
      const d = asDict(f);
      const file = typeof f === 'string' ? f : String(d?.path ?? '');
      if (d?.required === false) continue;
      if (!fs.existsSync(path.resolve(base, file)))
        out.push(`service ${name}: env_file ${file} does not exist`);
    }
    for (const v of Array.isArray(s.volumes) ? s.volumes : []) {
      let type: string;
      let source: string;
      const d = asDict(v);
      if (d) {
        type = String(d.type ?? 'volume');
        source = String(d.source ?? '');
      } else {
        source = interpolate(String(v), p.envExample).split(':')[0]!;
        if (!String(v).includes(':')) continue; // anonymous volume
        type = /^[./~]/.test(source) ? 'bind' : 'volume';
      }
      if (type === 'bind') {
        if (!fs.existsSync(path.resolve(base, source)))
          out.push(`service ${name}: bind mount source ${source} does not exist`);
      } else if (type === 'volume' && source !== '' && !(source in p.volumes)) {
        out.push(`service ${name}: named volume ${source} is not declared under volumes:`);
      }
    }
  }
  return out;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped; `stage` counts FROMs (0-based). */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let stage = -1;
  let current = '';
  const lines = text.split(/\r?\n/);
  for (const line of lines) {
    if (/^\s*#/.test(line)) continue; // also inside a continuation, as Docker does
    const cont = /\\\s*$/.test(line);
    current += (current ? ' ' : '') + line.replace(/\\\s*$/, '').trim();
    if (cont) continue;
    const m = /^(\w+)\s*(.*)$/.exec(current.trim());
    current = '';
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage += 1;
    out.push({ keyword, args: m[2]!, stage });
  }
  return out;
}

/** Source paths of COPY/ADD instructions that read the build context (`--from=` copies are skipped). */
export function copySources(instructions: readonly DockerInstruction[]): string[] {
  const sources: string[] = [];
  for (const ins of instructions) {
    if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
    if (/(^|\s)--from=/.test(ins.args)) continue;
    const rest = ins.args.replace(/^(\s*--[\w-]+(=\S*)?\s+)*/, '').trim();
    const words = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
    for (const src of words.slice(0, -1)) {
      if (!/^https?:\/\//.test(src)) sources.push(src);
    }
  }
  return sources;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === '.git') continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    out.push(r);
    if (e.isDirectory()) out.push(...listFiles(dir, r));
  }
  return out;
}

/** .dockerignore as a predicate over context-relative paths (last matching pattern wins, `!` re-includes). */
export function dockerIgnore(contextDir: string): (rel: string) => boolean {
  const file = path.join(contextDir, '.dockerignore');
  const rules = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => ({
          negate: l.startsWith('!'),
          re: globToRegExp(l.replace(/^!/, '').replace(/^\/+|\/+$/g, '')),
        }))
    : [];
  return (rel) => {
    let ignored = false;
    const parts = rel.split('/');
    for (const r of rules) {
      // a pattern matching a parent folder excludes everything below it
      for (let i = 1; i <= parts.length; i++) {
        if (r.re.test(parts.slice(0, i).join('/'))) {
          ignored = !r.negate;
          break;
        }
      }
    }
    return ignored;
  };
}

/** Every Dockerfile the compose file builds exists, and every path it COPYs/ADDs exists in the context and is not dockerignored. */
export function checkDockerfiles(p: ComposeProject): string[] {
  const out: string[] = [];
  const base = path.resolve(p.root, path.dirname(p.composeFile));
  const seen = new Set<string>();
  for (const [name, s] of Object.entries(p.services)) {
    if (s.build === undefined) continue;
    const build = typeof s.build === 'string' ? { context: s.build } : (asDict(s.build) ?? {});
    const context = path.resolve(base, String(build.context ?? '.'));
    const dockerfile = path.resolve(context, String(build.dockerfile ?? 'Dockerfile'));
    const relDockerfile = path.relative(p.root, dockerfile);
    if (!fs.existsSync(context)) {
      out.push(`service ${name}: build context ${String(build.context)} does not exist`);
      continue;
    }
    if (!fs.existsSync(dockerfile)) {
      out.push(`service ${name}: Dockerfile ${relDockerfile} does not exist`);
      continue;
    }
    if (seen.has(dockerfile)) continue;
    seen.add(dockerfile);
    const ignored = dockerIgnore(context);
    const files = listFiles(context);
    for (const src of new Set(copySources(parseDockerfile(fs.readFileSync(dockerfile, 'utf8'))))) {
      const rel = path.posix
        .normalize(src)
        .replace(/^\.\/?/, '')
        .replace(/\/$/, '');
      if (rel.includes('$')) {
        out.push(`${relDockerfile}: COPY source ${src} depends on a build arg; cannot be checked`);
        continue;
      }
      if (rel === '' || rel === '.') continue;
      const matches = /[*?[]/.test(rel)
        ? files.filter((f) => globToRegExp(rel).test(f))
        : fs.existsSync(path.join(context, rel))
          ? [rel]
          : [];
      if (matches.length === 0)
        out.push(`${relDockerfile}: COPY source ${src} does not exist in the build context`);
      else if (matches.every((m) => ignored(m)))
        out.push(`${relDockerfile}: COPY source ${src} is excluded by .dockerignore`);
    }
  }
  return out;
}

/** The Node service images: multi-stage, tsc build, production-only deps, non-root, healthcheck, dist/main.js. */
export function checkNodeImages(p: ComposeProject, rules: ComposeRules): string[] {
  const out: string[] = [];
  const rootPkg = JSON.parse(fs.readFileSync(path.join(p.root, 'package.json'), 'utf8')) as {
    workspaces?: string[];
  };
  for (const name of rules.appServices) {
    if (!p.services[name]) {
      out.push(`app service ${name} is not defined`);
      continue;
    }
    const build = asDict(p.services[name].build);
    if (!build) {
      out.push(`service ${name}: app service is not built from the repository`);
      continue;
    }
    const ws = String(asDict(build.args)?.WORKSPACE ?? '');
    if (!rootPkg.workspaces?.includes(ws))
      out.push(`service ${name}: build arg WORKSPACE=${ws} is not a workspace of package.json`);
    const dockerfile = path.resolve(
      p.root,
      path.dirname(p.composeFile),
      String(build.context ?? '.'),
      String(build.dockerfile ?? 'Dockerfile'),
    );
    if (!fs.existsSync(dockerfile)) continue; // reported by checkDockerfiles
    const ins = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
    const last = Math.max(...ins.map((i) => i.stage));
    const rel = path.relative(p.root, dockerfile);
    const inStage = (stage: (n: number) => boolean, kw: string, re: RegExp) =>
      ins.some((i) => stage(i.stage) && i.keyword === kw && re.test(i.args));
    if (last < 1) out.push(`${rel}: not multi-stage`);
    if (!inStage((n) => n < last, 'RUN', /\bnpm ci\b/)) out.push(`${rel}: build stage does not run npm ci`);
    if (!inStage((n) => n < last, 'RUN', /\btsc -b\b/)) out.push(`${rel}: build stage does not run tsc -b`);
    if (!inStage((n) => n === last, 'RUN', /npm ci\b.*--omit=dev/))
      out.push(`${rel}: final stage does not install production deps only (npm ci --omit=dev)`);
    const users = ins.filter((i) => i.stage === last && i.keyword === 'USER');
    const user = users[users.length - 1]?.args.trim();
    if (!user || user === 'root' || user === '0') out.push(`${rel}: final stage runs as root`);
    if (!ins.some((i) => i.stage === last && i.keyword === 'HEALTHCHECK'))
      out.push(`${rel}: final stage has no HEALTHCHECK`);
    const start = ins.filter((i) => i.stage === last && (i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD'));
    if (start.length === 0) out.push(`${rel}: final stage has no ENTRYPOINT/CMD`);
    // a workspace with its own build step (services/web: `react-router build`) is built in the build stage
    const wsPkgFile = path.join(p.root, ws, 'package.json');
    const wsPkg = fs.existsSync(wsPkgFile)
      ? (JSON.parse(fs.readFileSync(wsPkgFile, 'utf8')) as {
          name?: string;
          scripts?: Record<string, string>;
        })
      : {};
    if (wsPkg.scripts?.build && wsPkg.scripts.build !== 'tsc -b') {
      const names = [ws, wsPkg.name].filter(Boolean).map((n) => n!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
      const runsBuild = new RegExp(`npm run( -s)? build -w (${names.join('|')})(\\s|$)`);
      if (!inStage((n) => n < last, 'RUN', runsBuild))
        out.push(`${rel}: build stage does not run the build script of ${ws} (${wsPkg.scripts.build})`);
    }
  }
  out.push(...checkWorkspaceManifests(p, rootPkg.workspaces ?? []));
  return [...new Set(out)];
}

/** `npm ci` checks the lockfile against every workspace: each stage that runs it must first COPY every workspace's package.json. */
export function checkWorkspaceManifests(p: ComposeProject, workspaces: readonly string[]): string[] {
  const out: string[] = [];
  const base = path.resolve(p.root, path.dirname(p.composeFile));
  const seen = new Set<string>();
  for (const s of Object.values(p.services)) {
    const build = asDict(s.build);
    if (!build || asDict(build.args)?.WORKSPACE === undefined) continue;
    const dockerfile = path.resolve(
      base,
      String(build.context ?? '.'),
      String(build.dockerfile ?? 'Dockerfile'),
    );
    if (seen.has(dockerfile) || !fs.existsSync(dockerfile)) continue;
    seen.add(dockerfile);
    const rel = path.relative(p.root, dockerfile);
    const ins = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
    for (const [idx, i] of ins.entries()) {
      if (i.keyword !== 'RUN' || !/\bnpm ci\b/.test(i.args)) continue;
      const copied = copySources(ins.slice(0, idx).filter((c) => c.stage === i.stage)).map((src) =>
        path.posix
          .normalize(src)
          .replace(/^\.\/?/, '')
          .replace(/\/$/, ''),
      );
      for (const ws of workspaces) {
        const has = copied.some((c) => c === `${ws}/package.json` || c === ws || c === '' || c === '.');
        if (!has) out.push(`${rel}: stage ${i.stage} runs npm ci without ${ws}/package.json`);
      }
    }
  }
  return out;
}

export function checkComposeProject(p: ComposeProject, rules: ComposeRules): string[] {
  return [
    ...checkImageOrBuild(p),
    ...checkHealthchecks(p, rules),
    ...checkRestartPolicies(p, rules),
    ...checkDependsOn(p),
    ...checkAppEnvironment(p, rules),
    ...checkScalingAndPorts(p, rules),
    ...checkInterpolation(p),
    ...checkSecrets(p),
    ...checkMountsAndEnvFiles(p),
    ...checkDockerfiles(p),
    ...checkNodeImages(p, rules),
  ];
}

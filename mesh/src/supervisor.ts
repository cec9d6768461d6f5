// The mesh supervisor: a detached process that keeps the mesh's components running.
// It starts what the launcher asks for, restarts what crashes (with backoff), kills on request
// (for drills) and stops everything in reverse order. Control: HTTP on a Unix socket of the run folder, mode
// 0600 (only the operator who started the mesh may open it; no web page can post to it). It takes component
// names (and a few settings for app instances), never commands: it builds every process spec itself.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { checkSettingsEnv, specByName } from './components.js';
import type { ComponentStatus, ProcessSpec } from './process-spec.js';
import { resolveProfile } from './profile.js';
import { dirs, loadSecrets } from './run-dir.js';

interface Managed {
  spec: ProcessSpec;
  child: ChildProcess | null;
  restarts: number;
  startedAt: number | null;
  held: boolean;
  restartTimer: NodeJS.Timeout | null;
  backoffMs: number;
  exited: Promise<void>;
}

const profile = resolveProfile();
const pidDir = path.join(profile.runDir, 'pids');
const order: string[] = [];
const managed = new Map<string, Managed>();
let shuttingDown = false;

function log(msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(
    JSON.stringify({ ts: new Date().toISOString(), service: 'mesh-supervisor', msg, ...extra }) + '\n',
  );
}

function readCompanionPid(spec: ProcessSpec): number | null {
  if (!spec.companionPidFile) return null;
  try {
    const pid = Number(fs.readFileSync(spec.companionPidFile, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function launch(m: Managed): void {
  const { spec } = m;
  const out = fs.openSync(spec.logFile, 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', out, out],
    ...(spec.user ? { uid: spec.user.uid, gid: spec.user.gid } : {}),
  });
  fs.closeSync(out);
  m.child = child;
  m.startedAt = Date.now();
  let resolveExit!: () => void;
  m.exited = new Promise((r) => (resolveExit = r));
  if (child.pid) fs.writeFileSync(path.join(pidDir, `${spec.name}.pid`), `${child.pid}\n`);
  log('started', { component: spec.name, pid: child.pid });
  child.on('error', (err) => log('spawn error', { component: spec.name, error: err.message }));
  child.on('exit', (code, signal) => {
    const uptime = m.startedAt ? Date.now() - m.startedAt : 0;
    m.child = null;
    resolveExit();
    log('exited', { component: spec.name, code, signal, uptime_ms: uptime });
    if (shuttingDown || m.held) return;
    // Crash (or kill for a drill): restart with backoff; a process that ran a while restarts fast again.
    m.backoffMs = uptime > 30_000 ? 1000 : Math.min(m.backoffMs * 2, 10_000);
    scheduleRestart(m, m.backoffMs);
  });
}

function scheduleRestart(m: Managed, delay: number): void {
  if (m.restartTimer) clearTimeout(m.restartTimer);
  m.restartTimer = setTimeout(() => {
    m.restartTimer = null;
    if (shuttingDown || m.held || m.child) return;
    m.restarts += 1;
    launch(m);
  }, delay);
}

async function stopOne(m: Managed, hold: boolean): Promise<void> {
  m.held = hold;
  if (m.restartTimer) clearTimeout(m.restartTimer);
  m.restartTimer = null;
  const child = m.child;
  if (!child || child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (m.child === child) {
      child.kill('SIGKILL');
      const companion = readCompanionPid(m.spec);
      if (companion && alive(companion)) process.kill(companion, 'SIGKILL');
    }
  }, m.spec.stopTimeoutMs);
  await m.exited;
  clearTimeout(timer);
  // Patroni stops its postmaster on SIGTERM; make sure no orphan stays behind.
  const companion = readCompanionPid(m.spec);
  if (companion && alive(companion)) {
    process.kill(companion, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(companion) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(companion)) process.kill(companion, 'SIGKILL');
  }
}

async function killOne(
  m: Managed,
  signal: NodeJS.Signals,
  restart: boolean,
  restartDelayMs: number,
): Promise<number | null> {
  const child = m.child;
  if (!child) return null;
  m.held = !restart;
  const pid = child.pid ?? null;
  const companion = readCompanionPid(m.spec);
  child.kill(signal);
  if (companion && alive(companion) && (signal === 'SIGKILL' || signal === 'SIGTERM'))
    process.kill(companion, signal);
  if (signal === 'SIGKILL' || signal === 'SIGTERM') {
    await m.exited;
    if (restart) {
      m.backoffMs = restartDelayMs;
      scheduleRestart(m, restartDelayMs);
    }
  }
  return pid;
}

function status(): ComponentStatus[] {
  return order.map((name) => {
    const m = managed.get(name)!;
    return {
      name,
      kind: m.spec.kind,
      pid: m.child?.pid ?? null,
      port: m.spec.port,
      running: m.child !== null,
      restarts: m.restarts,
      startedAt: m.startedAt ? new Date(m.startedAt).toISOString() : null,
      held: m.held,
    };
  });
}

async function shutdown(): Promise<void> {
  shuttingDown = true;
  // Reverse start order, one kind at a time: apps, then sinks, Patroni, Sentinels, Redis, Consul last.
  const names = [...order].reverse();
  const groups: string[][] = [];
  for (const n of names) {
    const kind = managed.get(n)!.spec.kind;
    const last = groups[groups.length - 1];
    if (last && managed.get(last[0]!)!.spec.kind === kind) last.push(n);
    else groups.push([n]);
  }
  for (const g of groups) await Promise.all(g.map((n) => stopOne(managed.get(n)!, true)));
}

class BadRequest extends Error {}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      reject(new BadRequest('content-type must be application/json'));
      return;
    }
    let data = '';
    req.on('data', (c: Buffer) => {
      data += c.toString();
      if (data.length > 64 * 1024) req.destroy(new BadRequest('body too large'));
    });
    req.on('end', () => {
      try {
        const body: unknown = data ? JSON.parse(data) : {};
        if (typeof body !== 'object' || body === null || Array.isArray(body))
          throw new BadRequest('body must be a JSON object');
        resolve(body as Record<string, unknown>);
      } catch (e) {
        reject(e instanceof BadRequest ? e : new BadRequest(`invalid JSON body: ${(e as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

const server = http.createServer((req, res) => {
  const send = (code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  void (async () => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/status') return send(200, status());
      if (req.method !== 'POST') return send(404, { error: 'not found' });
      const body = await readBody(req);
      const name = String(body['name'] ?? '');
      const m = managed.get(name);
      switch (url.pathname) {
        case '/start': {
          if ('spec' in body || 'command' in body)
            throw new BadRequest('component names only: the supervisor builds every command itself');
          let env: Record<string, string>;
          try {
            env = checkSettingsEnv(body['env']);
          } catch (e) {
            throw new BadRequest((e as Error).message);
          }
          if (m?.child) return send(200, { name, pid: m.child.pid, already: true });
          // The spec is (re)built from the name on every start: configs and secrets as they are now.
          const secrets = loadSecrets(profile);
          if (!secrets) throw new BadRequest(`no secrets in ${profile.runDir}: run "up" first`);
          let spec: ProcessSpec;
          try {
            spec = specByName(profile, secrets, name, env);
          } catch (e) {
            throw new BadRequest((e as Error).message);
          }
          const entry: Managed = m ?? {
            spec,
            child: null,
            restarts: 0,
            startedAt: null,
            held: false,
            restartTimer: null,
            backoffMs: 1000,
            exited: Promise.resolve(),
          };
          entry.spec = spec;
          entry.held = false;
          if (!m) {
            managed.set(name, entry);
            order.push(name);
          }
          if (entry.restartTimer) clearTimeout(entry.restartTimer);
          entry.restartTimer = null;
          launch(entry);
          return send(200, { name, pid: entry.child?.pid });
        }
        case '/stop':
          if (!m) return send(404, { error: `unknown component ${name}` });
          await stopOne(m, true);
          return send(200, { name, stopped: true });
        case '/remove':
          if (!m) return send(404, { error: `unknown component ${name}` });
          await stopOne(m, true);
          managed.delete(name);
          order.splice(order.indexOf(name), 1);
          fs.rmSync(path.join(pidDir, `${name}.pid`), { force: true });
          return send(200, { name, removed: true });
        case '/kill': {
          if (!m) return send(404, { error: `unknown component ${name}` });
          const signal = String(body['signal'] ?? 'SIGKILL') as NodeJS.Signals;
          if (!['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGSTOP', 'SIGCONT'].includes(signal))
            throw new BadRequest(`signal ${signal} is not allowed`);
          const pid = await killOne(
            m,
            signal,
            body['restart'] !== false,
            Number(body['restartDelayMs'] ?? 1000),
          );
          return send(200, { name, pid, signal });
        }
        case '/shutdown':
          await shutdown();
          fs.rmSync(path.join(pidDir, 'supervisor.pid'), { force: true });
          server.close();
          res.on('finish', () => process.exit(0));
          send(200, { stopped: true });
          return;
        default:
          return send(404, { error: 'not found' });
      }
    } catch (e) {
      send(e instanceof BadRequest ? 400 : 500, { error: e instanceof Error ? e.message : String(e) });
    }
  })();
});

fs.mkdirSync(pidDir, { recursive: true });
const exitAfterShutdown = () =>
  void shutdown().then(() => {
    fs.rmSync(path.join(pidDir, 'supervisor.pid'), { force: true });
    fs.rmSync(dirs(profile).supervisorSocket, { force: true });
    process.exit(0);
  });
process.on('SIGTERM', exitAfterShutdown);
process.on('SIGINT', exitAfterShutdown);
const socketPath = dirs(profile).supervisorSocket;

/** A socket file left by a supervisor that died is removed; a live one means another supervisor runs. */
async function clearStaleSocket(): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const live = await new Promise<boolean>((resolve) => {
    const c = net.connect(socketPath);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
  if (live) throw new Error(`another supervisor answers on ${socketPath}`);
  fs.rmSync(socketPath, { force: true });
}

void clearStaleSocket().then(
  () => {
    const umask = process.umask(0o177);
    server.listen(socketPath, () => {
      process.umask(umask);
      fs.chmodSync(socketPath, 0o600);
      fs.writeFileSync(path.join(pidDir, 'supervisor.pid'), `${process.pid}\n`);
      log('listening', { socket: socketPath, profile: profile.name });
    });
  },
  (e: unknown) => {
    log('not started', { error: (e as Error).message });
    process.exit(1);
  },
);

// Integration fixture: on the running mesh infrastructure, one API instance (in this process, registered in
// Consul), web instances as child processes (registered as `web`, route `/`), and a gateway in front.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createLogger, waitFor } from '@mutiroes/platform';
import { connectMesh, ensureWebBuild, launchChromium, type Mesh } from '@mutiroes/mesh';
import { seedDatabase, startWebServer as startApi, type RunningApi } from '@mutiroes/api';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../..');
const WEB_MAIN = path.resolve(here, '../main.ts');
export const run = randomBytes(3).toString('hex');
const log = createLogger({ service: 'web-test', level: process.env['TEST_LOG_LEVEL'] ?? 'warn' });

export interface WebChild {
  name: string;
  proc: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

export interface WebFixture {
  mesh: Mesh;
  env: Record<string, string>;
  api: RunningApi;
  webs: WebChild[];
  /** The gateway's URL (the web app at `/`). */
  base: string;
  startWeb(name: string, extra?: Record<string, string>): Promise<WebChild>;
  stopWeb(c: WebChild, signal?: NodeJS.Signals): Promise<void>;
  launchBrowser(extraArgs?: readonly string[]): Promise<Browser>;
  close(): Promise<void>;
}

function spawnWeb(name: string, env: Record<string, string>, extra: Record<string, string>): WebChild {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', WEB_MAIN], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...env,
      SERVICE_NAME: 'web',
      INSTANCE_ID: name,
      PORT: '0',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_MS: '1500',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const child: WebChild = {
    name,
    proc,
    port: 0,
    output,
    exited: new Promise((r) => proc.once('exit', (code) => r(code))),
  };
  const onData = (b: Buffer) => {
    for (const line of b.toString().split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 5000) output.shift();
      if (line.includes('"web started"')) {
        try {
          child.port = Number((JSON.parse(line) as { port?: number }).port ?? 0);
        } catch {
          /* not JSON */
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  return child;
}

async function stopChild(c: WebChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill(signal);
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 20_000);
  await c.exited;
  clearTimeout(t);
}

async function consulPassing(consul: string, token: string, service: string): Promise<string[]> {
  // Consul runs default-deny: the operator's token (the mesh environment's) reads the catalog.
  const r = await fetch(`http://${consul}/v1/health/service/${service}?passing=true`, {
    headers: { 'x-consul-token': token },
  });
  return ((await r.json()) as Array<{ Service: { ID: string } }>).map((e) => e.Service.ID);
}

export async function openWebFixture(opts: { webs?: number } = {}): Promise<WebFixture> {
  const mesh = await connectMesh();
  const env = mesh.env as Record<string, string>;
  const consul = env['CONSUL_HTTP_ADDR']!.split(',')[0]!;
  await ensureWebBuild((l) => console.log(l));
  const api = await startApi({
    env: {
      ...process.env,
      ...env,
      PORT: '0',
      LOG_LEVEL: 'warn',
      INSTANCE_ID: `api-webtest-${run}`,
      PASSWORD_SCRYPT_N: '1024',
    },
    register: true,
  });
  await seedDatabase(api.deps.db.sequelize, log);
  const webs: WebChild[] = [];
  const startWeb = async (name: string, extra: Record<string, string> = {}) => {
    const c = spawnWeb(name, env, extra);
    webs.push(c);
    await waitFor(
      () =>
        c.port > 0 ||
        (c.proc.exitCode !== null
          ? Promise.reject(new Error(`${name} exited: ${c.output.slice(-5).join('\n')}`))
          : false),
      { timeoutMs: 60_000, intervalMs: 100, description: `${name} to start` },
    );
    if (extra['WEB_REGISTER'] !== 'false') {
      await waitFor(
        async () => (await consulPassing(consul, env['CONSUL_HTTP_TOKEN'] ?? '', 'web')).includes(name),
        {
          timeoutMs: 30_000,
          description: `${name} passing in Consul`,
        },
      );
    }
    return c;
  };
  for (let i = 1; i <= (opts.webs ?? 2); i++) await startWeb(`web-t${i}-${run}`);

  // Through the gateway: the mesh's own, or one started for this test.
  const gateways = (await mesh.status()).filter((c) => c.kind === 'gateway');
  let gateway = gateways.find((c) => c.running)?.name;
  let startedGateway: string | undefined;
  if (!gateway) {
    if (gateways[0]) await mesh.start(gateways[0].name);
    gateway = gateways[0]?.name ?? (await mesh.startInstance('gateway'));
    startedGateway = gateway;
  }
  const port = (
    await waitFor(async () => (await mesh.status()).find((c) => c.name === gateway && c.running && c.port), {
      timeoutMs: 20_000,
      description: 'the gateway',
    })
  ).port;
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/eventos`).catch(() => null))?.status === 200, {
    timeoutMs: 30_000,
    description: 'gateway to route / to web',
  });

  return {
    mesh,
    env,
    api,
    webs,
    base,
    startWeb,
    stopWeb: stopChild,
    async launchBrowser(extraArgs: readonly string[] = []) {
      return launchChromium(extraArgs);
    },
    async close() {
      await Promise.all(webs.map((w) => stopChild(w)));
      if (startedGateway) await mesh.stop(startedGateway);
      await api.stop();
    },
  };
}

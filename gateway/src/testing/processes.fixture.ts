// Integration-test fixtures: real gateway and echo-backend processes on the mesh, and a steady load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { waitFor } from '@mutiroes/platform';

const GATEWAY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REPO = path.resolve(GATEWAY_DIR, '..');
const NODE = [process.execPath, '--conditions=source', '--import', 'tsx'];

export interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  url: string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

function spawnProc(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  logDir: string,
): Proc {
  mkdirSync(logDir, { recursive: true });
  const out = openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(NODE[0]!, [...NODE.slice(1), script], {
    cwd: REPO,
    env: { ...process.env, ...env, PORT: String(port), INSTANCE_ID: name, HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    name,
    port,
    child,
    exited,
    url: `http://127.0.0.1:${port}`,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}

export async function startEcho(
  name: string,
  port: number,
  meshEnv: Record<string, string>,
  opts: { service: string; routes: string; logDir: string },
): Promise<Proc> {
  const p = spawnProc(
    name,
    'gateway/src/testing/echo-backend.ts',
    port,
    { ...meshEnv, SERVICE_NAME: opts.service, ECHO_ROUTES: opts.routes, LOG_LEVEL: 'warn' },
    opts.logDir,
  );
  await waitFor(async () => (await fetch(`${p.url}/health/`)).ok, {
    timeoutMs: 30_000,
    description: `${name} listening`,
  }).catch(async (e: unknown) => {
    await p.kill('SIGKILL'); // not left holding its port for the next run
    throw e;
  });
  return p;
}

export interface GatewayProc extends Proc {
  /** The operator listener (/status, /metrics): port − 20, on 127.0.0.1. */
  adminUrl: string;
}

export async function startGatewayProc(
  name: string,
  port: number,
  meshEnv: Record<string, string>,
  env: Record<string, string>,
  logDir: string,
): Promise<GatewayProc> {
  const adminPort = port - 20;
  const p = spawnProc(
    name,
    'gateway/src/main.ts',
    port,
    { ...meshEnv, SERVICE_NAME: 'gateway', GATEWAY_ADMIN_PORT: String(adminPort), ...env },
    logDir,
  );
  await waitFor(async () => (await fetch(`${p.url}/ready`)).ok, {
    timeoutMs: 90_000,
    description: `${name} ready`,
  }).catch(async (e: unknown) => {
    await p.kill('SIGKILL'); // not left holding its ports for the next run
    throw e;
  });
  return { ...p, adminUrl: `http://127.0.0.1:${adminPort}` };
}

export interface LoadResult {
  ok: number;
  failed: number;
  failures: string[];
  byInstance: Map<string, number>;
}

/** Steady closed-loop load: `concurrency` workers each sending requests back to back until stop(). */
export function steadyLoad(
  origin: string,
  opts: {
    concurrency: number;
    path: string;
    method?: 'GET' | 'POST';
    mix?: boolean;
    headers?: () => Record<string, string>;
  },
): { stop(): Promise<LoadResult>; result: LoadResult } {
  const pool = new Pool(origin, { connections: opts.concurrency, pipelining: 1 });
  const result: LoadResult = { ok: 0, failed: 0, failures: [], byInstance: new Map() };
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const post = opts.mix ? n++ % 2 === 1 : opts.method === 'POST';
      try {
        const r = await pool.request({
          path: opts.path,
          method: post ? 'POST' : 'GET',
          headers: { ...(opts.headers?.() ?? {}), ...(post ? { 'content-type': 'application/json' } : {}) },
          body: post ? '{"n":1}' : null,
        });
        await r.body.dump();
        const inst = String(r.headers['x-instance'] ?? '?');
        result.byInstance.set(inst, (result.byInstance.get(inst) ?? 0) + 1);
        if (r.statusCode === 200) result.ok++;
        else {
          result.failed++;
          if (result.failures.length < 20)
            result.failures.push(`${post ? 'POST' : 'GET'} ${r.statusCode} from ${inst}`);
        }
      } catch (e) {
        result.failed++;
        if (result.failures.length < 20)
          result.failures.push(`${post ? 'POST' : 'GET'} error ${(e as Error).message}`);
      }
    }
  };
  const workers = Array.from({ length: opts.concurrency }, worker);
  return {
    result,
    async stop() {
      running = false;
      await Promise.all(workers);
      await pool.close();
      return result;
    },
  };
}

/** Consul's view of a service's passing instance ids (straight from the HTTP API, for timing assertions). */
export async function passingIds(consulHttp: string, service: string): Promise<string[]> {
  const token = process.env['CONSUL_HTTP_TOKEN'];
  const r = await fetch(`http://${consulHttp}/v1/health/service/${service}?passing=true`, {
    headers: token ? { 'x-consul-token': token } : {},
  });
  const body = (await r.json()) as Array<{ Service: { ID: string } }>;
  return body.map((e) => e.Service.ID).sort();
}

/** `adminUrl`: the gateway's operator listener (its public port has no /status). */
export async function gatewayStatus(adminUrl: string): Promise<{
  retries: number;
  requests: number;
  in_flight: number;
  consul_view_age_s: number;
  routes: Array<{ prefix: string; service: string; instances: Array<{ id: string; ejected: boolean }> }>;
  rate_limits: string;
}> {
  return (await (await fetch(`${adminUrl}/status?format=json`)).json()) as never;
}

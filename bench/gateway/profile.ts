// CPU profile of the gateway's proxy path: one in-process gateway (static catalog, no Consul/Redis) in front of
// 3 echo-backend processes, loaded by wrk; writes a .cpuprofile and prints the top self-time functions.
//   node --conditions=source --import tsx bench/gateway/profile.ts        (env: PROFILE_SECONDS 8, PROFILE_ACCESS_LOG 1)
// PROFILE_CPU_ONLY=1 runs without the profiler and prints only the gateway's CPU µs per request (user + system),
// to compare changes to the proxy path quickly. PROFILE_HEAP=1 prints the bytes allocated per request by function
// and the GCs per 1 000 requests instead; PROFILE_RATE=500 a light bursty load and the GCs it causes.
import { spawn, type ChildProcess } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PerformanceObserver, constants as perf } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@mutiroes/platform';
import { loadConfig } from '../../gateway/src/config.js';
import { startGateway } from '../../gateway/src/gateway.js';
import { StaticCatalog, instance } from '../../gateway/src/testing/static-catalog.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env['PROFILE_SECONDS'] ?? 8);
const B = Number(process.env['MESH_PORT_BASE'] ?? 24500);
const ports = [B + 60, B + 61, B + 62];

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface Node {
  id: number;
  callFrame: CallFrame;
  hitCount: number;
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

/** `function path:line` of a profile frame, paths relative to node_modules or the repository. */
function frameKey(f: CallFrame): string {
  return `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, '').replace(`file://${ROOT}/`, '')}:${f.lineNumber + 1}`;
}

/** The request count wrk reports. */
function wrkRequests(out: string): number {
  return Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
}

/**
 * Bytes the gateway allocates per request, by allocating function: V8's sampling heap profiler, counting the
 * objects minor and major GCs collected too (what a proxy allocates is nearly all short-lived), beside the
 * number of GCs per 1 000 requests.
 */
async function allocationProfile(session: Session, wrk: () => Promise<string>): Promise<void> {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const { result: out, ...gcs } = await countingGcs(wrk);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
  const n = wrkRequests(out);
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode) => {
    const k = frameKey(node.callFrame);
    bySite.set(k, (bySite.get(k) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  process.stderr.write(
    `${n} requests; allocated ${(total / n).toFixed(0)} B/request (sampled); GCs per 1 000 requests: ${((1000 * gcs.minor) / n).toFixed(2)} minor, ${((1000 * gcs.major) / n).toFixed(2)} major (${gcs.ms.toFixed(0)} ms in all)\n`,
  );
  const top = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env['PROFILE_TOP'] ?? 30));
  for (const [k, v] of top) process.stderr.write(`${(v / n).toFixed(0).padStart(7)} B/req  ${k}\n`);
}

/** GCs of this process while `fn` runs: minor (scavenges) and major counts, and their summed pause. */
async function countingGcs<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; minor: number; major: number; ms: number; maxMs: number }> {
  const gcs = { minor: 0, major: 0, ms: 0, maxMs: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = ((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
      if (kind === perf.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else gcs.major++;
      gcs.ms += e.duration;
      gcs.maxMs = Math.max(gcs.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  try {
    return { result: await fn(), ...gcs };
  } finally {
    obs.disconnect();
  }
}

/**
 * A light, bursty load like bench-gateway's constant-rate phase, where each target gets 0.25 s slices in turn:
 * PROFILE_BURSTS bursts (default 32) of 125 requests at `rate` r/s (autocannon, 10 connections, its own process),
 * each after 1.25 s idle. Prints the gateway's GCs per 1 000 requests and their pauses: with little to allocate
 * between bursts V8 shrinks the young generation. Compare runs with and without a Node flag
 * (node <flag> --conditions=source --import tsx bench/gateway/profile.ts).
 */
async function burstyRate(url: string, rate: number): Promise<void> {
  const bursts = Number(process.env['PROFILE_BURSTS'] ?? 32);
  const burst = () =>
    new Promise<number>((resolve, reject) => {
      const a = spawn(path.join(ROOT, 'node_modules/.bin/autocannon'), [
        '-j',
        '-c10',
        `-R${rate}`,
        `-a${Math.round(rate / 4)}`,
        `${url}/api/bench`,
      ]);
      let t = '';
      a.stdout.on('data', (c) => (t += c));
      a.on('exit', () => resolve((JSON.parse(t) as { requests: { total: number } }).requests.total));
      a.on('error', reject);
    });
  await burst(); // warm-up
  const {
    result: n,
    minor,
    major,
    ms,
    maxMs,
  } = await countingGcs(async () => {
    let total = 0;
    for (let i = 0; i < bursts; i++) {
      await new Promise((r) => setTimeout(r, 1250));
      total += await burst();
    }
    return total;
  });
  process.stderr.write(
    `${n} requests in ${bursts} bursts at ${rate} r/s; GCs per 1 000 requests: ${((1000 * minor) / n).toFixed(2)} minor, ${((1000 * major) / n).toFixed(2)} major; pauses ${ms.toFixed(1)} ms in all, the longest ${maxMs.toFixed(1)} ms\n`,
  );
}

async function main(): Promise<void> {
  const kids: ChildProcess[] = ports.map((p, i) =>
    spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'gateway/src/testing/echo-backend.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(p),
          INSTANCE_ID: `pb${i + 1}`,
          ECHO_REGISTER: '0',
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      },
    ),
  );
  try {
    const catalog = new StaticCatalog();
    const log = createLogger({ service: 'gateway', instance: 'profile', level: 'warn' });
    const config = loadConfig({
      PORT: String(B + 80),
      INSTANCE_ID: 'gw-profile',
      GATEWAY_RATE_LIMIT: 'false',
      GATEWAY_ACCESS_LOG: process.env['PROFILE_ACCESS_LOG'] ?? 'true',
    });
    const gw = await startGateway(config, { catalog, redis: null, log });
    catalog.set(ports.map((p, i) => instance('api', `pb${i + 1}`, p)));
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${gw.url}/api/bench`)).ok) break;
      } catch {
        /* backends booting */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const wrk = () =>
      new Promise<string>((resolve, reject) => {
        const w = spawn('wrk', ['-t1', '-c64', `-d${SECONDS}s`, `${gw.url}/api/bench`]);
        let t = '';
        w.stdout.on('data', (c) => (t += c));
        w.on('exit', () => resolve(t));
        w.on('error', reject);
      });
    if (process.env['PROFILE_CPU_ONLY'] === '1') {
      await wrk(); // warm-up (JIT, pools)
      const c0 = process.cpuUsage();
      const out = await wrk();
      const c = process.cpuUsage(c0);
      const n = wrkRequests(out);
      const gc = (globalThis as { gc?: () => void }).gc;
      if (gc) {
        gc();
        process.stderr.write(
          `heap used after the run and a full GC: ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB\n`,
        );
      }
      process.stderr.write(
        `${n} requests; gateway CPU ${((c.user + c.system) / n).toFixed(1)} µs/request (user ${(c.user / n).toFixed(1)}, system ${(c.system / n).toFixed(1)})\n`,
      );
      await gw.close();
      return;
    }
    if (process.env['PROFILE_RATE']) {
      await burstyRate(gw.url, Number(process.env['PROFILE_RATE']));
      await gw.close();
      return;
    }
    const session = new Session();
    session.connect();
    if (process.env['PROFILE_HEAP'] === '1') {
      await wrk(); // warm-up (JIT, pools)
      await allocationProfile(session, wrk);
      await gw.close();
      return;
    }
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const out = await wrk();
    const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: Node[] } };
    const file = path.join(tmpdir(), 'gateway.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(
      out
        .split('\n')
        .filter((l) => /Requests\/sec|Latency/.test(l))
        .join('\n') + '\n',
    );
    const self = new Map<string, number>();
    let total = 0;
    for (const n of profile.nodes) {
      total += n.hitCount;
      const k = frameKey(n.callFrame);
      self.set(k, (self.get(k) ?? 0) + n.hitCount);
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env['PROFILE_TOP'] ?? 40));
    for (const [k, v] of top) process.stderr.write(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}\n`);
    process.stderr.write(`profile: ${file}\n`);
    await gw.close();
  } finally {
    for (const k of kids) k.kill('SIGTERM');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

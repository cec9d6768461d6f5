// Runs one failover drill on a running mesh: steady mixed load through the gateway, a real fault,
// recovery, then counts what was lost. Prints progress, a table, writes JSON; non-zero when anything
// acknowledged was lost (or, for drills that promise it, when any client request failed).
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sleep, waitFor } from '@mutiroes/platform';
import type { Mesh } from '../mesh.js';
import { repoRoot } from '../run-dir.js';
import { LoadGenerator, longestGap, type Operation } from './load-generator.js';
import { MutiroesClient } from './mutiroes-client.js';

export interface DrillContext {
  mesh: Mesh;
  runId: string;
  say: (line: string) => void;
  /** Facts a drill wants in its report (e.g. which process was killed). */
  facts: Record<string, string | number | boolean>;
}

export interface DrillSpec {
  name: string;
  proves: string;
  /** Client requests must not fail at all (API kill, rolling restart). */
  zeroFailedRequests: boolean;
  fault: (ctx: DrillContext) => Promise<void>;
  /** Polled after the fault until true: the system recovered. */
  recovered: (ctx: DrillContext) => Promise<boolean>;
  /** After recovery (load still running): e.g. restart the killed node and wait until it rejoined. */
  afterRecovery?: (ctx: DrillContext) => Promise<void>;
  recoveryTimeoutMs?: number;
  /**
   * A welcome e-mail re-sent with the same Message-ID counts once (ADR 0003: the send whose `sent` mark could not
   * be committed — the worker lost the database — is repeated with the same deterministic Message-ID, which
   * receivers dedupe). Such redeliveries are still reported, as jobs_redelivered_same_message_id.
   */
  sameMessageIdCountsOnce?: boolean;
}

export interface DrillOptions {
  /** 1 for an operator's drill; lower in the test suite. */
  scale: number;
  ratePerSec: number;
  gatewayUrl: string;
  /** The gateway's operator listener (/metrics: retries); unset = retries not counted. */
  gatewayAdminUrl?: string;
  resultsDir?: string;
  say?: (line: string) => void;
}

export interface DrillResult {
  drill: string;
  proves: string;
  passed: boolean;
  requests: number;
  failed_requests: number;
  failed_by_status: Record<string, number>;
  retried_by_gateway: number | null;
  /** Keyed writes answered 409 "still in progress" that the client waited on and sent again (same key). */
  client_waits_in_progress: number;
  writes_acknowledged: number;
  writes_acknowledged_missing: number;
  writes_committed_but_reported_failed: number;
  jobs_acknowledged: number;
  jobs_never_processed: number;
  jobs_processed_twice: number;
  /** E-mails delivered more than once with the same Message-ID (counted in jobs_processed_twice unless the spec says they count once). */
  jobs_redelivered_same_message_id: number;
  time_to_recovery_s: number;
  longest_write_gap_s: number;
  longest_read_gap_s: number;
  p50_ms: number;
  p99_ms: number;
  facts: Record<string, string | number | boolean>;
}

const PASSWORD = 'Drill-passw0rd-for-mutiroes';

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

function clientIp(seq: number): string {
  // Documentation range (RFC 5737): a header value only, nothing is ever sent there.
  return `198.51.100.${(seq % 250) + 1}`;
}

async function gatewayRetries(gatewayAdminUrl: string | undefined): Promise<number | null> {
  if (!gatewayAdminUrl) return null;
  try {
    const text = await (
      await fetch(`${gatewayAdminUrl}/metrics`, { signal: AbortSignal.timeout(2000) })
    ).text();
    if (!text.includes('gateway_retries_total')) return null;
    let sum = 0;
    for (const line of text.split('\n')) {
      if (/^gateway_retries_total(\{|\s)/.test(line)) sum += Number(line.trim().split(/\s+/).pop());
    }
    return sum;
  } catch {
    return null;
  }
}

export async function runDrill(mesh: Mesh, spec: DrillSpec, opts: DrillOptions): Promise<DrillResult> {
  const say = opts.say ?? ((l: string) => process.stdout.write(`[drill-${spec.name}] ${l}\n`));
  const runId = randomUUID().slice(0, 8);
  const ctx: DrillContext = { mesh, runId, say, facts: {} };
  const base = opts.gatewayUrl;
  let inProgressWaits = 0;
  const client = (ip: string) =>
    new MutiroesClient({ baseUrl: base, clientIp: ip, onInProgress: () => void inProgressWaits++ });
  say(`run ${runId}: ${spec.proves}`);

  // Setup: an organiser with a published event to read and comment on.
  const org = new MutiroesClient({ baseUrl: base, clientIp: clientIp(0) });
  const orgEmail = `drill-${runId}-org@drill.mutiroes.test`;
  const reg = await org.register(`drill_${runId}_org`, orgEmail, PASSWORD);
  if (reg.status !== 201)
    throw new Error(`setup: register organiser → ${reg.status} ${JSON.stringify(reg.body)}`);
  await org.login(orgEmail, PASSWORD);
  const cats = await org.request<{ id: number }[]>('GET', '/api/events/categories/');
  const start = new Date(Date.now() + 7 * 86400_000);
  const ev = await org.request<{ id: number }>('POST', '/api/events/', {
    title: `Drill ${runId}: limpeza da praia`,
    description: 'Mutirão de teste de failover',
    category: cats.body[0]?.id,
    address: 'Praia de Iracema',
    latitude: -3.7197,
    longitude: -38.5123,
    city: 'Fortaleza',
    state: 'CE',
    start_date: start.toISOString(),
    end_date: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    registration_deadline: new Date(start.getTime() - 86400_000).toISOString(),
    max_participants: 1000,
    status: 'published',
    is_public: true,
  });
  if (ev.status !== 201) throw new Error(`setup: create event → ${ev.status} ${JSON.stringify(ev.body)}`);
  const eventId = ev.body.id;
  const retriesBefore = await gatewayRetries(opts.gatewayAdminUrl);

  const ops: Operation[] = [
    {
      op: 'read-list',
      weight: 5,
      run: async (seq) => {
        const r = await client(clientIp(seq)).request('GET', '/api/events/?page_size=5');
        return { status: r.status, ok: r.ok };
      },
    },
    {
      op: 'read-detail',
      weight: 3,
      run: async (seq) => {
        const r = await client(clientIp(seq)).request('GET', `/api/events/${eventId}/`);
        return { status: r.status, ok: r.ok };
      },
    },
    {
      op: 'write',
      weight: 3,
      run: async (seq) => {
        const c = client(clientIp(seq));
        c.token = org.token;
        const r = await c.request<{ id: number }>(
          'POST',
          `/api/events/${eventId}/comments/`,
          { content: `drill:${runId}:${seq}` },
          {},
          `drill:${runId}:${seq}`,
        );
        return { status: r.status, ok: r.status === 201, ack: r.status === 201 ? r.body.id : undefined };
      },
    },
    {
      op: 'job',
      weight: 1,
      run: async (seq) => {
        const email = `drill-${runId}-${seq}@drill.mutiroes.test`;
        const r = await client(clientIp(seq)).register(`drill_${runId}_${seq}`, email, PASSWORD);
        return { status: r.status, ok: r.status === 201, ack: r.status === 201 ? email : undefined };
      },
    },
  ];
  // Page loads of the web app (route `/`), when the mesh runs it: server-rendered HTML of the list and the event.
  const webUp =
    (await fetch(`${base}/eventos`, { headers: { 'x-forwarded-for': clientIp(1) } }).catch(() => null))
      ?.status === 200;
  if (webUp) {
    ops.push({
      op: 'page',
      weight: 2,
      run: async (seq) => {
        const path = seq % 2 ? `/eventos/${eventId}` : '/eventos';
        const r = await fetch(`${base}${path}`, {
          headers: { 'x-forwarded-for': clientIp(seq) },
          signal: AbortSignal.timeout(30_000),
        });
        const html = await r.text();
        return { status: r.status, ok: r.status === 200 && html.includes('</html>') };
      },
    });
  }
  const load = new LoadGenerator({ ratePerSec: opts.ratePerSec, maxInFlight: 200, operations: ops });
  const progress = setInterval(() => {
    const o = load.outcomes;
    const failed = o.filter((x) => !x.ok).length;
    const acked = o.filter((x) => x.op === 'write' && x.ack !== undefined).length;
    say(
      `${(load.elapsedMs / 1000).toFixed(1)} s: ${o.length} requests, ${failed} failed, ${acked} writes acknowledged`,
    );
  }, 2000);

  load.start();
  await sleep(3000 * opts.scale + 1000); // steady state before the fault
  const tFault = load.elapsedMs;
  say('fault: ' + spec.name);
  await spec.fault(ctx);
  const rec = await waitFor(async () => (await spec.recovered(ctx)) && load.elapsedMs, {
    timeoutMs: spec.recoveryTimeoutMs ?? 120_000,
    intervalMs: 100,
    description: `recovery after the ${spec.name} fault`,
  });
  const timeToRecovery = (rec - tFault) / 1000;
  say(`recovered after ${timeToRecovery.toFixed(1)} s`);
  if (spec.afterRecovery) await spec.afterRecovery(ctx);
  await sleep(3000 * opts.scale + 1000); // steady state after recovery
  await load.stop();
  clearInterval(progress);
  const tEnd = load.elapsedMs;

  // Count: writes acknowledged but missing, committed but reported failed.
  const outcomes = load.outcomes;
  const ackedWrites = outcomes
    .filter((o) => o.op === 'write' && o.ack !== undefined)
    .map((o) => Number(o.ack));
  // The count needs the primary; right after a fault it may still be settling.
  const primary = await waitFor(() => mesh.pgPrimary().catch(() => null), {
    timeoutMs: 120_000,
    intervalMs: 500,
    description: 'a Patroni primary to count the rows on',
  });
  const db = new pg.Client({
    host: primary.host,
    port: primary.port,
    user: 'postgres',
    password: mesh.secrets.pgSuperuserPassword,
    database: 'mutiroes',
  });
  await db.connect();
  let missing = 0;
  let committedButFailed = 0;
  try {
    const found = await db.query<{ id: number; content: string }>(
      'select id, content from event_comments where content like $1',
      [`drill:${runId}:%`],
    );
    const ids = new Set(found.rows.map((r) => Number(r.id)));
    missing = ackedWrites.filter((id) => !ids.has(id)).length;
    committedButFailed = Math.max(0, found.rowCount! - ackedWrites.length);
  } finally {
    await db.end();
  }

  // Jobs: every acknowledged registration gets exactly one welcome e-mail.
  const ackedJobs = outcomes.filter((o) => o.op === 'job' && o.ack !== undefined).map((o) => String(o.ack));
  const sinkUrl = mesh.env['SMTP_SINK_URL']!;
  const redelivered = new Set<string>();
  const mailCount = async () => {
    const list = (await (await fetch(`${sinkUrl}/messages`)).json()) as {
      to: string[];
      headers?: Record<string, string>;
    }[];
    const count = new Map<string, number>();
    const seen = new Set<string>();
    for (const m of list) {
      for (const to of m.to) {
        if (!to.startsWith(`drill-${runId}-`)) continue;
        const key = `${to} ${m.headers?.['message-id'] ?? Math.random()}`;
        if (seen.has(key)) {
          redelivered.add(to);
          if (spec.sameMessageIdCountsOnce) continue;
        }
        seen.add(key);
        count.set(to, (count.get(to) ?? 0) + 1);
      }
    }
    return count;
  };
  let mails = await mailCount();
  try {
    await waitFor(
      async () => {
        mails = await mailCount();
        return ackedJobs.every((e) => (mails.get(e) ?? 0) >= 1);
      },
      {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: 'a welcome e-mail for every acknowledged registration',
      },
    );
  } catch {
    /* counted below */
  }
  await sleep(1000); // a duplicate delivery, if any, shows up right behind the first
  mails = await mailCount();
  const retriesAfter = await gatewayRetries(opts.gatewayAdminUrl);

  const failedOutcomes = outcomes.filter((o) => !o.ok);
  const byStatus: Record<string, number> = {};
  for (const o of failedOutcomes)
    byStatus[o.status === 0 ? (o.error ?? 'network') : String(o.status)] =
      (byStatus[o.status === 0 ? (o.error ?? 'network') : String(o.status)] ?? 0) + 1;
  const result: DrillResult = {
    drill: spec.name,
    proves: spec.proves,
    passed: false,
    requests: outcomes.length,
    failed_requests: failedOutcomes.length,
    failed_by_status: byStatus,
    retried_by_gateway: retriesBefore !== null && retriesAfter !== null ? retriesAfter - retriesBefore : null,
    client_waits_in_progress: inProgressWaits,
    writes_acknowledged: ackedWrites.length,
    writes_acknowledged_missing: missing,
    writes_committed_but_reported_failed: committedButFailed,
    jobs_acknowledged: ackedJobs.length,
    jobs_never_processed: ackedJobs.filter((e) => (mails.get(e) ?? 0) === 0).length,
    jobs_processed_twice: ackedJobs.filter((e) => (mails.get(e) ?? 0) > 1).length,
    jobs_redelivered_same_message_id: ackedJobs.filter((e) => redelivered.has(e)).length,
    time_to_recovery_s: Number(timeToRecovery.toFixed(2)),
    longest_write_gap_s: Number((longestGap(outcomes, 'write', tFault - 1000, tEnd) / 1000).toFixed(2)),
    longest_read_gap_s: Number(
      (
        longestGap(
          outcomes.filter((o) => o.op.startsWith('read')),
          null,
          tFault - 1000,
          tEnd,
        ) / 1000
      ).toFixed(2),
    ),
    p50_ms: Number(
      pct(
        outcomes.map((o) => o.latencyMs),
        50,
      ).toFixed(1),
    ),
    p99_ms: Number(
      pct(
        outcomes.map((o) => o.latencyMs),
        99,
      ).toFixed(1),
    ),
    facts: ctx.facts,
  };
  result.passed =
    result.writes_acknowledged_missing === 0 &&
    result.jobs_never_processed === 0 &&
    result.jobs_processed_twice === 0 &&
    (!spec.zeroFailedRequests || result.failed_requests === 0) &&
    result.writes_acknowledged > 0;

  const dir = opts.resultsDir ?? path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `drill-${spec.name}.json`), JSON.stringify(result, null, 2) + '\n');
  return result;
}

export function formatTable(results: DrillResult[]): string {
  const rows: [string, (r: DrillResult) => string][] = [
    ['passed', (r) => (r.passed ? 'yes' : 'NO')],
    ['requests', (r) => String(r.requests)],
    ['failed requests', (r) => String(r.failed_requests)],
    ['retried by gateway', (r) => (r.retried_by_gateway === null ? '-' : String(r.retried_by_gateway))],
    ['client waits (409 in progress)', (r) => String(r.client_waits_in_progress)],
    ['writes acknowledged', (r) => String(r.writes_acknowledged)],
    ['acked writes missing', (r) => String(r.writes_acknowledged_missing)],
    ['committed, reported failed', (r) => String(r.writes_committed_but_reported_failed)],
    ['jobs acknowledged', (r) => String(r.jobs_acknowledged)],
    ['jobs never processed', (r) => String(r.jobs_never_processed)],
    ['jobs processed twice', (r) => String(r.jobs_processed_twice)],
    ['same Message-ID re-sent', (r) => String(r.jobs_redelivered_same_message_id)],
    ['time to recovery (s)', (r) => r.time_to_recovery_s.toFixed(1)],
    ['longest write gap (s)', (r) => r.longest_write_gap_s.toFixed(1)],
    ['longest read gap (s)', (r) => r.longest_read_gap_s.toFixed(1)],
    ['latency p50 / p99 (ms)', (r) => `${r.p50_ms} / ${r.p99_ms}`],
  ];
  const head = ['', ...results.map((r) => `drill-${r.drill}`)];
  const body = rows.map(([label, f]) => [label, ...results.map(f)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  return [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

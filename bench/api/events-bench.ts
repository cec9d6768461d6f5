// make bench-api: seeds 10k/100k/1M events, loads list, detail and nearby with autocannon against a real API
// instance, prints p50/p99/req/s and the body size per size, writes bench/results/api.json and the EXPLAIN of the
// nearby and detail queries at each size. Refuses to report (exit 1) when a page is not the expected one (empty
// list, empty nearby answer, a detail that is not the event) or when a plan sorts more rows than the page.
// Env: BENCH_SIZES (default 10000,100000,1000000), BENCH_DURATION_S (default 10), BENCH_CONNECTIONS (default 10),
// BENCH_KEEP=1 keeps the seeded events afterwards (default: removed, so a dev mesh is not left with 1M test rows),
// BENCH_ENDPOINTS (default list,detail,nearby) measures only those.
// Sizes are measured in ascending order from an empty bench set: earlier bench rows are removed first.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpus, loadavg } from 'node:os';
import { EventRepository } from '../../services/api/src/data-access/events/event.repository.js';
import { NEARBY_DEFAULT } from '../../services/api/src/domain/events/browse-events.use-case.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const BATCH = 50_000;
const keep = process.env.BENCH_KEEP === '1';
const endpoints = new Set(
  (process.env.BENCH_ENDPOINTS ?? 'list,detail,nearby').split(',').map((s) => s.trim()),
);
// Nearby probes: big Brazilian cities (the seeded events are spread over Brazil, denser around them).
const CITIES: Array<[number, number]> = [
  [-23.5505, -46.6333],
  [-22.9068, -43.1729],
  [-19.9167, -43.9345],
  [-30.0346, -51.2177],
  [-12.9714, -38.5014],
];

async function primaryPort(): Promise<number> {
  for (const addr of (process.env.CONSUL_HTTP_ADDR ?? '127.0.0.1:8500').split(',')) {
    try {
      const res = await fetch(`http://${addr}/v1/health/service/pgha?passing&tag=primary`, {
        headers: { 'x-consul-token': process.env.CONSUL_HTTP_TOKEN ?? '' },
      });
      const list = (await res.json()) as Array<{ Service: { Port: number } }>;
      if (list[0]) return list[0].Service.Port;
    } catch {
      /* next agent */
    }
  }
  throw new Error('no passing pgha primary in Consul (is the mesh up?)');
}

function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--conditions=source',
      '--import',
      'tsx',
      path.join(root, 'bench/api/bench-server.ts'),
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited (${code}) before listening`)));
  });
}

async function seedTo(db: pg.Client, target: number, organizerId: number): Promise<void> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM events WHERE title LIKE 'bench %'`,
  );
  let have = rows[0]!.n;
  if (have >= target) return;
  const started = Date.now();
  while (have < target) {
    const n = Math.min(BATCH, target - have);
    // 70 % around five big cities (±0.5°), 30 % anywhere in Brazil's bounding box; 6 in 7 published, all future.
    await db.query(
      `INSERT INTO events (title, description, category_id, organizer_id, address, latitude, longitude, city, state,
                           start_date, end_date, max_participants, status, is_public, created_at)
       SELECT 'bench ' || g, 'Mutirão de teste número ' || g || ' com coleta seletiva', cats.ids[1 + g % array_length(cats.ids, 1)], $3,
              'Rua ' || (g % 997), lat, lng, 'Cidade ' || (g % 500), 'SP',
              now() + (1 + g % 365) * interval '1 day', now() + (1 + g % 365) * interval '1 day' + interval '4 hours',
              10 + g % 90, CASE WHEN g % 7 = 0 THEN 'draft' ELSE 'published' END, true,
              now() - (g % 1000) * interval '1 hour'
       FROM (SELECT g,
                    round((CASE WHEN (g / 5) % 10 < 7 THEN c.lat + (random() - 0.5) ELSE -33 + random() * 30 END)::numeric, 6) AS lat,
                    round((CASE WHEN (g / 5) % 10 < 7 THEN c.lng + (random() - 0.5) ELSE -73 + random() * 38 END)::numeric, 6) AS lng
             FROM generate_series($1::int, $2::int) g
             JOIN (VALUES ${CITIES.map(([a, b], i) => `(${i}, ${a}, ${b})`).join(', ')}) AS c(i, lat, lng) ON c.i = g % ${CITIES.length}) s,
            (SELECT array_agg(id ORDER BY id) AS ids FROM event_categories) cats`,
      [have + 1, have + n, organizerId],
    );
    have += n;
    const rate = Math.round(have / ((Date.now() - started) / 1000));
    process.stdout.write(
      `\r  seeding events: ${have.toLocaleString('en')} / ${target.toLocaleString('en')} (${rate.toLocaleString('en')} rows/s)   `,
    );
  }
  process.stdout.write('\n');
  await db.query('ANALYZE events');
}

/**
 * Detail must not grow with an event's conversation: 200 of the events the detail load asks for get 80 confirmed
 * participants, 60 comments (30 threads with a reply each) and 10 photos (the rest have none).
 */
async function seedBusyEvents(db: pg.Client, ids: number[]): Promise<void> {
  await db.query(
    `INSERT INTO users (username, email, password_hash)
     SELECT 'bench_vol_' || g, 'bench_vol_' || g || '@example.test', 'x' FROM generate_series(1, 80) g
     ON CONFLICT DO NOTHING`,
  );
  const vols = `(SELECT id, row_number() OVER (ORDER BY id) AS n FROM users WHERE username LIKE 'bench\\_vol\\_%')`;
  await db.query(
    `INSERT INTO event_participants (event_id, user_id, status)
     SELECT e, v.id, 'confirmed' FROM unnest($1::int[]) e, ${vols} v ON CONFLICT DO NOTHING`,
    [ids],
  );
  const todo = (
    await db.query<{ id: number }>(
      `SELECT e AS id FROM unnest($1::int[]) e WHERE NOT EXISTS (SELECT 1 FROM event_comments c WHERE c.event_id = e)`,
      [ids],
    )
  ).rows.map((r) => r.id);
  if (!todo.length) return;
  await db.query(
    `WITH roots AS (
       INSERT INTO event_comments (event_id, user_id, content, created_at)
       SELECT e, v.id, 'Comentário ' || v.n || ': vou levar luvas e sacos.', now() - (100 - v.n) * interval '1 minute'
       FROM unnest($1::int[]) e, ${vols} v WHERE v.n <= 30 RETURNING id, event_id, user_id)
     INSERT INTO event_comments (event_id, user_id, parent_id, content)
     SELECT event_id, user_id, id, 'Resposta: combinado!' FROM roots`,
    [todo],
  );
  await db.query(
    `INSERT INTO event_photos (event_id, user_id, photo, caption, is_before)
     SELECT e, v.id, 'events/bench/' || e || '-' || v.n || '.jpg', 'Antes do mutirão', true
     FROM unnest($1::int[]) e, ${vols} v WHERE v.n <= 10`,
    [todo],
  );
}

async function removeBenchEvents(db: pg.Client): Promise<void> {
  const r = await db.query(`DELETE FROM events WHERE title LIKE 'bench %'`);
  if (r.rowCount) {
    console.log(`  removed ${r.rowCount.toLocaleString('en')} bench events`);
    await db.query('VACUUM ANALYZE events');
    // A million deleted rows leave the GiST index mostly empty pages (a GiST does not shrink); the next run
    // would measure that debris, not the rows it seeded.
    await db.query('REINDEX INDEX events_earth_idx');
  }
}

interface Row {
  size: number;
  endpoint: string;
  body_bytes: number;
  /** CPU time of the API process per request (user + system): what the machine's load does not inflate much. */
  api_cpu_us_per_req: number;
  /** CPU time of every postgres process on the machine per request (the primary's backends do the work). */
  pg_cpu_us_per_req: number;
  p50_ms: number;
  p99_ms: number;
  req_per_s: number;
  errors: number;
  non2xx: number;
}

/** One request of the kind the load sends: refuses to measure a page that is not the expected one. */
async function probePage(url: string, endpoint: string, path: string): Promise<number> {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  const fail = (why: string) => {
    throw new Error(
      `[bench-api] ${endpoint} ${path}: ${why} (HTTP ${res.status}, ${text.length} B: ${text.slice(0, 120)}) — not reporting`,
    );
  };
  if (res.status !== 200) fail('not 200');
  const body = JSON.parse(text) as
    { count?: number; results?: unknown[]; id?: number; title?: string } | unknown[];
  if (endpoint === 'list') {
    const b = body as { count?: number; results?: unknown[] };
    if (!(b.count! > 0) || !b.results?.length) fail('empty list');
  } else if (endpoint === 'nearby') {
    if (!Array.isArray(body) || body.length === 0) fail('no event nearby');
    if (body.length > NEARBY_DEFAULT)
      fail(`nearby answered ${body.length} events, more than its default page`);
  } else if (
    typeof (body as { id?: number }).id !== 'number' ||
    !(body as { title?: string }).title?.startsWith('bench ')
  )
    fail('not a bench event');
  return Buffer.byteLength(text);
}

interface PlanNode {
  'Node Type': string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

/** Rows fed into every Sort node of a plan (EXPLAIN ANALYZE, FORMAT JSON). */
function sortedRows(n: PlanNode, out: number[] = []): number[] {
  if (/Sort/.test(n['Node Type']))
    out.push((n.Plans ?? []).reduce((a, c) => a + c['Actual Rows'] * c['Actual Loops'], 0));
  for (const c of n.Plans ?? []) sortedRows(c, out);
  return out;
}

async function explain(
  db: pg.Client,
  q: { text: string; values: unknown[] },
): Promise<{ text: string; sorted: number[] }> {
  const text = (
    await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.text}`, q.values)
  ).rows
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  const json = (
    await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `EXPLAIN (ANALYZE, FORMAT JSON) ${q.text}`,
      q.values,
    )
  ).rows[0]!['QUERY PLAN'][0]!.Plan;
  return { text, sorted: sortedRows(json) };
}

/** utime + stime of a process, in µs (0 once it is gone). */
function cpuUs(pid: number): number {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1e6) / 100;
}

/** utime + stime of every postgres process on the machine, in µs. */
function postgresCpuUs(): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') total += cpuUs(Number(d));
    } catch {
      /* gone */
    }
  }
  return total;
}

async function load(
  url: string,
  pid: number,
  endpoint: string,
  nextPath: () => string,
): Promise<Omit<Row, 'size'>> {
  const bodyBytes = await probePage(url, endpoint, nextPath());
  const c0 = cpuUs(pid);
  const p0 = postgresCpuUs();
  const r = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: nextPath() }) }],
  });
  const requests = Math.max(1, r.requests.total);
  return {
    endpoint,
    body_bytes: bodyBytes,
    api_cpu_us_per_req: Math.round((cpuUs(pid) - c0) / requests),
    pg_cpu_us_per_req: Math.round((postgresCpuUs() - p0) / requests),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    req_per_s: Math.round(r.requests.average),
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

const rand = (n: number) => Math.floor(Math.random() * n);

async function main(): Promise<void> {
  const port = await primaryPort();
  const db = new pg.Client({
    host: '127.0.0.1',
    port,
    user: process.env.DB_USER,
    password: process.env.DB_PASSWORD,
    database: process.env.DB_NAME ?? 'mutiroes',
  });
  await db.connect();
  console.log(
    `[bench-api] sizes ${sizes.join(', ')}; ${durationS} s × ${connections} connections per endpoint`,
  );
  const { url, child } = await startServer(); // runs the migrations before it listens
  const results: Row[] = [];
  const plans: Array<{ size: number; query: string; plan: string; sorted_rows: number[] }> = [];
  const planFailures: string[] = [];
  try {
    const org = await db.query<{ id: number }>(
      `INSERT INTO users (username, email, password_hash) VALUES ('bench_organizer', 'bench_organizer@example.test', 'x')
       ON CONFLICT DO NOTHING RETURNING id`,
    );
    const organizerId =
      org.rows[0]?.id ??
      (await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'bench_organizer'`)).rows[0]!.id;
    await removeBenchEvents(db);
    for (const size of [...sizes].sort((a, b) => a - b)) {
      console.log(`[bench-api] ${size.toLocaleString('en')} events`);
      await seedTo(db, size, organizerId);
      const ids = (
        await db.query<{ id: number }>(
          `SELECT id FROM events WHERE title LIKE 'bench %' AND status = 'published' ORDER BY random() LIMIT 1000`,
        )
      ).rows.map((r) => r.id);
      await seedBusyEvents(db, ids.slice(0, 200));
      const pages = Math.max(1, Math.min(50, Math.floor((size * 0.85) / 20)));
      const probe = () => {
        const [lat, lng] = CITIES[rand(CITIES.length)]!;
        return `latitude=${(lat + (Math.random() - 0.5) * 0.2).toFixed(4)}&longitude=${(lng + (Math.random() - 0.5) * 0.2).toFixed(4)}&radius=10`;
      };
      for (const [endpoint, next] of [
        ['list', () => `/api/events/?page=${1 + rand(pages)}`],
        ['detail', () => `/api/events/${ids[rand(ids.length)]}/`],
        ['nearby', () => `/api/events/nearby/?${probe()}`],
      ] as const) {
        if (!endpoints.has(endpoint)) continue;
        const row = { size, ...(await load(url, child.pid!, endpoint, next)) };
        results.push(row);
        console.log(
          `  ${endpoint.padEnd(7)} p50 ${String(row.p50_ms).padStart(5)} ms  p99 ${String(row.p99_ms).padStart(5)} ms  ${String(row.req_per_s).padStart(6)} req/s  ${String(row.body_bytes).padStart(6)} B  API CPU ${row.api_cpu_us_per_req} µs/req  Postgres CPU ${row.pg_cpu_us_per_req} µs/req  errors ${row.errors} non-2xx ${row.non2xx}`,
        );
      }
      const repo = new EventRepository();
      for (const [query, q] of [
        [
          'nearby (São Paulo, 10 km)',
          repo.nearbySql(
            undefined,
            { latitude: CITIES[0]![0], longitude: CITIES[0]![1], radiusKm: 10 },
            NEARBY_DEFAULT,
          ),
        ],
        [
          'nearby (Manaus, 10 km: sparse)',
          repo.nearbySql(undefined, { latitude: -3.119, longitude: -60.0217, radiusKm: 10 }, NEARBY_DEFAULT),
        ],
      ] as const) {
        const e = await explain(db, q);
        plans.push({ size, query, plan: e.text, sorted_rows: e.sorted });
        console.log(
          `  EXPLAIN ${query} at ${size.toLocaleString('en')} events (rows into each sort: ${e.sorted.join(', ') || 'no sort'}):\n${e.text.replace(/^/gm, '    ')}`,
        );
        const over = e.sorted.filter((n) => n > NEARBY_DEFAULT);
        if (over.length)
          planFailures.push(
            `${query} at ${size}: sorts ${over.join(', ')} rows, more than the page (${NEARBY_DEFAULT})`,
          );
        if (!/events_earth_idx/.test(e.text))
          planFailures.push(`${query} at ${size}: does not use events_earth_idx`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    if (!keep)
      await removeBenchEvents(db).catch((e: unknown) => console.error('could not remove bench events:', e));
    await db.end();
  }

  const load1 = loadavg().map((x) => Math.round(x * 10) / 10);
  console.log(
    `\n${cpus().length} cores, load average ${load1.join(' ')} (a shared machine: latency follows it)`,
  );
  console.log(
    '\n| events | endpoint | body B | p50 ms | p99 ms | req/s | API CPU µs/req | Postgres CPU µs/req | errors | non-2xx |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.size.toLocaleString('en')} | ${r.endpoint} | ${r.body_bytes} | ${r.p50_ms} | ${r.p99_ms} | ${r.req_per_s} | ${r.api_cpu_us_per_req} | ${r.pg_cpu_us_per_req} | ${r.errors} | ${r.non2xx} |`,
    );
  const targets = results
    .filter((r) => r.endpoint !== 'list')
    .map((r) => ({ ...r, met: r.p50_ms <= 10 && r.p99_ms <= 30 }));
  console.log(
    `targets (nearby and detail p50 ≤ 10 ms, p99 ≤ 30 ms): ${
      targets.every((t) => t.met)
        ? 'met'
        : `NOT met: ${targets
            .filter((t) => !t.met)
            .map((t) => `${t.endpoint}@${t.size}`)
            .join(', ')}`
    }`,
  );
  const out = path.join(root, 'bench/results/api.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        measured_at: new Date().toISOString(),
        machine: { cores: cpus().length, load_average_at_end: load1, node: process.version },
        duration_s: durationS,
        connections,
        results,
        targets: { p50_ms_max: 10, p99_ms_max: 30, met: targets.every((t) => t.met) },
        plans,
        plan_failures: planFailures,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${path.relative(root, out)}`);
  if (planFailures.length) {
    console.error(`\nFAILED: ${planFailures.join('; ')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

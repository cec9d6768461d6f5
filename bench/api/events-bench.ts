// make bench-api: seeds 10k/100k/1M events, loads list, detail and nearby with autocannon against a real API
// instance, prints p50/p99/req/s per size, writes bench/results/api.json and the EXPLAIN of the nearby query.
// Env: BENCH_SIZES (default 10000,100000,1000000), BENCH_DURATION_S (default 10), BENCH_CONNECTIONS (default 10),
// BENCH_KEEP=1 keeps the seeded events afterwards (default: removed, so a dev mesh is not left with 1M test rows).
// Sizes are measured in ascending order from an empty bench set: earlier bench rows are removed first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { EventRepository } from '../../services/api/src/data-access/events/event.repository.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);
const durationS = Number(process.env.BENCH_DURATION_S ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const BATCH = 50_000;
const keep = process.env.BENCH_KEEP === '1';
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
      const res = await fetch(`http://${addr}/v1/health/service/pgha?passing&tag=primary`);
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
    ['--conditions=source', '--import', 'tsx', path.join(root, 'bench/api/bench-server.ts')],
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

async function removeBenchEvents(db: pg.Client): Promise<void> {
  const r = await db.query(`DELETE FROM events WHERE title LIKE 'bench %'`);
  if (r.rowCount) {
    console.log(`  removed ${r.rowCount.toLocaleString('en')} bench events`);
    await db.query('VACUUM ANALYZE events');
  }
}

interface Row {
  size: number;
  endpoint: string;
  p50_ms: number;
  p99_ms: number;
  req_per_s: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, endpoint: string, nextPath: () => string): Promise<Omit<Row, 'size'>> {
  const r = await autocannon({
    url,
    connections,
    duration: durationS,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, path: nextPath() }) }],
  });
  return {
    endpoint,
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
  let explain = '';
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
        const row = { size, ...(await load(url, endpoint, next)) };
        results.push(row);
        console.log(
          `  ${endpoint.padEnd(7)} p50 ${String(row.p50_ms).padStart(5)} ms  p99 ${String(row.p99_ms).padStart(5)} ms  ${String(row.req_per_s).padStart(6)} req/s  errors ${row.errors} non-2xx ${row.non2xx}`,
        );
      }
      const q = new EventRepository().nearbySql(
        undefined,
        { latitude: CITIES[0]![0], longitude: CITIES[0]![1], radiusKm: 10 },
        100,
      );
      explain = (
        await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.text}`, q.values)
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    }
  } finally {
    child.kill('SIGTERM');
    if (!keep)
      await removeBenchEvents(db).catch((e: unknown) => console.error('could not remove bench events:', e));
    await db.end();
  }

  console.log('\n| events | endpoint | p50 ms | p99 ms | req/s | errors | non-2xx |');
  console.log('|---:|---|---:|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.size.toLocaleString('en')} | ${r.endpoint} | ${r.p50_ms} | ${r.p99_ms} | ${r.req_per_s} | ${r.errors} | ${r.non2xx} |`,
    );
  console.log(
    `\nEXPLAIN of the nearby query at ${sizes[sizes.length - 1]!.toLocaleString('en')} events (São Paulo, 10 km):\n${explain}`,
  );
  if (!/events_earth_idx/.test(explain))
    console.log('WARNING: the nearby plan does not use events_earth_idx');
  const out = path.join(root, 'bench/results/api.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(
    out,
    JSON.stringify(
      {
        measured_at: new Date().toISOString(),
        duration_s: durationS,
        connections,
        results,
        nearby_explain: explain,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`\nwrote ${path.relative(root, out)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

// make bench-web: the web app on the running mesh (make up first), through an extra gateway instance with rate
// limits off. Server-render p50/p99 of home, list and detail at 50 concurrent clients (autocannon); JavaScript
// shipped per page (gzip -9 of every script Chromium downloads); Largest Contentful Paint in headless Chromium with
// 4× CPU throttling and a cold cache (median of 3). Prints a table, writes bench/results/web.json.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { Mesh, launchChromium } from '@mutiroes/mesh';

const DURATION_S = Number(process.env['BENCH_DURATION_S'] ?? 10);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const LCP_RUNS = Number(process.env['BENCH_LCP_RUNS'] ?? 3);
const OUT = path.resolve(import.meta.dirname, '..', 'results', 'web.json');

const mesh = new Mesh();
if (!(await mesh.supervisor.reachable())) {
  process.stderr.write(`mesh "${mesh.profile.name}" is not running: make up first\n`);
  process.exit(2);
}
const webs = (await mesh.status()).filter((c) => c.kind === 'web' && c.running).map((c) => c.name);
if (!webs.length) {
  process.stderr.write('no web instance is running: make up (or make scale-web N=2) first\n');
  process.exit(2);
}
const gw = await mesh.startInstance('gateway', {
  env: { GATEWAY_RATE_LIMIT: 'false', GATEWAY_ACCESS_LOG: 'false' },
});
await mesh.waitPassing('gateway', [gw], 60_000);
const base = `http://127.0.0.1:${mesh.ports.gateway(Number(gw.split('-')[1]))}`;
console.log(
  `[bench-web] ${webs.length} web instance(s) (${webs.join(', ')}) behind ${gw} (${base}), rate limits off`,
);

try {
  const list = (await (await fetch(`${base}/api/events/?ordering=start_date&page_size=1`)).json()) as {
    count: number;
    results: Array<{ id: number; title: string }>;
  };
  if (!list.results.length) throw new Error('no published events: make populate first');
  const ev = list.results[0]!;
  const pages = [
    { page: 'home', path: '/', expect: 'Próximos eventos' },
    { page: 'list', path: '/eventos', expect: 'event-card' },
    { page: 'detail', path: `/eventos/${ev.id}`, expect: ev.title },
  ];
  // The pages must have real content before any figure counts.
  for (const p of pages) {
    const r = await fetch(`${base}${p.path}`);
    const html = await r.text();
    if (r.status !== 200 || !html.includes(p.expect))
      throw new Error(`${p.path}: status ${r.status}, content check "${p.expect}" failed`);
    Object.assign(p, {
      html_bytes: Buffer.byteLength(html),
      cards: (html.match(/class="event-card"/g) ?? []).length,
    });
  }

  const rows: Array<Record<string, unknown>> = [];
  for (const p of pages) {
    await autocannon({ url: `${base}${p.path}`, connections: 10, duration: 2 }); // warm-up
    const r = await autocannon({ url: `${base}${p.path}`, connections: CONNECTIONS, duration: DURATION_S });
    rows.push({
      page: p.page,
      path: p.path,
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      req_per_s: Math.round(r.requests.average),
      non2xx: r.non2xx,
      errors: r.errors + r.timeouts,
      html_bytes: (p as unknown as { html_bytes: number }).html_bytes,
      event_cards: (p as unknown as { cards: number }).cards,
    });
  }

  const browser = await launchChromium();
  for (const [i, p] of pages.entries()) {
    const lcps: number[] = [];
    let jsGzip = 0;
    let jsRaw = 0;
    let jsFiles = 0;
    for (let run = 0; run < LCP_RUNS; run++) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.addInitScript(() => {
        (window as unknown as { __lcp: number }).__lcp = 0;
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) (window as unknown as { __lcp: number }).__lcp = e.startTime;
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      });
      const scripts: Promise<Buffer>[] = [];
      page.on('response', (res) => {
        // Bodies are read on the first (cold) run only; later runs measure LCP alone.
        if (run === 0 && res.request().resourceType() === 'script' && res.url().startsWith(base))
          scripts.push(res.body());
      });
      await page.goto(`${base}${p.path}`, { waitUntil: 'networkidle' });
      // Under 4× throttling the LCP entry may land after network idle: wait for it (bounded), then a click on an
      // empty spot ends the observation like a user's first input would.
      await page
        .waitForFunction(() => (window as unknown as { __lcp: number }).__lcp > 0, undefined, {
          timeout: 15_000,
        })
        .catch(() => undefined);
      await page.mouse.click(1, 1);
      lcps.push(await page.evaluate(() => (window as unknown as { __lcp: number }).__lcp));
      if (run === 0) {
        const bodies = await Promise.all(scripts);
        jsFiles = bodies.length;
        jsRaw = bodies.reduce((s, b) => s + b.length, 0);
        jsGzip = bodies.reduce((s, b) => s + gzipSync(b, { level: 9 }).length, 0);
      }
      await ctx.close();
    }
    lcps.sort((a, b) => a - b);
    Object.assign(rows[i]!, {
      js_files: jsFiles,
      js_raw_kb: Math.round(jsRaw / 102.4) / 10,
      js_gzip_kb: Math.round(jsGzip / 102.4) / 10,
      lcp_ms_median: Math.round(lcps[Math.floor(lcps.length / 2)]!),
      lcp_ms_all: lcps.map(Math.round),
    });
  }
  await browser.close();

  const head = [
    'page',
    'p50 ms',
    'p99 ms',
    'req/s',
    'non-2xx',
    'HTML kB',
    'cards',
    'JS gzip kB (files)',
    'LCP ms (4× CPU, cold)',
  ];
  const table = rows.map((r) => [
    String(r['page']),
    String(r['p50_ms']),
    String(r['p99_ms']),
    String(r['req_per_s']),
    String(Number(r['non2xx']) + Number(r['errors'])),
    (Number(r['html_bytes']) / 1024).toFixed(1),
    String(r['event_cards']),
    `${r['js_gzip_kb']} (${r['js_files']})`,
    `${r['lcp_ms_median']} (${(r['lcp_ms_all'] as number[]).join(', ')})`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  console.log(
    `\nweb app: ${CONNECTIONS} concurrent clients through the gateway, ${DURATION_S} s per page; targets: JS ≤ 120 kB gzip and LCP ≤ 1500 ms for list and detail`,
  );
  for (const r of [head, ...table]) console.log(r.map((x, i) => x.padEnd(w[i]!)).join('  '));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    OUT,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        connections: CONNECTIONS,
        duration_s: DURATION_S,
        web_instances: webs.length,
        targets: { js_gzip_kb: 120, lcp_ms: 1500 },
        rows,
      },
      null,
      2,
    ),
  );
  console.log(`\nresults: ${path.relative(process.cwd(), OUT)}`);
} finally {
  await mesh.remove(gw);
}

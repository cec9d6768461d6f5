// Runs one partition drill: a load gateway on the drill's chosen host (trusting the drill's clients, which stand
// in the root namespace like a load balancer), the failover drills' load and counting, then the table.
import type { Mesh } from '../mesh.js';
import { formatTable, runDrill, type DrillResult } from '../drills/drill-runner.js';
import { buildPartitionDrill, readyForDrill, type PartitionDrillName } from './partition-drills.js';
import { netemAvailable } from './network-namespaces.js';

export interface PartitionRunOptions {
  scale: number;
  ratePerSec: number;
  resultsDir?: string;
  say?: (line: string) => void;
}

/** The extra gateway of a drill: gateway-n with n ≥ 4 chosen so that it lands on `hostIndex` (gateway-n → host (n−1) mod 3). */
function loadGatewayNumber(hostIndex: number): number {
  return 4 + hostIndex;
}

export async function runPartitionDrill(
  mesh: Mesh,
  name: PartitionDrillName,
  opts: PartitionRunOptions,
): Promise<DrillResult> {
  const say = opts.say ?? ((l: string) => process.stdout.write(`[drill-${name}] ${l}\n`));
  if (name === 'latency' && !netemAvailable(mesh.profile.cluster!.net)) {
    // Before waiting for a healthy cluster: nothing to wait for when the fault cannot be injected.
    throw new Error(
      'this kernel has no sch_netem qdisc (tc qdisc … netem: "Specified qdisc kind is unknown"): drill-latency cannot inject delay or loss here',
    );
  }
  await readyForDrill(mesh);
  const drill = await buildPartitionDrill(mesh, name, { faultMs: Math.round(20_000 * opts.scale) });
  const net = mesh.profile.cluster!.net;
  const n = loadGatewayNumber(net.hosts.indexOf(drill.loadHost));
  const spec = { name: `gateway-${n}` };
  await mesh.supervisor.start(spec.name, { GATEWAY_TRUSTED_PROXIES: net.bridgeAddr });
  try {
    await mesh.waitPassing('gateway', [spec.name], 60_000);
    const gatewayUrl = `http://${drill.loadHost.addr}:${mesh.ports.gateway(n)}`;
    say(`load enters through ${spec.name} on ${drill.loadHost.name} (${gatewayUrl})`);
    return await runDrill(mesh, drill.spec, {
      scale: opts.scale,
      ratePerSec: opts.ratePerSec,
      gatewayUrl,
      say,
      ...(opts.resultsDir ? { resultsDir: opts.resultsDir } : {}),
    });
  } finally {
    await mesh.remove(spec.name).catch(() => undefined);
  }
}

/** The failover drills' table plus the partition rows: acknowledged writes/jobs lost, split-brain window, facts. */
export function formatPartitionTable(results: DrillResult[]): string {
  const extra: [string, (r: DrillResult) => string][] = [
    ['acked writes lost', (r) => String(r.writes_acknowledged_missing)],
    ['acked jobs lost / run twice', (r) => `${r.jobs_never_processed} / ${r.jobs_processed_twice}`],
    ['split-brain window (s)', (r) => String(r.facts['split_brain_window_s'] ?? '-')],
  ];
  const factKeys = [...new Set(results.flatMap((r) => Object.keys(r.facts)))].filter(
    (k) => k !== 'split_brain_window_s',
  );
  const rows: [string, (r: DrillResult) => string][] = [
    ...extra,
    ...factKeys.map((k): [string, (r: DrillResult) => string] => [
      k.replace(/_/g, ' '),
      (r) => String(r.facts[k] ?? '-'),
    ]),
  ];
  const head = ['', ...results.map((r) => `drill-${r.drill}`)];
  const body = rows.map(([label, f]) => [label, ...results.map(f)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((r) => r[i]!.length)));
  const table = [head, ...body].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
  return `${formatTable(results)}\n\n${table}`;
}

// `make drill-partition-<name>` / `make drill-partition-all`: partition drills on the running cluster profile.
import fs from 'node:fs';
import path from 'node:path';
import { Mesh } from '../mesh.js';
import { repoRoot } from '../run-dir.js';
import type { DrillResult } from '../drills/drill-runner.js';
import { PARTITION_DRILLS, type PartitionDrillName } from './partition-drills.js';
import { formatPartitionTable, runPartitionDrill } from './partition-drill-runner.js';

const names = process.argv.slice(2);
const wanted = (
  names.length === 0 || names.includes('all') ? [...PARTITION_DRILLS] : names
) as PartitionDrillName[];
for (const n of wanted)
  if (!PARTITION_DRILLS.includes(n))
    throw new Error(`unknown drill "${n}"; known: ${PARTITION_DRILLS.join(', ')}`);

const mesh = new Mesh();
if (!mesh.profile.cluster) {
  process.stderr.write(
    `profile "${mesh.profile.name}" does not run on simulated hosts: use MESH_PROFILE=cluster (make cluster-up)\n`,
  );
  process.exit(2);
}
// The control port answers within 1 s on an idle box; give a loaded one a few tries before giving up.
let reachable = false;
for (let i = 0; i < 10 && !reachable; i++) reachable = await mesh.supervisor.reachable();
if (!reachable) {
  process.stderr.write(`cluster "${mesh.profile.name}" is not running: make cluster-up first\n`);
  process.exit(2);
}
const scale = Number(process.env['DRILL_SCALE'] ?? 1);
const rate = Number(process.env['DRILL_RATE'] ?? 40);
const results: DrillResult[] = [];
const notRun: string[] = [];
for (const n of wanted) {
  try {
    results.push(await runPartitionDrill(mesh, n, { scale, ratePerSec: rate }));
    process.stdout.write('\n' + formatPartitionTable(results.slice(-1)) + '\n\n');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    notRun.push(`drill-${n}: ${reason}`);
    fs.mkdirSync(path.join(repoRoot, 'bench', 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(repoRoot, 'bench', 'results', `drill-${n}.json`),
      JSON.stringify({ drill: n, passed: false, run: false, reason }, null, 2) + '\n',
    );
    process.stdout.write(`\n[drill-${n}] NOT RUN: ${reason}\n\n`);
  }
}
if (results.length > 1) process.stdout.write(formatPartitionTable(results) + '\n');
for (const l of notRun) process.stdout.write(`not run: ${l}\n`);
process.stdout.write('results: bench/results/drill-<name>.json\n');
process.exit(results.every((r) => r.passed) && notRun.length === 0 ? 0 : 1);

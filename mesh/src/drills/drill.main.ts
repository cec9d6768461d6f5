// `make drill-<name>` / `make drill-all`: runs drills on the running mesh and prints their table.
import { Mesh } from '../mesh.js';
import { formatTable, runDrill, type DrillResult } from './drill-runner.js';
import { drillSpecs } from './drills.js';

const names = process.argv.slice(2);
const specs = drillSpecs();
const wanted = names.length === 0 || names.includes('all') ? Object.keys(specs) : names;
for (const n of wanted)
  if (!specs[n]) throw new Error(`unknown drill "${n}"; known: ${Object.keys(specs).join(', ')}`);

const mesh = new Mesh();
if (!(await mesh.supervisor.reachable())) {
  process.stderr.write(`mesh "${mesh.profile.name}" is not running: make up first\n`);
  process.exit(2);
}
// The drill's clients stand behind a load balancer the gateway trusts, so that their traffic spreads over
// many client addresses (X-Forwarded-For) as real users' would, instead of hitting one IP's rate limits.
let extraGateway: string | null = null;
let gatewayUrl = process.env['DRILL_GATEWAY_URL'];
let gatewayAdminUrl = process.env['DRILL_GATEWAY_ADMIN_URL'];
if (!gatewayUrl) {
  extraGateway = await mesh.startInstance('gateway', { env: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' } });
  await mesh.waitPassing('gateway', [extraGateway], 60_000);
  gatewayUrl = `http://127.0.0.1:${mesh.ports.gateway(Number(extraGateway.split('-')[1]))}`;
  gatewayAdminUrl = `http://127.0.0.1:${mesh.ports.gatewayAdmin(Number(extraGateway.split('-')[1]))}`;
  process.stdout.write(
    `[drill] load enters through ${extraGateway} (${gatewayUrl}), which trusts X-Forwarded-For from 127.0.0.1\n`,
  );
}
const scale = Number(process.env['DRILL_SCALE'] ?? 1);
const rate = Number(process.env['DRILL_RATE'] ?? 40);
const results: DrillResult[] = [];
for (const n of wanted) {
  await mesh.waitHealthy({ timeoutMs: 120_000 });
  results.push(
    await runDrill(mesh, specs[n]!, {
      scale,
      ratePerSec: rate,
      gatewayUrl,
      ...(gatewayAdminUrl ? { gatewayAdminUrl } : {}),
    }),
  );
  process.stdout.write('\n' + formatTable(results.slice(-1)) + '\n\n');
}
if (extraGateway) await mesh.remove(extraGateway);
if (results.length > 1) process.stdout.write(formatTable(results) + '\n');
process.stdout.write(`results: bench/results/drill-<name>.json\n`);
process.exit(results.every((r) => r.passed) ? 0 : 1);

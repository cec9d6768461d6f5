// The failover drills, shortened, in the test suite so they cannot rot. Runs last (root `test:drills`):
// it starts the app services on the test mesh, drills, and scales them back to zero.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectMesh, type Mesh } from '../mesh.js';
import { formatTable, runDrill, type DrillResult } from './drill-runner.js';
import { drillSpecs } from './drills.js';
import type { ComponentKind } from '../process-spec.js';

const ORDER = ['api', 'web', 'rolling', 'worker', 'beat', 'redis', 'postgres', 'consul'];
let mesh: Mesh;
let gateway: string;
let gatewayUrl: string;
let gatewayAdminUrl: string;
const results: DrillResult[] = [];

before(async () => {
  mesh = await connectMesh();
  const up = await mesh.up({ progress: (l) => process.stdout.write(`# ${l}\n`) });
  assert.equal(up.ok, true, 'the app services came up');
  gateway = await mesh.startInstance('gateway', { env: { GATEWAY_TRUSTED_PROXIES: '127.0.0.1' } });
  await mesh.waitPassing('gateway', [gateway], 60_000);
  gatewayUrl = `http://127.0.0.1:${mesh.ports.gateway(Number(gateway.split('-')[1]))}`;
  gatewayAdminUrl = `http://127.0.0.1:${mesh.ports.gatewayAdmin(Number(gateway.split('-')[1]))}`;
});

after(async () => {
  if (results.length) process.stdout.write(formatTable(results).replace(/^/gm, '# ') + '\n');
  await mesh.remove(gateway).catch(() => undefined);
  for (const kind of ['gateway', 'web', 'beat', 'worker', 'api'] as ComponentKind[])
    await mesh.scale(kind, 0).catch(() => undefined);
  await mesh.waitHealthy({ timeoutMs: 120_000 });
});

describe('failover drills (short)', () => {
  const specs = drillSpecs();
  for (const name of ORDER) {
    const spec = specs[name]!;
    test(`when ${spec.proves} then nothing acknowledged is lost`, async () => {
      await mesh.waitHealthy({ timeoutMs: 120_000 });
      const r = await runDrill(mesh, spec, {
        scale: 0.3,
        ratePerSec: 30,
        gatewayUrl,
        gatewayAdminUrl,
        resultsDir: 'test-results',
        say: (l) => process.stdout.write(`# [drill-${name}] ${l}\n`),
      });
      results.push(r);
      assert.ok(r.writes_acknowledged > 0, 'the load wrote something');
      assert.equal(r.writes_acknowledged_missing, 0, 'acknowledged writes missing');
      assert.equal(r.jobs_never_processed, 0, 'acknowledged jobs never processed');
      assert.equal(r.jobs_processed_twice, 0, 'jobs processed twice');
      if (spec.zeroFailedRequests) assert.deepEqual(r.failed_by_status, {}, 'failed client requests');
    });
  }
});

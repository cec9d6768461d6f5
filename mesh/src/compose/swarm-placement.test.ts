// docker-compose.distributed.yml as a Swarm stack: its placements are the cluster profile's spread (make
// cluster-up), so what the partition drills proved on simulated hosts is what runs on 3 real nodes.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { hostIndexOf } from '../cluster/cluster-plan.js';
import { interpolate, loadComposeProject, type ComposeProject } from './compose-file.check.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const NODES = ['a', 'b', 'c'];
const STATEFUL = [
  'consul-1',
  'consul-2',
  'consul-3',
  'redis-1',
  'redis-2',
  'sentinel-1',
  'sentinel-2',
  'sentinel-3',
  'pg-1',
  'pg-2',
];

interface Deploy {
  mode?: string;
  replicas?: number;
  endpoint_mode?: string;
  placement?: { constraints?: string[]; max_replicas_per_node?: number };
  update_config?: { parallelism?: number; order?: string; failure_action?: string };
  restart_policy?: { condition?: string };
}

let p: ComposeProject;
const deployOf = (s: string) => (p.services[s]!.deploy ?? {}) as Deploy;

/** The node label a service is pinned to (`node.labels.mutiroes.host == b` → "b"). */
function nodeOf(s: string): string | undefined {
  const c = (deployOf(s).placement?.constraints ?? [])
    .map((x) => /^node\.labels\.mutiroes\.host\s*==\s*([a-z])$/.exec(x)?.[1])
    .filter(Boolean);
  return c.length === 1 ? c[0] : undefined;
}

before(() => {
  p = loadComposeProject(repoRoot, 'docker-compose.distributed.yml', '.env.example');
});

describe('docker-compose.distributed.yml on a 3-node Swarm', () => {
  test('when stateful services are placed then each sits on the node of its host in the cluster profile', () => {
    for (const s of STATEFUL) {
      assert.equal(nodeOf(s), NODES[hostIndexOf(s)!], `${s} on node ${NODES[hostIndexOf(s)!]}`);
      assert.equal(deployOf(s).replicas, 1, `${s}: one task`);
      assert.equal(deployOf(s).endpoint_mode, 'dnsrr', `${s}: resolved by task address`);
    }
  });

  test('when the replicated pairs and trios are read then no two members share a node', () => {
    for (const group of [
      ['consul-1', 'consul-2', 'consul-3'],
      ['sentinel-1', 'sentinel-2', 'sentinel-3'],
      ['redis-1', 'redis-2'],
      ['pg-1', 'pg-2'],
    ]) {
      const nodes = group.map(nodeOf);
      assert.equal(new Set(nodes).size, group.length, `${group.join(', ')} on ${nodes.join(', ')}`);
    }
  });

  test('when Patroni picks its DCS agent then it is the Consul server of its own node', () => {
    for (const s of ['pg-1', 'pg-2']) {
      const env = p.services[s]!.environment as Record<string, string>;
      const consul = /^(consul-\d):8500$/.exec(env['PATRONI_CONSUL_HOST'] ?? '')?.[1];
      assert.ok(consul, `${s} names a Consul server`);
      assert.equal(nodeOf(consul), nodeOf(s), `${s} and ${consul} on one node`);
    }
  });

  test('when app services are deployed then they spread like the cluster profile: 3 api, 2 workers, 2 beats, 2 webs at most one per node, a gateway on every node', () => {
    for (const [s, n] of [
      ['api', 3],
      ['worker', 2],
      ['beat', 2],
      ['web', 2],
    ] as const) {
      assert.equal(deployOf(s).replicas, n, `${s} replicas`);
      assert.equal(deployOf(s).placement?.max_replicas_per_node, 1, `${s} at most one per node`);
    }
    assert.equal(deployOf('gateway').mode, 'global', 'a gateway on every node');
    const ports = p.services['gateway']!.ports as { mode?: string }[];
    assert.ok(
      ports.every((x) => x.mode === 'host'),
      'the gateway publishes on its own node, not through the ingress',
    );
  });

  test('when the stack is updated then every deployed service rolls one task at a time with a rollback', () => {
    for (const [name, s] of Object.entries(p.services)) {
      if (!s.deploy) continue;
      const d = deployOf(name);
      if (d.mode !== 'global' && !d.replicas) continue;
      assert.equal(d.update_config?.parallelism, 1, `${name}: parallelism 1`);
      assert.equal(d.update_config?.failure_action, 'rollback', `${name}: rollback on failure`);
      assert.equal(d.restart_policy?.condition, 'any', `${name}: Swarm restarts it`);
    }
    for (const s of ['api', 'worker', 'beat', 'web', 'gateway']) {
      assert.equal(
        deployOf(s).update_config?.order,
        'start-first',
        `${s}: the new task is up before the old stops`,
      );
    }
  });

  test('when the web is placed then nothing pins it to a node and it depends on no database or Redis', () => {
    assert.equal(nodeOf('web'), undefined);
    const deps = Object.keys((p.services['web']!.depends_on ?? {}) as Record<string, unknown>).sort();
    assert.deepEqual(deps, ['api', 'consul-1', 'consul-2', 'consul-3']);
  });

  test('when the network is read then it is an overlay for the stack (bridge only when compose-up forces it)', () => {
    const net = (parseYaml(p.raw) as { networks?: { default?: { driver?: string } } }).networks?.default;
    assert.ok(net?.driver, 'a default network driver is set');
    assert.equal(interpolate(net.driver, p.envExample), 'overlay');
  });
});

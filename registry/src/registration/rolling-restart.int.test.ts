// A client resolving through the registry sees no error while the instances restart one by one
// (SIGTERM → fail readiness → deregister → grace → drain → exit).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const svc = `regtest-rolling-${process.pid}`;
const fixture = fileURLToPath(new URL('../testing/http-service.fixture.ts', import.meta.url));

describe('rolling restart through the shutdown lifecycle (real Consul)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;
  const children = new Map<string, ChildProcess>();

  before(async () => {
    mesh = await connectMesh();
    registry = new ConsulRegistry({
      consulAddr: mesh.env['CONSUL_HTTP_ADDR']!,
      logger: testLogger('rolling'),
    });
  });
  after(async () => {
    for (const c of children.values()) c.kill('SIGKILL');
    await registry.close();
  });

  async function startInstance(id: string): Promise<void> {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], {
      env: {
        ...process.env,
        CONSUL_HTTP_ADDR: mesh.consulHttpAddrs.join(','),
        SERVICE_NAME: svc,
        INSTANCE_ID: id,
        GRACE_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.set(id, child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${id} exited early (${code})`)));
      createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.startsWith('{"port"')) resolve();
      });
    });
    await waitFor(() => registry.instances(svc).some((i) => i.id === id), {
      timeoutMs: 15_000,
      description: `${id} passing`,
    });
  }

  async function stopInstance(id: string): Promise<void> {
    const child = children.get(id)!;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, `${id} shut down cleanly`);
    children.delete(id);
  }

  test('when instances are replaced one by one then a client resolving each request sees no error', async () => {
    await Promise.all([startInstance(`${svc}-1`), startInstance(`${svc}-2`)]);
    let requests = 0;
    const errors: string[] = [];
    const served = new Set<string>();
    let running = true;
    const client = (async () => {
      while (running) {
        const inst = registry.resolve(svc);
        if (!inst) {
          errors.push('no instance');
        } else {
          const done = registry.track(inst);
          try {
            const res = await fetch(`http://${inst.address}:${inst.port}/`);
            served.add(await res.text());
            if (res.status !== 200) errors.push(`status ${res.status}`);
          } catch (e) {
            errors.push(`${inst.id}: ${(e as Error).message}`);
          } finally {
            done();
          }
          requests += 1;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await waitFor(() => served.size === 2, { timeoutMs: 5_000, description: 'both instances serving' });
    await stopInstance(`${svc}-1`);
    await startInstance(`${svc}-3`);
    await stopInstance(`${svc}-2`);
    await startInstance(`${svc}-4`);
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await client;
    console.log(`measure: rolling restart of 2 instances: ${requests} requests, ${errors.length} errors`);
    assert.deepEqual(errors, []);
    assert.ok(requests > 100, `${requests} requests`);
    assert.ok(served.has(`${svc}-1`) && served.has(`${svc}-4`), `served by ${[...served].join(', ')}`);
  });
});

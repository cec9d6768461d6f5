// Attack on registration: a second process started with the id of a live instance must not take over its
// Consul entry (and deregister it on exit). It refuses to start with a clear message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { ConsulRegistry } from '../consul-registry.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const svc = `dupid-${process.pid}`;
const id = `${svc}-1`;

describe('duplicate instance ids (real Consul)', () => {
  let mesh: Mesh;
  let owner: ConsulRegistry;
  let impostor: ConsulRegistry;

  before(async () => {
    mesh = await connectMesh();
    owner = new ConsulRegistry({ consulAddr: mesh.consulHttpAddrs, logger: testLogger('dup-owner') });
    impostor = new ConsulRegistry({
      consulAddr: [...mesh.consulHttpAddrs].reverse(),
      logger: testLogger('dup-impostor'),
    });
  });
  after(async () => {
    await impostor.close();
    await owner.close();
  });

  test('when a second instance starts with the id of a live one then it refuses and the live one keeps its entry', async () => {
    await owner.register({ name: svc, id, address: '127.0.0.1', port: 40001, check: { ttl: '10s' } });
    await assert.rejects(
      impostor.register({ name: svc, id, address: '127.0.0.1', port: 40002, check: { ttl: '10s' } }),
      /instance id .* is held by a live instance at 127\.0\.0\.1:40001/,
    );
    const live = await owner.lookup(svc);
    assert.deepEqual(
      live.map((i) => [i.id, i.port]),
      [[id, 40001]],
    );
  });

  test('when the same instance restarts at its own address then it takes its entry back', async () => {
    const again = new ConsulRegistry({ consulAddr: mesh.consulHttpAddrs, logger: testLogger('dup-restart') });
    try {
      await again.register({
        name: svc,
        id: `${svc}-2`,
        address: '127.0.0.1',
        port: 40003,
        check: { ttl: '10s' },
      });
      const restarted = new ConsulRegistry({
        consulAddr: mesh.consulHttpAddrs,
        logger: testLogger('dup-restart-2'),
      });
      try {
        const reg = await restarted.register({
          name: svc,
          id: `${svc}-2`,
          address: '127.0.0.1',
          port: 40003,
          check: { ttl: '10s' },
        });
        assert.equal(reg.id, `${svc}-2`);
      } finally {
        await restarted.close();
      }
    } finally {
      await again.close();
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { portsFor, resolveProfile } from './profile.js';

function allPorts(base: number, instances = 10): number[] {
  const p = portsFor(base);
  return [
    ...p.consul.flatMap((c) => Object.values(c)),
    ...p.redis,
    ...p.sentinel,
    ...p.pg.flatMap((x) => [x.postgres, x.rest]),
    p.smtp,
    p.smtpHttp,
    p.supervisor,
    ...Array.from({ length: instances }, (_, i) => [
      p.api(i + 1),
      p.worker(i + 1),
      p.beat(i + 1),
      p.web(i + 1),
      p.gateway(i + 1),
    ]).flat(),
  ];
}

describe('mesh profile ports', () => {
  test('when the dev profile is resolved then Consul UI is on 8500 and the gateway on 8080', () => {
    const p = resolveProfile({ MESH_PROFILE: 'dev' });
    assert.equal(p.ports.consul[0]!.http, 8500);
    assert.equal(p.ports.gateway(1), 8080);
    assert.equal(p.runDir, '/var/tmp/mutiroes/dev');
  });

  test('when a profile is resolved then 2 web instances start, web-N on base+500+N-1, MESH_WEB overrides', () => {
    const p = resolveProfile({ MESH_PROFILE: 'dev' });
    assert.equal(p.scale.web, 2);
    assert.equal(p.ports.web(1), 9000);
    assert.equal(p.ports.web(2), 9001);
    assert.equal(resolveProfile({ MESH_PROFILE: 'dev', MESH_WEB: '3' }).scale.web, 3);
  });

  test('when a profile is laid out then no two of its ports are equal', () => {
    const ports = allPorts(8500);
    assert.equal(new Set(ports).size, ports.length);
  });

  test('when dev and test profiles run side by side then they share no port', () => {
    const dev = new Set(allPorts(8500));
    const clash = allPorts(resolveProfile({ MESH_PROFILE: 'test' }).base).filter((p) => dev.has(p));
    assert.deepEqual(clash, []);
  });

  test('when ports are laid out then they stay below the ephemeral range', () => {
    assert.ok(Math.max(...allPorts(18500)) < 32768);
  });

  test('when the profile is unknown and has no base then resolving fails naming the variable', () => {
    assert.throws(() => resolveProfile({ MESH_PROFILE: 'other' }), /MESH_PORT_BASE/);
    assert.throws(() => resolveProfile({ MESH_PROFILE: 'Bad Name' }), /MESH_PROFILE/);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsulAgents, isUnavailable, isUnknownService } from '../consul/consul-agents.js';
import { Registration } from './registration.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const agents = new ConsulAgents('127.0.0.1:1,127.0.0.1:2', 200);
const spec = { name: 'web', id: 'web-1', address: '127.0.0.1', port: 8080, check: { ttl: '5s' } };

describe('Registration', () => {
  test('when the spec is invalid then it fails naming every problem', () => {
    assert.throws(
      () =>
        new Registration(
          agents,
          { ...spec, port: 0, check: { ttl: '5 s', http: 'http://x' } },
          testLogger('unit'),
        ),
      /port must be 1\.\.65535.*http or ttl, not both.*check\.ttl "5 s" is not a duration/,
    );
    assert.throws(
      () => new Registration(agents, { ...spec, check: {} }, testLogger('unit')),
      /check needs http/,
    );
  });

  test('when no agent is reachable then register keeps trying until its start timeout, then fails clearly', async () => {
    const reg = new Registration(agents, spec, testLogger('unit'), { startTimeoutMs: 600 });
    const t0 = Date.now();
    await assert.rejects(
      reg.start(),
      /could not register web-1: no Consul agent reachable \(127\.0\.0\.1:1, 127\.0\.0\.1:2\)/,
    );
    assert.ok(Date.now() - t0 >= 550, 'retried until the timeout');
    assert.equal(reg.ready, true);
    assert.equal(reg.agentAddr, undefined);
  });
});

describe('ConsulAgents', () => {
  test('when CONSUL_HTTP_ADDR has schemes, spaces and duplicates then it is normalised in order', async () => {
    const { parseConsulAddrs } = await import('../consul/consul-agents.js');
    assert.deepEqual(parseConsulAddrs(' http://127.0.0.1:8510/, 127.0.0.1:8520,127.0.0.1:8510'), [
      '127.0.0.1:8510',
      '127.0.0.1:8520',
    ]);
    assert.throws(() => parseConsulAddrs(''), /CONSUL_HTTP_ADDR is empty/);
    assert.throws(() => parseConsulAddrs('localhost'), /invalid Consul address "localhost"/);
  });
});

describe('Consul errors', () => {
  const answer = (statusCode: number, message: string) =>
    Object.assign(new Error(message), { isResponse: true, response: { statusCode } });

  test('when an agent answers 403 "ACL not found" (servers restarting) then it counts as unavailable, other 4xx do not', () => {
    assert.equal(isUnavailable(answer(403, 'ACL not found')), true);
    assert.equal(isUnavailable(answer(403, 'Permission denied')), false);
    assert.equal(isUnavailable(answer(400, 'bad request')), false);
    assert.equal(isUnavailable(answer(500, 'rpc error')), true);
  });

  test('when a deregistration meets a service the agent does not hold (404, or 500 "Unknown service" with ACLs) then it is gone', () => {
    assert.equal(isUnknownService(answer(404, 'not found')), true);
    assert.equal(isUnknownService(answer(500, 'Unknown service {"api-2" {}}')), true);
    assert.equal(isUnknownService(answer(500, 'rpc error')), false);
  });
});

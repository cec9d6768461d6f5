import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { AccessLog } from './access-log.js';
import { Upstream } from '../domain/upstream.js';

describe('access log', () => {
  test('when requests are logged then each line is valid JSON with the request fields, batched into one write', () => {
    const writes: string[] = [];
    const out = new Writable({
      write(c, _e, cb) {
        writes.push(String(c));
        cb();
      },
    });
    const log = new AccessLog('gateway', 'gw-1', out, 10_000);
    const route = { prefix: '/api', service: 'api' };
    const up = new Upstream('api/a1', {
      id: 'a1',
      service: 'api',
      address: '127.0.0.1',
      port: 9001,
      tags: [],
      meta: {},
    });
    log.request({
      requestId: 'r-"1"',
      method: 'GET',
      path: '/api/x?q="\\\\n',
      status: 200,
      route,
      upstream: up,
      tries: 2,
      retried: ['a2:reset'],
      error: null,
      durationMs: 1.23456,
      upstreamMs: 1.1,
      bytesOut: 26,
      clientIp: '10.0.0.1',
    });
    log.request({
      requestId: 'r2',
      method: 'BAD METHOD',
      path: '/api',
      status: 502,
      route,
      upstream: null,
      tries: 0,
      retried: null,
      error: 'ECONNREFUSED',
      durationMs: 0.5,
      upstreamMs: -1,
      bytesOut: 0,
      clientIp: '::1',
    });
    assert.equal(writes.length, 0, 'buffered');
    log.flush();
    assert.equal(writes.length, 1);
    const lines = writes[0]!
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(Object.keys(lines[0]!).slice(0, 5), [
      'level',
      'message',
      'service',
      'instance',
      'timestamp',
    ]);
    assert.equal(lines[0]!['request_id'], 'r-"1"');
    assert.equal(lines[0]!['path'], '/api/x?q="\\\\n');
    assert.equal(lines[0]!['upstream'], 'a1');
    assert.equal(lines[0]!['upstream_addr'], '127.0.0.1:9001');
    assert.equal(lines[0]!['duration_ms'], 1.235);
    assert.deepEqual(lines[0]!['retried'], ['a2:reset']);
    assert.equal(lines[1]!['upstream'], null);
    assert.equal(lines[1]!['upstream_ms'], null);
    assert.equal(lines[1]!['method'], 'BAD METHOD');
    assert.equal(lines[1]!['error'], 'ECONNREFUSED');
    assert.match(String(lines[1]!['timestamp']), /^\d{4}-\d\d-\d\dT/);
  });

  test('when a batch fills its buffer then whole lines go out in order, non-ASCII intact, and a line longer than the buffer goes alone', () => {
    const writes: Buffer[] = [];
    const out = new Writable({
      write(c: Buffer, _e, cb) {
        writes.push(c);
        cb();
      },
    });
    const log = new AccessLog('gateway', 'gw-1', out, 10_000, 2048);
    const route = { prefix: '/api', service: 'api' };
    const record = (i: number, path: string) => ({
      requestId: `r${i}`,
      method: 'GET',
      path,
      status: 200,
      route,
      upstream: null,
      tries: 1,
      retried: null,
      error: null,
      durationMs: 1,
      upstreamMs: 1,
      bytesOut: 1,
      clientIp: '127.0.0.1',
    });
    const paths = Array.from({ length: 12 }, (_, i) => `/api/mutirões/ação-${i}`);
    paths.splice(5, 0, `/api/${'ç'.repeat(1500)}`);
    paths.forEach((p, i) => log.request(record(i, p)));
    log.flush();
    assert.ok(writes.length >= 3, `${writes.length} writes`);
    for (const w of writes) assert.equal(w.at(-1), 0x0a, 'each write ends on a whole line');
    const lines = Buffer.concat(writes)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => l['path']),
      paths,
    );
    assert.ok(
      writes.some((w) => w.length > 2048 && w.toString('utf8').split('\n').length === 2),
      'the long line was written on its own',
    );
  });
});

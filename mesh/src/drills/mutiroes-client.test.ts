import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MutiroesClient } from './mutiroes-client.js';

describe('MutiroesClient', () => {
  // Answers 409 + Retry-After 0 ("still in progress") to the first two requests with a key, then 201.
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    const key = req.headers['idempotency-key'] as string | undefined;
    seen.push(key);
    const busy = seen.filter((k) => k === key).length <= 2;
    if (busy) res.writeHead(409, { 'content-type': 'application/json', 'retry-after': '0' });
    else res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(busy ? { detail: 'em andamento' } : { id: 7 }));
  });
  const url = new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
  after(() => server.close());

  test('when a keyed write is answered 409 in progress then it waits and sends it again with the same key', async () => {
    let waits = 0;
    const c = new MutiroesClient({ baseUrl: await url, onInProgress: () => void waits++ });
    const r = await c.request<{ id: number }>('POST', '/api/x/', { a: 1 }, {}, 'k-1');
    assert.equal(r.status, 201);
    assert.equal(r.body.id, 7);
    assert.equal(waits, 2);
    assert.deepEqual(
      seen.filter((k) => k === 'k-1'),
      ['k-1', 'k-1', 'k-1'],
    );
  });

  test('when a write without a key is answered 409 then the 409 is the answer', async () => {
    let waits = 0;
    const c = new MutiroesClient({ baseUrl: await url, onInProgress: () => void waits++ });
    const r = await c.request('POST', '/api/x/', { a: 1 });
    assert.equal(r.status, 409);
    assert.equal(waits, 0);
  });
});

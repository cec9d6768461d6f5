import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createLogger } from '@mutiroes/platform';
import {
  ConflictError,
  NotAuthenticatedError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitedError,
  ValidationError,
} from '../../domain/shared/app-errors.js';
import { errorMiddleware, notFoundHandler } from './error.middleware.js';
import { requestContextMiddleware } from './request-context.middleware.js';

let server: Server;
let url: string;
const log = createLogger({ service: 'test', level: 'error' });

before(async () => {
  const app = express();
  app.use(requestContextMiddleware(log));
  app.use(express.json({ limit: '1kb' }));
  const throwing: Record<string, () => unknown> = {
    fields: () => {
      throw new ValidationError({ title: ['Obrigatório.'] });
    },
    detail: () => {
      throw ValidationError.detail('Já inscrito.');
    },
    auth: () => {
      throw new NotAuthenticatedError();
    },
    forbidden: () => {
      throw new PermissionDeniedError();
    },
    missing: () => {
      throw new NotFoundError();
    },
    conflict: () => {
      throw new ConflictError('Conflito.');
    },
    limited: () => {
      throw new RateLimitedError(7);
    },
    dbdown: () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        name: 'SequelizeConnectionRefusedError',
      });
    },
    readonly: () => {
      throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), {
        name: 'SequelizeDatabaseError',
        original: { code: '25006' },
      });
    },
    readtimeout: () => {
      // pg's query_timeout: the server (a primary cut off by a partition) never answered the query.
      throw Object.assign(new Error('Query read timeout'), { name: 'SequelizeDatabaseError' });
    },
    bug: () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secret internals')");
    },
  };
  for (const [name, fn] of Object.entries(throwing)) app.get(`/${name}`, fn);
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });
  app.use(notFoundHandler());
  app.use(errorMiddleware(log));
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function get(path: string) {
  const res = await fetch(url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

describe('errorMiddleware', () => {
  test('when domain errors are thrown then each code maps to its status and the contract body', async () => {
    assert.deepEqual(await get('/fields').then((r) => [r.status, r.body]), [
      400,
      { title: ['Obrigatório.'] },
    ]);
    assert.deepEqual(await get('/detail').then((r) => [r.status, r.body]), [
      400,
      { detail: 'Já inscrito.', message: 'Já inscrito.' },
    ]);
    assert.equal((await get('/auth')).status, 401);
    assert.equal((await get('/forbidden')).status, 403);
    assert.equal((await get('/missing')).status, 404);
    assert.equal((await get('/conflict')).status, 409);
    const limited = await get('/limited');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '7');
  });

  test('when the database is unreachable or read-only then 503 with Retry-After', async () => {
    for (const p of ['/dbdown', '/readonly', '/readtimeout']) {
      const r = await get(p);
      assert.equal(r.status, 503, p);
      assert.ok(r.headers.get('retry-after'));
      assert.ok(r.body['detail']);
    }
  });

  test('when an unknown error is thrown then 500 without internals', async () => {
    const r = await get('/bug');
    assert.equal(r.status, 500);
    assert.doesNotMatch(JSON.stringify(r.body), /secret internals|TypeError/);
  });

  test('when the JSON is malformed or too large then 400 / 413 with a detail', async () => {
    const bad = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { detail: string }).detail, /JSON/);
    const big = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(5000) }),
    });
    assert.equal(big.status, 413);
  });

  test('when a path is unknown then a JSON 404 and the request id is echoed', async () => {
    const res = await fetch(`${url}/nope`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    const weird = await fetch(`${url}/nope`, {
      headers: { 'x-request-id': 'bad id with spaces\u0001' },
    }).catch(() => null);
    if (weird) assert.notEqual(weird.headers.get('x-request-id'), 'bad id with spaces\u0001');
  });
});

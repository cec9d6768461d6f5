import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Sequelize } from 'sequelize';
import { createLogger } from '@mutiroes/platform';
import { errorMiddleware } from './error.middleware.js';
import { idempotencyMiddleware, requestHash } from './idempotency.middleware.js';

let server: Server;
let url: string;
let dbCalls = 0;
const log = createLogger({ service: 'test', level: 'error' });

before(async () => {
  const app = express();
  app.use(express.json());
  // Any database use fails the test: the paths below must be decided before touching Postgres.
  const sequelize = {
    query: () => {
      dbCalls++;
      throw new Error('no database in unit tests');
    },
  } as unknown as Sequelize;
  app.use(idempotencyMiddleware({ sequelize, jwtSecret: 'x'.repeat(32), log }));
  app.all('/thing', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  app.use(errorMiddleware(log));
  await new Promise<void>((r) => {
    server = app.listen(0, '127.0.0.1', () => r());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/thing`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

describe('request hash', () => {
  test('when object keys come in another order then the hash is the same', () => {
    assert.equal(
      requestHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }),
      requestHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }),
    );
  });
  test('when a value differs or there is no body then the hash differs', () => {
    assert.notEqual(requestHash({ a: 1 }), requestHash({ a: 2 }));
    assert.notEqual(requestHash({ a: [1, 2] }), requestHash({ a: [2, 1] }));
    assert.notEqual(requestHash(undefined), requestHash({}));
    assert.match(requestHash(undefined), /^[0-9a-f]{64}$/);
  });
});

describe('Idempotency-Key validation', () => {
  const post = (headers: Record<string, string>, body = '{}') =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  test('when the key is longer than 200 characters then 400 names the header', async () => {
    const r = await post({ 'Idempotency-Key': 'k'.repeat(201) });
    assert.equal(r.status, 400);
    const body = (await r.json()) as Record<string, string[]>;
    assert.ok(body['Idempotency-Key']?.[0]);
  });

  test('when a multipart request carries a key then 400 with a detail', async () => {
    const form = new FormData();
    form.set('a', 'b');
    const r = await fetch(url, { method: 'POST', headers: { 'Idempotency-Key': 'abc' }, body: form });
    assert.equal(r.status, 400);
    assert.equal(typeof ((await r.json()) as { detail: string }).detail, 'string');
  });

  test('when there is no key, or the method is not POST/PATCH then the request passes untouched', async () => {
    assert.equal((await post({})).status, 201);
    assert.equal(
      (await fetch(url, { method: 'PUT', headers: { 'Idempotency-Key': 'k'.repeat(300) } })).status,
      201,
    );
    assert.equal((await fetch(url, { headers: { 'Idempotency-Key': 'abc' } })).status, 201);
    assert.equal(dbCalls, 0);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'express';
import { buildPage, pageRequest, paginate } from './pagination.js';

function req(url: string, headers: Record<string, string> = {}): Request {
  const u = new URL(url, 'http://api.local');
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const lower = Object.fromEntries(
    Object.entries({ host: 'api.local:8080', ...headers }).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return {
    originalUrl: u.pathname + u.search,
    query,
    protocol: 'http',
    get: (h: string) => lower[h.toLowerCase()],
  } as unknown as Request;
}

describe('pagination', () => {
  test('when no page is given then page 1 of 20 with a next link and no previous', () => {
    const r = req('/api/users/badges/');
    const p = buildPage(r, pageRequest(r), 45, ['a']);
    assert.equal(p.count, 45);
    assert.equal(p.previous, null);
    assert.equal(p.next, 'http://api.local:8080/api/users/badges/?page=2');
  });

  test('when behind the gateway then links use X-Forwarded-Proto and X-Forwarded-Host (first value)', () => {
    const r = req('/api/x/?page=2&search=praia', {
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'mutiroes.org, gw',
    });
    const p = buildPage(r, pageRequest(r), 100, []);
    assert.equal(p.next, 'https://mutiroes.org/api/x/?page=3&search=praia');
    assert.equal(p.previous, 'https://mutiroes.org/api/x/?search=praia');
  });

  test('when page_size is given then it is honoured up to 100', () => {
    assert.equal(pageRequest(req('/x?page_size=5')).pageSize, 5);
    assert.equal(pageRequest(req('/x?page_size=5000')).pageSize, 100);
    assert.equal(pageRequest(req('/x?page_size=-3')).pageSize, 20);
    assert.deepEqual(pageRequest(req('/x?page=3&page_size=10')), {
      page: 3,
      pageSize: 10,
      limit: 10,
      offset: 20,
    });
  });

  test('when the page is not a positive integer or past the end then 404 Página inválida', () => {
    for (const bad of ['0', '-1', 'abc', '1.5'])
      assert.throws(() => pageRequest(req(`/x?page=${bad}`)), /Página inválida/);
    const r = req('/x?page=3');
    assert.throws(() => buildPage(r, pageRequest(r), 40, []), /Página inválida/);
    const empty = req('/x');
    assert.deepEqual(buildPage(empty, pageRequest(empty), 0, []), {
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  test('when page=last then the last page is loaded', async () => {
    const calls: Array<[number, number]> = [];
    const p = await paginate(req('/x?page=last'), async (limit, offset) => {
      calls.push([limit, offset]);
      return { count: 45, rows: limit ? ['z'] : [] };
    });
    assert.deepEqual(calls.at(-1), [20, 40]);
    assert.equal(p.next, null);
    assert.equal(p.previous, 'http://api.local:8080/x?page=2');
  });
});

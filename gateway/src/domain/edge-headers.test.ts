import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorsPolicy } from './edge-headers.js';

const headers = (p: CorsPolicy, origin: string): Record<string, string> => {
  const out: string[] = [];
  p.responseHeaders(origin, out);
  const h: Record<string, string> = {};
  for (let i = 0; i < out.length; i += 2) h[out[i]!] = out[i + 1]!;
  return h;
};

describe('CORS at the edge', () => {
  test('when origins are `*` and credentials are on then any origin gets `*` and never credentials', () => {
    const p = new CorsPolicy({ origins: ['*'], credentials: true, maxAgeS: 600 });
    const h = headers(p, 'https://evil.example');
    assert.equal(h['Access-Control-Allow-Origin'], '*');
    assert.equal(h['Access-Control-Allow-Credentials'], undefined);
  });
  test('when an origin is listed and credentials are on then it is echoed with credentials', () => {
    const p = new CorsPolicy({ origins: ['https://mutiroes.example', '*'], credentials: true, maxAgeS: 600 });
    const h = headers(p, 'https://mutiroes.example');
    assert.equal(h['Access-Control-Allow-Origin'], 'https://mutiroes.example');
    assert.equal(h['Access-Control-Allow-Credentials'], 'true');
    assert.equal(headers(p, 'https://other.example')['Access-Control-Allow-Credentials'], undefined);
  });
});

import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createLogger } from '@mutiroes/platform';
import { createApp } from '../../../app.js';
import type { ApiDeps } from '../../../deps.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { createResponseValidator } from './test-support/response-validator.js';

/** Documented paths served by middleware rather than a route (static files). */
const SERVED_BY_MIDDLEWARE = new Set(['get /media/{path}']);
/** Routes that are assets of a documented page, not operations. */
const ASSET_ROUTES = new Set(['get /api/docs/docs-init.js/']);

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string;
}

/** The real app over dependencies that are never reached: building it does no I/O, and the docs routes use none. */
function appWithoutConnections() {
  const noop: ApiDeps['requireAuth'] = (_req, _res, next) => next();
  const deps = {
    config: { BODY_LIMIT: '1kb', MEDIA_DIR: '/nonexistent', JWT_SECRET: 'x'.repeat(40) },
    logger: createLogger({ service: 'openapi-test', level: 'error' }),
    db: {},
    requireAuth: noop,
    optionalAuth: noop,
  } as unknown as ApiDeps;
  return createApp(deps, { health: { isReady: () => true } as never });
}

/** Every `method path` the Express app routes, paths in OpenAPI form (`{id}`, trailing slash). */
function expressRoutes(): Set<string> {
  const app = appWithoutConnections() as unknown as { router: { stack: Layer[] } };
  const out = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const l of stack) {
      if (l.route) {
        const paths = Array.isArray(l.route.path) ? l.route.path : [l.route.path];
        for (const p of paths) {
          const path = `${prefix}${p}`.replace(/:(\w+)/g, '{$1}').replace(/\/?$/, '/');
          // `_all` layers answer 405 for the other verbs of a known path.
          for (const m of Object.keys(l.route.methods)) if (m !== '_all') out.add(`${m} ${path}`);
        }
      } else if (l.handle?.stack) {
        walk(l.handle.stack, prefix + (l.rawPath && l.rawPath !== '/' ? l.rawPath : ''));
      }
    }
  };
  walk(app.router.stack, '');
  return out;
}

function documentedOperations(doc: ReturnType<typeof buildOpenApiDocument>): Set<string> {
  const out = new Set<string>();
  for (const [path, ops] of Object.entries(doc['paths'] as Record<string, object>))
    for (const method of Object.keys(ops)) out.add(`${method} ${path}`);
  return out;
}

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument();

  test('when validated against the OpenAPI 3.1 meta-schema then it is valid', async () => {
    const res = await new Validator().validate(structuredClone(doc));
    assert.equal(res.valid, true, JSON.stringify(res.errors, null, 1)?.slice(0, 3000));
    assert.equal(doc['openapi'], '3.1.0');
  });

  test('when the app routes are listed then every route has a documented operation', () => {
    const documented = documentedOperations(doc);
    const missing = [...expressRoutes()].filter((r) => !documented.has(r) && !ASSET_ROUTES.has(r));
    assert.deepEqual(missing, [], `routes without an OpenAPI operation: ${missing.join(', ')}`);
  });

  test('when the operations are listed then each one has a route behind it', () => {
    const routes = expressRoutes();
    const orphans = [...documentedOperations(doc)].filter(
      (o) => !routes.has(o) && !SERVED_BY_MIDDLEWARE.has(o),
    );
    assert.deepEqual(orphans, [], `documented operations without a route: ${orphans.join(', ')}`);
  });

  test('when /api/docs is asked for then the page, its assets and the document are served from this origin', async () => {
    const server = appWithoutConnections().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bare = await fetch(`${base}/api/docs`, { redirect: 'manual' });
      assert.equal(bare.status, 301);
      assert.equal(bare.headers.get('location'), '/api/docs/');
      const page = await fetch(`${base}/api/docs/`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<title>Mutirões API — referência<\/title>/);
      assert.doesNotMatch(html, /https?:\/\//, 'no absolute (CDN) URL in the page');
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
      for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs-init.js']) {
        const r = await fetch(`${base}/api/docs/${asset}`);
        assert.equal(r.status, 200, asset);
        await r.arrayBuffer();
      }
      const schema = await fetch(`${base}/api/schema/`);
      assert.equal(schema.status, 200);
      assert.equal(((await schema.json()) as { openapi: string }).openapi, '3.1.0');
    } finally {
      server.close();
    }
  });

  test('when every answer schema is compiled by ajv (JSON Schema 2020-12) then none fails', () => {
    const v = createResponseValidator(doc);
    assert.ok(v.operations.length >= 50, `only ${v.operations.length} operations`);
    for (const op of v.operations) v.compileAll(op);
  });

  test('when an answer drifts from its schema then the validator reports it', () => {
    const v = createResponseValidator(doc);
    const ok = { status: 'alive' };
    assert.deepEqual(v.check('GET', '/liveness/', 200, ok), []);
    assert.notDeepEqual(v.check('GET', '/liveness/', 200, { status: 'alive', extra: 1 }), []);
    assert.notDeepEqual(v.check('GET', '/api/events/1/', 418, {}), [], 'an undocumented status is reported');
    const err = v.check('GET', '/api/events/7/', 404, { detail: 'x', message: 'x' });
    assert.deepEqual(err, []);
    assert.equal(
      v.match('PATCH', '/api/events/7/participants/3')?.path,
      '/api/events/{id}/participants/{pk}/',
    );
  });

  test('when a datetime is answered in UTC (Z) or not ISO 8601 then the validator reports it', () => {
    const v = createResponseValidator(doc);
    const user = {
      id: 1,
      username: 'u',
      email: 'u@example.test',
      first_name: '',
      last_name: '',
      date_joined: '2026-12-13T08:00:00-03:00',
    };
    assert.deepEqual(v.check('POST', '/api/users/register/', 201, user), []);
    assert.notDeepEqual(v.check('POST', '/api/users/register/', 201, { ...user, date_joined: 'ontem' }), []);
    const utc = { ...user, date_joined: '2026-12-13T11:00:00.000Z' };
    assert.notDeepEqual(v.check('POST', '/api/users/register/', 201, utc), []);
  });
});

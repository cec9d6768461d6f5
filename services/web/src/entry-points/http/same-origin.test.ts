import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { sameOriginMiddleware } from './same-origin.middleware.js';
import { isProxyEntry } from '../../config.js';

/** A bare app with the middleware behind `trust proxy` = `trusted`; POST / answers 200 when admitted. */
async function serve(trusted: string[]): Promise<{ url: string; server: Server }> {
  const app = express();
  app.set('trust proxy', trusted);
  app.use(sameOriginMiddleware());
  app.post('/', (_req, res) => void res.send('ok'));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('same-origin check behind a proxy', () => {
  let loopback: { url: string; server: Server };
  let elsewhere: { url: string; server: Server };
  before(async () => {
    loopback = await serve(['loopback']);
    elsewhere = await serve(['10.0.0.0/8']);
  });
  after(() => {
    loopback.server.close();
    elsewhere.server.close();
  });
  const post = (url: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers }).then((r) => r.status);
  const tls = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mutiroes.example' };

  test('when a page of this site posts directly then it is admitted; another origin is refused', async () => {
    assert.equal(await post(loopback.url, { origin: loopback.url }), 200);
    assert.equal(await post(loopback.url, { origin: 'http://evil.example' }), 403);
    assert.equal(await post(loopback.url, {}), 403);
  });

  test('when a trusted proxy terminates TLS then the forwarded https origin is this site', async () => {
    assert.equal(await post(loopback.url, { ...tls, origin: 'https://mutiroes.example' }), 200);
    assert.equal(await post(loopback.url, { ...tls, origin: loopback.url }), 403);
  });

  test('when the peer is not a trusted proxy then its forwarded headers are ignored', async () => {
    assert.equal(await post(elsewhere.url, { ...tls, origin: 'https://mutiroes.example' }), 403);
    assert.equal(await post(elsewhere.url, { ...tls, origin: elsewhere.url }), 200);
  });

  test('when WEB_TRUSTED_PROXIES names something express cannot trust then it is not a proxy entry', () => {
    for (const ok of ['loopback', 'uniquelocal', '10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8'])
      assert.equal(isProxyEntry(ok), true, ok);
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0/8', 'fd00::/129', '1.2.3.4/8/1', ''])
      assert.equal(isProxyEntry(bad), false, bad);
  });
});

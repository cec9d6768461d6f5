// Test fixture process: a tiny HTTP service that registers itself (HTTP check on /health reading the
// readiness flag) and shuts down through registerLifecycle on SIGTERM. Prints `{"port":…}` when registered.
// env: CONSUL_HTTP_ADDR, SERVICE_NAME, INSTANCE_ID, GRACE_MS
import http from 'node:http';
import { Lifecycle } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { registerLifecycle } from '../registration/registry-lifecycle.js';
import type { Registration } from '../registration/registration.js';
import { testLogger } from './test-logger.fixture.js';

const log = testLogger('http-service');
let reg: Registration | null = null;
const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.statusCode = reg?.ready ? 200 : 503;
    res.end();
    return;
  }
  setTimeout(() => res.end(process.env['INSTANCE_ID']), 5);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const registry = new ConsulRegistry({ consulAddr: process.env['CONSUL_HTTP_ADDR']!, logger: log });
reg = await registry.register({
  name: process.env['SERVICE_NAME']!,
  id: process.env['INSTANCE_ID']!,
  address: '127.0.0.1',
  port,
  check: {
    http: `http://127.0.0.1:${port}/health`,
    interval: '1s',
    timeout: '1s',
    deregisterCriticalServiceAfter: '1m',
  },
});
const lifecycle = new Lifecycle(log);
registerLifecycle(lifecycle, reg, { graceMs: Number(process.env['GRACE_MS'] ?? 1000) });
lifecycle.onShutdown('stop accepting and drain', 80, () => new Promise<void>((r) => server.close(() => r())));
lifecycle.onShutdown('close registry', 10, () => registry.close());
lifecycle.installSignalHandlers();
console.log(JSON.stringify({ port }));

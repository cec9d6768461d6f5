// Test fixture process: contends for a leader lock and prints `gained` / `lost` lines with timestamps.
// env: CONSUL_HTTP_ADDR, LOCK_KEY, HOLDER
import { ConsulRegistry } from '../consul-registry.js';
import { testLogger } from './test-logger.fixture.js';

const registry = new ConsulRegistry({
  consulAddr: process.env['CONSUL_HTTP_ADDR']!,
  logger: testLogger('contender'),
});
const lock = registry.leaderLock(process.env['LOCK_KEY']!, {
  holder: process.env['HOLDER']!,
  ttl: '3s',
  lockDelay: '1s',
});
lock.on('gained', () => console.log(JSON.stringify({ ev: 'gained', t: Date.now() })));
lock.on('lost', (reason: string) => console.log(JSON.stringify({ ev: 'lost', t: Date.now(), reason })));
lock.start();
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => void registry.close().then(() => process.exit(0)));

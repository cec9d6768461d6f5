import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ConfigError, defineConfig } from './config.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger } from './logger.js';
import { currentRequestId, runWithRequestId } from './request-context.js';
import { waitFor } from './timing.js';
import { dataServiceConfigShape, serviceConfigShape } from './service-config.js';

const quiet = createLogger({ service: 'test', level: 'error' });

describe('defineConfig', () => {
  const schema = z.object({
    PORT: z.coerce.number().int().min(1),
    SECRET: z.string().min(8),
    MODE: z.enum(['a', 'b']).default('a'),
  });

  test('when every variable is valid then a frozen typed object is returned', () => {
    const c = defineConfig(schema, { PORT: '8080', SECRET: 'longenough' });
    assert.deepEqual(c, { PORT: 8080, SECRET: 'longenough', MODE: 'a' });
    assert.ok(Object.isFrozen(c));
  });

  test('when variables are missing or bad then the error names each of them', () => {
    assert.throws(
      () => defineConfig(schema, { PORT: 'x', MODE: 'c', SECRET: '' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.length === 3 &&
        /PORT/.test(e.message) &&
        /SECRET/.test(e.message) &&
        /MODE/.test(e.message),
    );
  });
});

describe('shared configuration shapes', () => {
  test('when a service spreads the base shape then it gets the shared defaults and their checks', () => {
    const c = defineConfig(z.object({ ...dataServiceConfigShape('worker') }), {});
    assert.equal(c.SERVICE_NAME, 'worker');
    assert.equal(c.CONSUL_HTTP_ADDR, '127.0.0.1:8500');
    assert.equal(c.REDIS_SENTINEL_MASTER, 'mutiroes');
    assert.equal(c.DB_NAME, 'mutiroes');
    assert.equal(c.PORT, 0);
    assert.equal(defineConfig(z.object(serviceConfigShape('gateway', { port: 8080 })), {}).PORT, 8080);
    assert.throws(
      () => defineConfig(z.object(serviceConfigShape('web')), { LOG_LEVEL: 'loud', NODE_ENV: 'prod' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => i.startsWith('LOG_LEVEL')) &&
        e.issues.some((i) => i.startsWith('NODE_ENV')),
    );
  });
});

describe('Lifecycle', () => {
  test('when shutting down then steps run by descending priority and a failing step does not stop the rest', async () => {
    const ran: string[] = [];
    const lc = new Lifecycle(quiet, 5000)
      .onShutdown('close-db', 10, () => void ran.push('close-db'))
      .onShutdown('deregister', 100, () => void ran.push('deregister'))
      .onShutdown('drain', 50, async () => {
        ran.push('drain');
        throw new Error('boom');
      });
    await assert.rejects(lc.shutdown(), /shutdown steps failed/);
    assert.deepEqual(ran, ['deregister', 'drain', 'close-db']);
  });

  test('when shutdown is called twice then steps run once', async () => {
    let n = 0;
    const lc = new Lifecycle(quiet).onShutdown('x', 1, () => void n++);
    await Promise.all([lc.shutdown(), lc.shutdown()]);
    assert.equal(n, 1);
  });
});

describe('request context', () => {
  test('when code runs with a request id then awaited code still sees it', async () => {
    const seen = await runWithRequestId('req-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentRequestId();
    });
    assert.equal(seen, 'req-1');
    assert.equal(currentRequestId(), undefined);
  });
});

describe('waitFor', () => {
  test('when the condition becomes true then its value is returned', async () => {
    let i = 0;
    assert.equal(
      await waitFor(() => (++i >= 3 ? 'done' : false), { timeoutMs: 1000, intervalMs: 1 }),
      'done',
    );
  });

  test('when the deadline passes then it fails naming what it waited for', async () => {
    await assert.rejects(
      waitFor(() => false, { timeoutMs: 30, intervalMs: 5, description: 'the moon' }),
      /the moon/,
    );
  });
});

describe('withTimeout', () => {
  test('when the promise settles in time then its value or error passes through', async () => {
    const { withTimeout } = await import('./timing.js');
    assert.equal(await withTimeout(Promise.resolve(7), 1000, 'quick'), 7);
    await assert.rejects(withTimeout(Promise.reject(new Error('boom')), 1000, 'failing'), /boom/);
    await assert.rejects(withTimeout(Promise.reject('text'), 1000, 'failing'), /text/);
  });

  test('when the promise is too slow then it is rejected naming what timed out', async () => {
    const { withTimeout } = await import('./timing.js');
    const never = new Promise<number>(() => {});
    await assert.rejects(withTimeout(never, 20, 'enqueue'), /enqueue timed out after 20 ms/);
  });
});

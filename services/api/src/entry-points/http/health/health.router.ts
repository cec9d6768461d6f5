// /health/, /readiness/, /liveness/ — served by every API instance; Consul's check calls /health/.
import express from 'express';
import { QueryTypes, type Sequelize } from 'sequelize';
import type { RedisClient as Redis } from '@mutiroes/registry';

export interface HealthProbe {
  sequelize: Sequelize;
  redis?: Redis;
  /** False while the instance drains (shutdown): health and readiness answer 503. */
  isReady(): boolean;
  /** Extra figures for operators (outbox backlog...). */
  extra?(): Promise<Record<string, unknown>>;
}

async function timed<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`timeout after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(t));
}

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await timed(fn(), 1000);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * `/health/` is 503 only when the database is unreachable or the instance drains: Redis down is
 * `degraded` (200), because the API still serves reads and writes (jobs wait in the outbox), and
 * taking every API instance out of Consul for a Redis failover would turn it into a full outage.
 */
export function createHealthRouter(probe: HealthProbe): express.Router {
  const r = express.Router();
  const db = () => check(() => probe.sequelize.query('SELECT 1', { type: QueryTypes.SELECT }));
  const redis = () =>
    probe.redis
      ? check(() =>
          probe.redis!.status === 'ready'
            ? probe.redis!.ping()
            : Promise.reject(new Error(`redis ${probe.redis!.status}`)),
        )
      : Promise.resolve({ ok: false, error: 'not configured' });

  r.get('/health', async (_req, res) => {
    const [d, rd] = await Promise.all([db(), redis()]);
    const ready = probe.isReady();
    const status = !ready || !d.ok ? 'unhealthy' : rd.ok ? 'healthy' : 'degraded';
    const extra = probe.extra ? await timed(probe.extra(), 500).catch(() => ({})) : {};
    res.status(status === 'unhealthy' ? 503 : 200).json({
      status,
      checks: {
        database: d.ok ? 'healthy' : `unhealthy: ${d.error}`,
        redis: rd.ok ? 'healthy' : `unhealthy: ${rd.error}`,
        ...(ready ? {} : { instance: 'draining' }),
      },
      circuit_breakers: {},
      ...extra,
    });
  });

  r.get('/readiness', async (_req, res) => {
    const d = await db();
    const ready = probe.isReady() && d.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: { database: d.ok ? 'healthy' : `unhealthy: ${d.error}` },
    });
  });

  r.get('/liveness', (_req, res) => {
    res.json({ status: 'alive' });
  });
  return r;
}

// The worker's small HTTP server: Consul health check, Prometheus /metrics, and the /queues status page + JSON API.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { newRequestId, runWithRequestId, type Logger } from '@mutiroes/platform';
import type { JobStore } from '../../data-access/job-store.js';
import { JOB_STATES } from '../../data-access/job-store.js';
import type { QueueTelemetryRepository } from '../../data-access/queue-telemetry.repository.js';
import type { MeshStateRepository } from '../../data-access/mesh-state.repository.js';
import { requireActiveAdmin, viewerOf, type AdminDirectory } from './admin-auth.js';
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from './status-page.js';
import { redactEmailsDeep } from '../../domain/redact-emails.js';
import type { WorkerMetrics } from './worker-metrics.js';

export interface StatusServerDeps {
  jwtSecret: string;
  /** The users table: every /queues/api read and action needs a user who is an active admin right now. */
  admins: AdminDirectory;
  queuePrefix: string;
  queueNames: string[];
  telemetry: QueueTelemetryRepository;
  jobs: JobStore;
  mesh: MeshStateRepository;
  metrics: WorkerMetrics;
  health: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** false once shutdown began: the Consul check turns critical before the listener closes. */
  ready: () => boolean;
  log: Logger;
}

const listQuery = z.object({
  state: z.enum(JOB_STATES).default('waiting'),
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(20),
});

export function buildStatusApp(d: StatusServerDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const id = (req.headers['x-request-id'] as string | undefined) ?? newRequestId();
    res.setHeader('x-request-id', id);
    runWithRequestId(id, () => next());
  });

  const health = async (_req: Request, res: Response) => {
    const h = await d.health();
    const ok = h.ok && d.ready();
    res.status(ok ? 200 : 503).json({
      status: ok ? 'healthy' : 'unhealthy',
      checks: { ...h.checks, accepting: d.ready() ? 'ok' : 'shutting down' },
    });
  };
  app.get(['/health', '/health/', '/readiness', '/readiness/'], health);
  app.get(['/liveness', '/liveness/'], (_req, res) => void res.json({ status: 'alive' }));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', d.metrics.registry.contentType);
    res.send(await d.metrics.registry.metrics());
  });

  // The page itself holds no data (it asks the API below with the admin's token), so it may be served to anyone.
  app.get(['/queues', '/queues/'], (_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-security-policy', STATUS_PAGE_CSP);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('referrer-policy', 'no-referrer');
    res.send(STATUS_PAGE_HTML);
  });

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  api.get(
    '/me',
    (req, res, next) => void viewerOf(req, d.jwtSecret, d.admins).then((v) => res.json(v), next),
  );
  // Everything else (job data with addresses, hosts, pids, the Redis address; retry and remove) is for admins only.
  api.use(requireActiveAdmin(d.jwtSecret, d.admins));
  api.get('/overview', async (_req, res) => {
    const [workers, queues] = await Promise.all([
      d.telemetry.workers(),
      d.telemetry.counts(d.queuePrefix, d.queueNames),
    ]);
    res.json({ generated_at: new Date().toISOString(), workers, queues });
  });
  api.get('/throughput', async (req, res) => {
    const minutes = z.coerce.number().int().min(1).max(120).default(30).safeParse(req.query['minutes']);
    if (!minutes.success)
      return void res.status(400).json({ minutes: ['must be an integer between 1 and 120'] });
    res.json({ bucket_ms: 10_000, buckets: await d.telemetry.throughput(d.queueNames, minutes.data) });
  });
  api.get('/queues/:name/jobs', async (req, res) => {
    const name = String(req.params['name']);
    if (!d.jobs.has(name)) return void res.status(404).json({ detail: `unknown queue ${name}` });
    const q = listQuery.safeParse(req.query);
    if (!q.success) return void res.status(400).json(fieldErrors(q.error));
    const r = await d.jobs.list(name, q.data.state, q.data.page, q.data.page_size);
    res.json({
      queue: name,
      state: q.data.state,
      page: q.data.page,
      page_size: q.data.page_size,
      total: r.total,
      jobs: redactEmailsDeep(r.jobs),
    });
  });
  api.get('/queues/:name/jobs/:id', async (req, res) => {
    const name = String(req.params['name']);
    if (!d.jobs.has(name)) return void res.status(404).json({ detail: `unknown queue ${name}` });
    const job = await d.jobs.get(name, String(req.params['id']));
    if (!job) return void res.status(404).json({ detail: 'job not found' });
    res.json(redactEmailsDeep(job));
  });
  api.post('/queues/:name/jobs/:id/retry', async (req, res) => {
    const r = await d.jobs.retry(String(req.params['name']), String(req.params['id']));
    if (r === 'not_found') return void res.status(404).json({ detail: 'job not found' });
    if (r === 'not_failed')
      return void res.status(409).json({ detail: 'only failed or dead jobs can be retried' });
    d.log.info('job retried by an admin', {
      queue: req.params['name'],
      job_id: req.params['id'],
      by: (res.locals['viewer'] as { user_id?: unknown }).user_id,
    });
    res.json({ status: 'retried' });
  });
  api.delete('/queues/:name/jobs/:id', async (req, res) => {
    const r = await d.jobs.remove(String(req.params['name']), String(req.params['id']));
    if (r === 'not_found') return void res.status(404).json({ detail: 'job not found' });
    d.log.info('job removed by an admin', {
      queue: req.params['name'],
      job_id: req.params['id'],
      by: (res.locals['viewer'] as { user_id?: unknown }).user_id,
    });
    res.json({ status: 'removed' });
  });
  api.get('/beat', async (_req, res) => void res.json(await d.mesh.beat()));
  api.get('/broker', async (_req, res) => void res.json(await d.mesh.broker()));
  api.use((_req, res) => void res.status(404).json({ detail: 'not found' }));
  app.use('/queues/api', api);

  app.use((_req, res) => void res.status(404).json({ detail: 'not found' }));
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    d.log.error('status request failed', { error: err.message });
    if (res.headersSent) return;
    // Redis/Postgres unavailable during a failover: a clear 503, not a 500.
    res.status(503).json({ detail: 'status temporarily unavailable' });
  });
  return app;
}

function fieldErrors(e: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of e.issues) (out[i.path.join('.') || 'non_field_errors'] ??= []).push(i.message);
  return out;
}

export async function startStatusServer(
  app: express.Express,
  host: string,
  port: number,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export async function stopStatusServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

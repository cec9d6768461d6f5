// The operator listener of a gateway run as several processes (GATEWAY_WORKERS > 1, node:cluster). The primary
// owns it and answers for the whole instance: /metrics summed over the workers (prom-client's AggregatorRegistry),
// /status with every worker's routing table, /ready when every worker is. Workers answer the primary over IPC and
// open no operator port. (Before, each worker listened on the shared admin port, so every scrape read the counters
// of whichever worker the connection landed on: totals that jumped back and forth between scrapes.)
import cluster from 'node:cluster';
import type express from 'express';
import client from 'prom-client';
import { operatorApp, statusPage, statusSection, wantsJson, type StatusSnapshot } from './admin-app.js';

const STATUS_REQUEST = 'gateway:status-request';
const STATUS_REPLY = 'gateway:status-reply';

interface StatusMessage {
  type?: string;
  id?: number;
  status?: StatusSnapshot;
}

/** In a worker: answer the primary's requests for this process's metrics and status. */
export function answerPrimary(registry: client.Registry, status: () => StatusSnapshot): void {
  new client.AggregatorRegistry(); // installs prom-client's worker-side listener (idempotent)
  client.AggregatorRegistry.setRegistries([registry]);
  process.on('message', (m: StatusMessage) => {
    if (m?.type === STATUS_REQUEST) process.send?.({ type: STATUS_REPLY, id: m.id, status: status() });
  });
}

let nextId = 1;

/** Every connected worker's status snapshot; a worker that does not answer within `timeoutMs` is left out. */
function workerStatuses(timeoutMs = 2_000): Promise<StatusSnapshot[]> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
  if (workers.length === 0) return Promise.resolve([]);
  const id = nextId++;
  return new Promise((resolve) => {
    const got: StatusSnapshot[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const w of workers) w!.off('message', onMessage);
      resolve(got);
    };
    const onMessage = (m: StatusMessage) => {
      if (m?.type !== STATUS_REPLY || m.id !== id || !m.status) return;
      got.push(m.status);
      if (got.length === workers.length) done();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const w of workers) {
      w!.on('message', onMessage);
      w!.send({ type: STATUS_REQUEST, id });
    }
  });
}

/** The whole instance as one status: the sums, plus each worker's own table. */
export interface ClusterStatus {
  gateway: string;
  workers_expected: number;
  workers_answering: number;
  ready: boolean;
  in_flight: number;
  requests: number;
  retries: number;
  workers: StatusSnapshot[];
}

export function clusterStatus(gateway: string, expected: number, workers: StatusSnapshot[]): ClusterStatus {
  const sum = (k: 'in_flight' | 'requests' | 'retries') => workers.reduce((a, w) => a + w[k], 0);
  return {
    gateway,
    workers_expected: expected,
    workers_answering: workers.length,
    ready: workers.length === expected && workers.every((w) => w.ready),
    in_flight: sum('in_flight'),
    requests: sum('requests'),
    retries: sum('retries'),
    workers: [...workers].sort((a, b) => a.gateway.localeCompare(b.gateway)),
  };
}

/** The primary's operator app (the same pages as a single process's admin listener, for the whole instance). */
export function createPrimaryAdminApp(gateway: string, expectedWorkers: number): express.Express {
  const aggregator = new client.AggregatorRegistry();
  const current = async () => clusterStatus(gateway, expectedWorkers, await workerStatuses());
  return operatorApp({
    health: (_req, res) => {
      res.json({ status: 'ok', gateway, workers: expectedWorkers });
    },
    ready: async (_req, res) => {
      const s = await current();
      res
        .status(s.ready ? 200 : 503)
        .json({ ready: s.ready, workers: s.workers_answering, workers_expected: s.workers_expected });
    },
    status: async (req, res) => {
      const s = await current();
      if (wantsJson(req)) return void res.json(s);
      const summary = `<p>${s.workers_answering} of ${s.workers_expected} workers answered · ${s.ready ? 'ready' : 'not ready'} · requests ${s.requests} · in flight ${s.in_flight} · retries ${s.retries}</p>`;
      res.type('html').send(statusPage(gateway, [summary, ...s.workers.map(statusSection)]));
    },
    metrics: async (_req, res) => {
      try {
        res.type(aggregator.contentType).send(await aggregator.clusterMetrics());
      } catch (e) {
        res
          .status(503)
          .type('text/plain')
          .send(`metrics unavailable: ${(e as Error).message}\n`);
      }
    },
  });
}

// A small real HTTP backend for gateway tests and the bench: echoes requests, can fail on demand,
// and (run as a process) registers in Consul through the registry like any service instance.
//   node --conditions=source --import tsx gateway/src/testing/echo-backend.ts
//   env: PORT, HOST, SERVICE_NAME (api), INSTANCE_ID, CONSUL_HTTP_ADDR, ECHO_ROUTES (/api), ECHO_REGISTER (1),
//        ECHO_BODY_BYTES (pad the default answer to this size)
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface EchoBackend {
  readonly server: http.Server;
  readonly port: number;
  readonly name: string;
  /** Requests seen per x-request-id (to prove a request was or was not replayed). */
  readonly seen: Map<string, number>;
  /** Requests seen per Idempotency-Key. */
  readonly seenKeys: Map<string, number>;
  requests: number;
  close(): Promise<void>;
}

export interface EchoOptions {
  port?: number;
  host?: string;
  name: string;
  /** Keep-alive idle timeout (Node default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Pad the default answer to this many bytes (profiling API-sized pages). */
  bodyBytes?: number;
}

/**
 * A stand-in for the API's Idempotency-Key store, shared by the backends of one process (unit tests):
 * per key, the 1st request is dropped (socket destroyed, as if the instance died mid-request), the 2nd is
 * answered `409` + `Retry-After: 1` ("still in progress"), later ones get the stored answer, replayed.
 */
const idemStore = new Map<string, number>();

const OK_BODY = (name: string, bytes = 0) => {
  const padding = Math.max(0, bytes - JSON.stringify({ ok: true, instance: name, pad: '' }).length);
  return Buffer.from(JSON.stringify({ ok: true, instance: name, pad: 'x'.repeat(padding) }));
};

/**
 * Routes (any prefix; the last path segment decides):
 *   …/__destroy      reads the whole request, then destroys the socket without answering
 *   …/__destroy-unless/NAME   like __destroy, except on the instance called NAME, which echoes
 *   …/__stall-unless/NAME     reads the request and never answers (as behind a partition: the socket stays
 *                             open, nothing comes back), except on the instance called NAME, which echoes
 *   …/__hop          names X-Private-Hop in its Connection header (and sends it); body: the request headers
 *   …/__idem         the Idempotency-Key life cycle of the API (see idemStore), per key across in-process backends
 *   …/__status/NNN   answers status NNN
 *   …/__slow?ms=N    answers after N ms
 *   …/__sse          3 server-sent events, 50 ms apart
 *   …/__echo         JSON of method, url, headers and body length
 *   /__seen?id=X     how often request id X reached this instance (not counted as a request)
 *   /health/, /health  200
 *   anything else    a small JSON body (the cheap path the bench uses)
 */
export async function startEchoBackend(o: EchoOptions): Promise<EchoBackend> {
  const seen = new Map<string, number>();
  const seenKeys = new Map<string, number>();
  const okBody = OK_BODY(o.name, o.bodyBytes);
  const state = { requests: 0 };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    state.requests++;
    const url = req.url ?? '/';
    if (url.startsWith('/__seen')) {
      // How many times a request id reached this instance (for "not replayed" assertions across processes).
      const q = new URLSearchParams(url.split('?')[1] ?? '');
      const id = q.get('id') ?? '';
      const key = q.get('key') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          instance: o.name,
          id,
          count: seen.get(id) ?? 0,
          key,
          key_count: seenKeys.get(key) ?? 0,
          requests: state.requests,
        }),
      );
      return;
    }
    const rid = req.headers['x-request-id'];
    if (typeof rid === 'string') seen.set(rid, (seen.get(rid) ?? 0) + 1);
    const idemKey = req.headers['idempotency-key'];
    if (typeof idemKey === 'string') seenKeys.set(idemKey, (seenKeys.get(idemKey) ?? 0) + 1);
    if (!url.includes('/__')) {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': okBody.length,
          'x-instance': o.name,
        });
        res.end(okBody);
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = url.split('?')[0]!;
      const query = new URLSearchParams(url.split('?')[1] ?? '');
      if (path.endsWith('/__destroy')) {
        req.socket.destroy();
        return;
      }
      const unless = /\/__destroy-unless\/([^/]+)$/.exec(path);
      if (unless && unless[1] !== o.name) {
        req.socket.destroy();
        return;
      }
      const stall = /\/__stall-unless\/([^/]+)$/.exec(path);
      if (stall && stall[1] !== o.name) return;
      if (path.endsWith('/__hop')) {
        // Names a private header in its own Connection header: a proxy must not pass either on.
        res.writeHead(200, {
          'content-type': 'application/json',
          connection: 'keep-alive, X-Private-Hop',
          'x-private-hop': 'secret',
          'x-public': 'ok',
          'x-instance': o.name,
        });
        res.end(JSON.stringify({ headers: req.headers }));
        return;
      }
      if (path.endsWith('/__idem')) {
        const key = String(req.headers['idempotency-key'] ?? '');
        const n = (idemStore.get(key) ?? 0) + 1;
        idemStore.set(key, n);
        if (n === 1) {
          req.socket.destroy();
          return;
        }
        if (n === 2) {
          res.writeHead(409, {
            'content-type': 'application/json',
            'retry-after': '1',
            'x-instance': o.name,
          });
          res.end(
            JSON.stringify({
              error: { code: 'idempotency_in_progress', message: 'a request with this key is in progress' },
            }),
          );
          return;
        }
        res.writeHead(201, {
          'content-type': 'application/json',
          'idempotent-replayed': 'true',
          'x-instance': o.name,
        });
        res.end(JSON.stringify({ created: true, instance: o.name }));
        return;
      }
      const st = /\/__status\/(\d{3})$/.exec(path);
      if (st) {
        res.writeHead(Number(st[1]), { 'content-type': 'application/json', 'x-instance': o.name });
        res.end(JSON.stringify({ status: Number(st[1]), instance: o.name }));
        return;
      }
      if (path.endsWith('/__slow')) {
        setTimeout(
          () => {
            res.writeHead(200, { 'content-type': 'application/json', 'x-instance': o.name });
            res.end(JSON.stringify({ slow: true, instance: o.name }));
          },
          Number(query.get('ms') ?? '100'),
        );
        return;
      }
      if (path.endsWith('/__sse')) {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-instance': o.name,
        });
        let n = 0;
        const t = setInterval(() => {
          res.write(`id: ${++n}\ndata: tick ${n}\n\n`);
          if (n === 3) {
            clearInterval(t);
            res.end();
          }
        }, 50);
        return;
      }
      const body = JSON.stringify({
        instance: o.name,
        method: req.method,
        url,
        headers: req.headers,
        body_length: chunks.reduce((a, c) => a + c.length, 0),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-instance': o.name });
      res.end(body);
    });
  };
  const server = http.createServer({ keepAliveTimeout: o.keepAliveTimeoutMs ?? 5000 }, handler);
  // Raw upgrade echo: answers 101 and echoes bytes back (enough to prove pass-through without a ws library).
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade ?? 'echo'}\r\nConnection: Upgrade\r\nX-Instance: ${o.name}\r\n\r\n`,
    );
    if (head.length) socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    name: o.name,
    seen,
    seenKeys,
    get requests() {
      return state.requests;
    },
    set requests(v: number) {
      state.requests = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const { createLogger, Lifecycle } = await import('@mutiroes/platform');
  const env = process.env;
  const name = env['INSTANCE_ID'] ?? `echo-${process.pid}`;
  const service = env['SERVICE_NAME'] ?? 'api';
  const host = env['HOST'] ?? '127.0.0.1';
  const log = createLogger({ service, instance: name, level: env['LOG_LEVEL'] ?? 'info' });
  const backend = await startEchoBackend({
    name,
    host,
    port: Number(env['PORT'] ?? 0),
    bodyBytes: Number(env['ECHO_BODY_BYTES'] ?? 0),
  });
  const lifecycle = new Lifecycle(log, 15_000);
  if ((env['ECHO_REGISTER'] ?? '1') !== '0') {
    const { ConsulRegistry, registerLifecycle } = await import('@mutiroes/registry');
    const registry = new ConsulRegistry({
      consulAddr: env['CONSUL_HTTP_ADDR'] ?? '127.0.0.1:8500',
      logger: log,
    });
    const routes = (env['ECHO_ROUTES'] ?? '/api').split(',');
    const registration = await registry.register({
      name: service,
      id: name,
      address: host,
      port: backend.port,
      meta: {
        route: routes[0]!,
        ...(routes.length > 1 ? { routes: routes.slice(1).join(',') } : {}),
        version: 'echo',
      },
      check: {
        http: `http://${host}:${backend.port}/health/`,
        interval: env['ECHO_CHECK_INTERVAL'] ?? '1s',
        timeout: '1s',
        deregisterCriticalServiceAfter: '30s',
      },
    });
    registerLifecycle(lifecycle, registration, { graceMs: Number(env['ECHO_GRACE_MS'] ?? 1500) });
    lifecycle.onShutdown('close registry', 10, () => registry.close());
  }
  lifecycle.onShutdown('close server', 80, () => {
    // Stop accepting, let requests in flight finish; idle keep-alive sockets are closed.
    const closed = new Promise<void>((r) => backend.server.close(() => r()));
    backend.server.closeIdleConnections();
    return closed;
  });
  lifecycle.installSignalHandlers();
  log.info('echo backend listening', { port: backend.port });
  process.stdout.write(`ECHO_READY ${backend.port}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}

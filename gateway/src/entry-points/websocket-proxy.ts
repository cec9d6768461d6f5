// WebSocket (and any HTTP upgrade) pass-through. The instance, rate limit and forwarded headers are
// chosen by the same functions as a proxied request; the tunnel itself is http-proxy-middleware's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from '@mutiroes/platform';
import type { Route } from '../domain/route-table.js';
import type { RoutingState } from '../domain/routing-state.js';
import type { RateLimiter } from '../domain/rate-limiter.js';
import { pickUpstream } from '../domain/balancer.js';
import { pushForwardingHeaders } from './forward-headers.js';
import { choosePool, clientIpOf, requestIdOf } from './request-intake.js';

export interface WebSocketProxyDeps {
  state: RoutingState;
  limiter: RateLimiter | null;
  trustedProxies: ReadonlySet<string>;
  log: Logger;
}

const kTarget = Symbol('gateway.target');
type UpgradeReq = IncomingMessage & { [kTarget]?: string };

function refuse(socket: Socket, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class WebSocketProxy {
  /** Upgraded connections are no longer the HTTP server's: tracked here so that closeAll() ends them too. */
  private readonly tunnels = new Set<Socket>();
  private readonly proxy;

  constructor(private readonly d: WebSocketProxyDeps) {
    this.proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
      target: 'http://127.0.0.1:9',
      router: (req) => (req as UpgradeReq)[kTarget]!,
      ws: false,
      xfwd: false,
      on: {
        error: (err, _req, target) => {
          d.log.warn('websocket proxy error', { error: (err as Error).message });
          (target as Socket).destroy?.();
        },
      },
    });
  }

  get open(): number {
    return this.tunnels.size;
  }

  /** The HTTP server's 'upgrade' listener. */
  readonly upgrade = (req: UpgradeReq, socket: Socket, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = req.url ?? '/';
    const route = this.d.state.table.match(url);
    if (!route) return refuse(socket, '404 Not Found');
    const ip = clientIpOf(req, this.d.trustedProxies);
    const limiter = this.d.limiter;
    if (!limiter) return this.tunnel(req, socket, head, route, ip);
    limiter.check(ip, url, Date.now(), (v) => {
      if (!v.allowed) return refuse(socket, `429 Too Many Requests\r\nRetry-After: ${v.retryAfterS}`);
      socket.once('close', v.release);
      this.tunnel(req, socket, head, route, ip);
    });
  };

  private tunnel(req: UpgradeReq, socket: Socket, head: Buffer, route: Route, ip: string): void {
    const pool = choosePool(this.d.state, route);
    const up = 'upstreams' in pool ? pickUpstream(pool.upstreams) : undefined;
    if (!up) return refuse(socket, '503 Service Unavailable');
    const requestId = requestIdOf(req);
    const fwd: string[] = [];
    pushForwardingHeaders(fwd, req, ip, requestId, this.d.trustedProxies);
    for (let i = 0; i < fwd.length; i += 2) req.headers[fwd[i]!] = fwd[i + 1]!;
    req[kTarget] = up.origin;
    up.outstanding++;
    this.tunnels.add(socket);
    socket.once('close', () => {
      up.outstanding--;
      this.tunnels.delete(socket);
    });
    this.d.log.info('websocket upgrade', { request_id: requestId, path: req.url ?? '/', upstream: up.id });
    void this.proxy.upgrade(req, socket, head);
  }

  /** Ends every tunnel (with an error: http-proxy then ends the upstream side too; a plain destroy leaves it open). */
  closeAll(): void {
    for (const t of this.tunnels) t.destroy(new Error('gateway closing'));
  }
}

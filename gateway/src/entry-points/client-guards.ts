// Slow and greedy clients at the edge: a silent request body is cut with 408, connections per address are bounded.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { normalizeIp } from '../domain/client-address.js';

/**
 * Arms a timer that fires when the client sends nothing for `idleMs` while its body is still expected (nginx
 * client_body_timeout). The socket's own timeout is used, so the proxy handler's reading of the body is untouched;
 * it is disarmed once the body is complete, because waiting for the upstream is not the client's silence.
 */
/** Whether a request carries a body: a non-zero Content-Length, or a Transfer-Encoding without one. */
export function hasRequestBody(req: IncomingMessage): boolean {
  const cl = req.headers['content-length'];
  return cl !== undefined ? cl !== '0' : req.headers['transfer-encoding'] !== undefined;
}

export function guardRequestBody(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  if (!hasRequestBody(req) || req.complete) return;
  const onTimeout = () => {
    if (!res.headersSent) {
      res.writeHead(408, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(
        JSON.stringify({
          error: { code: 'request_timeout', message: `no request body data for ${idleMs} ms` },
        }),
      );
    }
    req.socket.destroySoon();
    // A client that does not read the answer either is not waited for.
    setTimeout(() => req.socket.destroy(), 1000).unref();
  };
  req.setTimeout(idleMs, onTimeout);
  req.once('end', () => {
    req.socket.setTimeout(0);
    req.off('timeout', onTimeout);
  });
  // Aborted: the socket goes away; its keep-alive timer (set by Node once a response finished) is left alone.
  req.once('close', () => req.off('timeout', onTimeout));
}

/** Refuses (closes at once) a connection beyond `max` open ones from one address; trusted proxies are exempt. */
export function limitConnectionsPerAddress(
  server: Server,
  max: number,
  exempt: ReadonlySet<string>,
  onRefused: (ip: string) => void,
): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = normalizeIp(socket.remoteAddress);
    if (exempt.has(ip)) return;
    const n = (open.get(ip) ?? 0) + 1;
    if (n > max) {
      onRefused(ip);
      socket.destroy();
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const m = (open.get(ip) ?? 1) - 1;
      if (m <= 0) open.delete(ip);
      else open.set(ip, m);
    });
  });
}

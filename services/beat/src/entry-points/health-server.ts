// A tiny HTTP endpoint of the beat (its Consul check is a TTL heartbeat; this is for operators and probes).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startHealthServer(
  host: string,
  port: number,
  state: () => Record<string, unknown>,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' || path === '/health/' || path === '/liveness' || path === '/liveness/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'healthy', ...state() }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"detail":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

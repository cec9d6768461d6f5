// The runtime's floor, measured beside the gateway: the least a node:http server + undici proxy does per request
// (round robin over static upstreams, hop-by-hop headers dropped, the answer streamed back). No limits, retries,
// breakers, metrics, access log or request id: what is left between this and the gateway is the gateway's own
// work; what is left between this and nginx is the runtime's.
//   PORT=… FLOOR_UPSTREAMS=127.0.0.1:1,127.0.0.1:2 FLOOR_WORKERS=1 node --import tsx bench/gateway/floor-proxy.ts
import cluster from 'node:cluster';
import http, { type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { HOP_BY_HOP as HOP } from '../../gateway/src/domain/hop-by-hop.js';

const PORT = Number(process.env['PORT']);
const WORKERS = Number(process.env['FLOOR_WORKERS'] ?? 1);
const UPSTREAMS = (process.env['FLOOR_UPSTREAMS'] ?? '').split(',').filter(Boolean);

class Forward implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}
  onConnect(): void {}
  onHeaders(status: number, raw: Buffer[]): boolean {
    const h: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      if (!HOP.has(name.toLowerCase())) h.push(name, raw[i + 1]!.toString('latin1'));
    }
    this.res.writeHead(status, h);
    return true;
  }
  onData(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }
  onComplete(): void {
    this.res.end();
  }
  onError(): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end();
  }
}

if (!PORT || UPSTREAMS.length === 0) {
  console.error('PORT and FLOOR_UPSTREAMS are required');
  process.exit(2);
} else if (WORKERS > 1 && cluster.isPrimary) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
} else {
  const pools = UPSTREAMS.map((u) => new Pool(`http://${u}`, { connections: 128, keepAliveTimeout: 4000 }));
  let next = 0;
  http
    .createServer({ optimizeEmptyRequests: true }, (req, res) => {
      const raw = req.rawHeaders;
      const headers: string[] = [];
      for (let i = 0; i < raw.length; i += 2)
        if (!HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
      pools[next++ % pools.length]!.dispatch(
        { path: req.url ?? '/', method: req.method as Dispatcher.HttpMethod, headers },
        new Forward(res),
      );
    })
    .listen(PORT, '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

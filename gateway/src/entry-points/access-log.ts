// JSON access log: one line per proxied request, in the same shape as the winston lines of the app log
// (level, message, service, instance, timestamp, request_id…), written in batches — one stdout write per
// flush instead of one per request. The line is assembled directly (JSON-escaping only the free-text
// fields, per-route/instance parts cached): through winston's per-entry stream pipeline the same line
// cost ~20 µs of CPU per request, through an object + JSON.stringify ~10 µs (docs/adr/0001-gateway-proxy-path.md).
// Each line is copied into the batch's byte buffer at once, so the line (a rope of ~30 pieces) dies young
// instead of waiting for the flush as a string; the flush then writes bytes as they are (CPU profile of the echo
// path: the flush went from 3.2 % to 0.2 % of the gateway's busy time).
// Application logs still go through winston.
import type { Route } from '../domain/route-table.js';
import type { Upstream } from '../domain/upstream.js';

export interface AccessRecord {
  requestId: string;
  method: string;
  path: string;
  status: number;
  route: Route;
  upstream: Upstream | null;
  tries: number;
  retried: string[] | null;
  error: string | null;
  durationMs: number;
  /** < 0 when no upstream answered. */
  upstreamMs: number;
  bytesOut: number;
  clientIp: string;
}

const q = JSON.stringify;
const TOKEN = /^[A-Z]+$/;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export class AccessLog {
  private buf: Buffer;
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly prefix: string;
  private readonly routeJson = new WeakMap<Route, string>();
  private readonly upstreamJson = new WeakMap<Upstream, string>();
  private lastMs = 0;
  private lastIso = '';

  constructor(
    service: string,
    instance: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly flushMs = 50,
    private readonly maxBytes = 64 * 1024,
  ) {
    this.prefix = `{"level":"info","message":"access","service":${q(service)},"instance":${q(instance)},"timestamp":"`;
    this.buf = Buffer.allocUnsafe(maxBytes);
    process.once('exit', () => this.flush());
  }

  request(r: AccessRecord): void {
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastIso = new Date(now).toISOString();
    }
    let route = this.routeJson.get(r.route);
    if (route === undefined) {
      route = `"route":${q(r.route.prefix)},"upstream_service":${q(r.route.service)}`;
      this.routeJson.set(r.route, route);
    }
    let up = 'null,"upstream_addr":null';
    if (r.upstream) {
      up = this.upstreamJson.get(r.upstream) ?? '';
      if (!up) {
        up = `${q(r.upstream.id)},"upstream_addr":${q(`${r.upstream.instance.address}:${r.upstream.instance.port}`)}`;
        this.upstreamJson.set(r.upstream, up);
      }
    }
    const method = TOKEN.test(r.method) ? `"${r.method}"` : q(r.method);
    this.write(
      `${this.prefix}${this.lastIso}","request_id":${q(r.requestId)},"method":${method},"path":${q(r.path)},"status":${r.status},${route},` +
        `"upstream":${up},"tries":${r.tries},"retried":${r.retried ? q(r.retried) : 'null'},"error":${r.error ? q(r.error) : 'null'},` +
        `"duration_ms":${round3(r.durationMs)},"upstream_ms":${r.upstreamMs >= 0 ? round3(r.upstreamMs) : 'null'},"bytes_out":${r.bytesOut},"client_ip":${q(r.clientIp)}}\n`,
    );
  }

  private write(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: flush first unless the line surely fits.
    if (this.bytes + 3 * line.length > this.buf.length) {
      this.flush();
      if (3 * line.length > this.buf.length) {
        this.out.write(line);
        return;
      }
    }
    this.bytes += this.buf.write(line, this.bytes, 'utf8');
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.bytes === 0) return;
    // The stream may keep the chunk until it is written: the next batch gets a new buffer.
    const data = this.buf.subarray(0, this.bytes);
    this.buf = Buffer.allocUnsafe(this.maxBytes);
    this.bytes = 0;
    this.out.write(data);
  }
}

// JSON access log: one line per proxied request, in the same shape as the winston lines of the app log
// (level, message, service, instance, timestamp, request_id…), written in batches — one stdout write per
// flush instead of one per request. winston's per-entry stream pipeline alone cost ~20 µs of CPU per request
// on the proxy path (see docs/adr/0001-gateway-proxy-path.md); application logs still go through winston.

export interface AccessEntry {
  [k: string]: unknown;
}

export class AccessLog {
  private buf: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly prefix: string;

  constructor(
    service: string,
    instance: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly flushMs = 50,
    private readonly maxBytes = 64 * 1024,
  ) {
    this.prefix = `{"level":"info","message":"access","service":${JSON.stringify(service)},"instance":${JSON.stringify(instance)},`;
    process.once('exit', () => this.flush());
  }

  info(_message: 'access', entry: AccessEntry): void {
    const line = `${this.prefix}${JSON.stringify(entry).slice(1)}\n`;
    this.buf.push(line);
    this.bytes += line.length;
    if (this.bytes >= this.maxBytes) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buf.length === 0) return;
    const data = this.buf.join('');
    this.buf = [];
    this.bytes = 0;
    this.out.write(data);
  }
}

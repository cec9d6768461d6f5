// Open-loop load at a fixed rate with a cap on requests in flight; records every outcome with its time.
import { performance } from 'node:perf_hooks';

export interface Outcome {
  op: string;
  /** ms since the load started */
  at: number;
  latencyMs: number;
  status: number;
  ok: boolean;
  error?: string;
  /** What the server acknowledged (e.g. the id of a created row), for verification afterwards. */
  ack?: unknown;
}

export interface Operation {
  op: string;
  weight: number;
  /** Performs one request; returns the status and an acknowledgement when the server confirmed a write. */
  run: (seq: number) => Promise<{ status: number; ok: boolean; ack?: unknown }>;
}

export interface LoadOptions {
  ratePerSec: number;
  maxInFlight: number;
  operations: Operation[];
}

export class LoadGenerator {
  readonly outcomes: Outcome[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = new Set<Promise<void>>();
  private seq = 0;
  private t0 = 0;
  private skipped = 0;

  constructor(private readonly opts: LoadOptions) {}

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  /** Requests not sent because maxInFlight was reached (the system was slower than the offered rate). */
  get skippedForBackpressure(): number {
    return this.skipped;
  }

  start(): void {
    this.t0 = performance.now();
    const total = this.opts.operations.reduce((s, o) => s + o.weight, 0);
    const tickMs = 10;
    let owed = 0;
    this.timer = setInterval(() => {
      owed += (this.opts.ratePerSec * tickMs) / 1000;
      while (owed >= 1) {
        owed -= 1;
        if (this.inFlight.size >= this.opts.maxInFlight) {
          this.skipped += 1;
          continue;
        }
        let pick = Math.random() * total;
        const op = this.opts.operations.find((o) => (pick -= o.weight) < 0) ?? this.opts.operations[0]!;
        this.fire(op);
      }
    }, tickMs);
  }

  private fire(op: Operation): void {
    const seq = ++this.seq;
    const started = performance.now();
    const p = op
      .run(seq)
      .then(
        (r) => ({ ...r, error: undefined as string | undefined }),
        (e: unknown) => ({
          status: 0,
          ok: false,
          ack: undefined,
          error: e instanceof Error ? e.message : String(e),
        }),
      )
      .then((r) => {
        this.outcomes.push({
          op: op.op,
          at: started - this.t0,
          latencyMs: performance.now() - started,
          status: r.status,
          ok: r.ok,
          ...(r.error ? { error: r.error } : {}),
          ...(r.ack !== undefined ? { ack: r.ack } : {}),
        });
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Stops offering load and waits for requests in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Outcomes since `sinceMs` (relative to start). */
  window(sinceMs: number): Outcome[] {
    return this.outcomes.filter((o) => o.at >= sinceMs);
  }
}

/** Longest stretch without a successful outcome of `op` (ms), inside [fromMs, toMs]. */
export function longestGap(outcomes: Outcome[], op: string | null, fromMs: number, toMs: number): number {
  const times = outcomes
    .filter((o) => o.ok && (op === null || o.op === op) && o.at >= fromMs && o.at <= toMs)
    .map((o) => o.at)
    .sort((a, b) => a - b);
  let prev = fromMs;
  let gap = 0;
  for (const t of times) {
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, toMs - prev);
}

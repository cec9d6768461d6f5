// Passive outlier ejection: take failing instances out at once, re-admit on a timer, never more than a fraction of the pool.
import type { Upstream } from './upstream.js';

export interface EjectionOptions {
  /** Consecutive failures that eject; a refused connection ejects at once. */
  afterFailures: number;
  /** First ejection lasts baseMs; each repeat adds baseMs, up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** At most floor(pool size × maxFraction) instances are ejected at once. */
  maxFraction: number;
  /** The repeat counter resets once an instance has stayed in this long since its last ejection. */
  forgetAfterMs?: number;
}

export type FailureClass = 'refused' | 'failure';

export interface EjectionListener {
  ejected(u: Upstream, durationMs: number, reason: string): void;
  readmitted(u: Upstream): void;
}

export class EjectionPolicy {
  private readonly forgetAfterMs: number;

  constructor(
    readonly opts: EjectionOptions,
    private readonly listener: EjectionListener = { ejected() {}, readmitted() {} },
    private readonly setTimer: (fn: () => void, ms: number) => unknown = (fn, ms) =>
      setTimeout(fn, ms).unref(),
  ) {
    this.forgetAfterMs = opts.forgetAfterMs ?? 5 * 60_000;
  }

  /** Ejection duration for the next ejection of `u`: 10 s, 20 s, 30 s, 30 s … with the defaults. */
  nextDurationMs(u: Upstream, now: number): number {
    const repeats = this.remembers(u, now) ? u.ejections : 0;
    return Math.min(this.opts.maxMs, this.opts.baseMs * (repeats + 1));
  }

  private remembers(u: Upstream, now: number): boolean {
    return u.ejections > 0 && now - u.lastEjectedAt < this.forgetAfterMs;
  }

  /** May one more instance of `pool` be ejected without exceeding the fraction? */
  canEject(pool: readonly Upstream[]): boolean {
    let ejected = 0;
    for (const u of pool) if (u.ejected) ejected++;
    return ejected + 1 <= Math.floor(pool.length * this.opts.maxFraction);
  }

  recordSuccess(u: Upstream): void {
    if (u.consecutiveFailures !== 0) u.consecutiveFailures = 0;
  }

  /** Records a failed try; returns true when the instance was ejected by it. */
  recordFailure(
    u: Upstream,
    pool: readonly Upstream[],
    kind: FailureClass,
    now: number,
    reason: string,
  ): boolean {
    u.consecutiveFailures++;
    if (u.ejected || u.removed) return false;
    if (kind !== 'refused' && u.consecutiveFailures < this.opts.afterFailures) return false;
    if (!this.canEject(pool)) return false;
    const ms = this.nextDurationMs(u, now);
    if (!this.remembers(u, now)) u.ejections = 0;
    u.ejections++;
    u.lastEjectedAt = now;
    u.ejected = true;
    u.ejectedUntil = now + ms;
    this.listener.ejected(u, ms, reason);
    this.setTimer(() => {
      u.ejected = false;
      u.ejectedUntil = 0;
      u.consecutiveFailures = 0;
      if (!u.removed) this.listener.readmitted(u);
    }, ms);
    return true;
  }
}

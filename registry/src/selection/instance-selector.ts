// Instance selection: least-outstanding with power of two choices (default) and round-robin.
import type { Instance, Strategy } from '../types.js';

/** Counts requests in flight per instance id; callers report start (track) and finish (done). */
export class OutstandingTracker {
  private readonly counts = new Map<string, number>();

  outstanding(instanceId: string): number {
    return this.counts.get(instanceId) ?? 0;
  }

  /** Marks a request started on `instance`; the returned callback marks it finished (idempotent). */
  track(instance: Pick<Instance, 'id'>): () => void {
    const id = instance.id;
    this.counts.set(id, this.outstanding(id) + 1);
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      const n = this.outstanding(id) - 1;
      if (n <= 0) this.counts.delete(id);
      else this.counts.set(id, n);
    };
  }
}

export class InstanceSelector {
  private readonly cursors = new Map<string, number>();

  constructor(
    private readonly tracker: OutstandingTracker,
    private readonly random: () => number = Math.random,
  ) {}

  pick(service: string, instances: readonly Instance[], strategy: Strategy = 'p2c'): Instance | undefined {
    if (instances.length === 0) return undefined;
    if (instances.length === 1) return instances[0];
    if (strategy === 'round-robin') return this.roundRobin(service, instances);
    return this.powerOfTwo(instances);
  }

  private roundRobin(service: string, instances: readonly Instance[]): Instance {
    const cursor = this.cursors.get(service) ?? 0;
    this.cursors.set(service, (cursor + 1) % Number.MAX_SAFE_INTEGER);
    return instances[cursor % instances.length]!;
  }

  /** Two distinct random candidates; the one with fewer requests in flight wins (ties: the first drawn). */
  private powerOfTwo(instances: readonly Instance[]): Instance {
    const n = instances.length;
    const i = Math.min(n - 1, Math.floor(this.random() * n));
    let j = Math.min(n - 2, Math.floor(this.random() * (n - 1)));
    if (j >= i) j += 1;
    const a = instances[i]!;
    const b = instances[j]!;
    return this.tracker.outstanding(b.id) < this.tracker.outstanding(a.id) ? b : a;
  }
}

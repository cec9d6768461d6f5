// Measures the split-brain window of a partition: a client that reaches every node (the drill runs in the root
// namespace, which the partition does not cut) writes to each node directly in a loop; a write "accepted" is one
// the node acknowledged. The window is the time during which two nodes acknowledged writes for the same data.
import { performance } from 'node:perf_hooks';

export interface ProbeTarget {
  node: string;
  /** One write; resolves when the node acknowledged it, rejects (or times out) otherwise. */
  write: () => Promise<void>;
  close: () => Promise<void>;
}

export interface ProbeReport {
  /** Seconds (bucket resolution) during which ≥ 2 nodes acknowledged writes. */
  split_brain_window_s: number;
  /** Per node: acknowledged probe writes. */
  accepted: Record<string, number>;
  /** Per node: seconds from `mark` to its first refused write / first accepted write (null = never). */
  first_refused_s: Record<string, number | null>;
  first_accepted_s: Record<string, number | null>;
}

const BUCKET_MS = 250;

/** Accepted-write timestamps per bucket; the window counts buckets with acknowledgements from ≥ 2 nodes. */
export function splitBrainWindowS(accepts: Map<string, number[]>, bucketMs = BUCKET_MS): number {
  const buckets = new Map<number, Set<string>>();
  for (const [node, times] of accepts) {
    for (const t of times) {
      const b = Math.floor(t / bucketMs);
      buckets.set(b, (buckets.get(b) ?? new Set()).add(node));
    }
  }
  const both = [...buckets.values()].filter((s) => s.size >= 2).length;
  return (both * bucketMs) / 1000;
}

export class SplitBrainProbe {
  private readonly accepts = new Map<string, number[]>();
  private readonly refusals = new Map<string, number[]>();
  private running = false;
  private loops: Promise<void>[] = [];
  private t0 = 0;
  private markAt = 0;

  constructor(
    private readonly targets: ProbeTarget[],
    private readonly opts: { intervalMs: number; timeoutMs: number } = { intervalMs: 100, timeoutMs: 700 },
  ) {}

  start(): void {
    this.running = true;
    this.t0 = performance.now();
    this.loops = this.targets.map((t) => this.loop(t));
  }

  /** The moment the fault was injected: first_* are measured from here, and the window only after it. */
  mark(): void {
    this.markAt = performance.now() - this.t0;
  }

  private async loop(t: ProbeTarget): Promise<void> {
    this.accepts.set(t.node, []);
    this.refusals.set(t.node, []);
    while (this.running) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          t.write(),
          new Promise(
            (_, reject) =>
              (timer = setTimeout(() => reject(new Error('probe timeout')), this.opts.timeoutMs)),
          ),
        ]);
        this.accepts.get(t.node)!.push(performance.now() - this.t0);
      } catch {
        this.refusals.get(t.node)!.push(performance.now() - this.t0);
      } finally {
        clearTimeout(timer);
      }
      await new Promise((r) => setTimeout(r, this.opts.intervalMs));
    }
  }

  async stop(): Promise<ProbeReport> {
    this.running = false;
    await Promise.allSettled(this.loops);
    await Promise.allSettled(this.targets.map((t) => t.close()));
    const after = new Map([...this.accepts].map(([n, ts]) => [n, ts.filter((x) => x >= this.markAt)]));
    const firstAfter = (m: Map<string, number[]>) =>
      Object.fromEntries(
        this.targets.map((t) => {
          const first = (m.get(t.node) ?? []).find((x) => x >= this.markAt);
          return [t.node, first === undefined ? null : Number(((first - this.markAt) / 1000).toFixed(2))];
        }),
      );
    return {
      split_brain_window_s: splitBrainWindowS(after),
      accepted: Object.fromEntries([...this.accepts].map(([n, ts]) => [n, ts.length])),
      first_refused_s: firstAfter(this.refusals),
      first_accepted_s: firstAfter(this.accepts),
    };
  }
}

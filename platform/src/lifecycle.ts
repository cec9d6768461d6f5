// Ordered shutdown: steps run by descending priority; steps of equal priority run together.
import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  /** Higher runs first: deregister (100) > grace (90) > stop accepting (80) > drain (50) > close connections (10) > logger (0). */
  priority: number;
  run: () => Promise<void> | void;
}

export class Lifecycle {
  private readonly steps: ShutdownStep[] = [];
  private shuttingDown: Promise<void> | null = null;
  private signalsInstalled = false;

  constructor(
    private readonly log: Logger,
    private readonly hardTimeoutMs = 20_000,
  ) {}

  get isShuttingDown(): boolean {
    return this.shuttingDown !== null;
  }

  onShutdown(name: string, priority: number, run: ShutdownStep['run']): this {
    this.steps.push({ name, priority, run });
    return this;
  }

  /** Installs SIGTERM/SIGINT handlers that run the shutdown and exit. */
  installSignalHandlers(exit: (code: number) => void = (c) => process.exit(c)): void {
    if (this.signalsInstalled) return;
    this.signalsInstalled = true;
    const handler = (signal: NodeJS.Signals) => {
      this.log.info('shutdown requested', { signal });
      void this.shutdown().then(
        () => exit(0),
        () => exit(1),
      );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }

  shutdown(): Promise<void> {
    this.shuttingDown ??= this.runSteps();
    return this.shuttingDown;
  }

  private async runSteps(): Promise<void> {
    const timer = setTimeout(() => {
      this.log.error('shutdown hard timeout reached, exiting', { timeout_ms: this.hardTimeoutMs });
      process.exit(1);
    }, this.hardTimeoutMs);
    timer.unref();
    const priorities = [...new Set(this.steps.map((s) => s.priority))].sort((a, b) => b - a);
    let failed = false;
    for (const p of priorities) {
      const group = this.steps.filter((s) => s.priority === p);
      const results = await Promise.allSettled(group.map(async (s) => s.run()));
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          failed = true;
          this.log.error('shutdown step failed', { step: group[i]!.name, error: String(r.reason) });
        }
      });
    }
    clearTimeout(timer);
    if (failed) throw new Error('one or more shutdown steps failed');
  }
}

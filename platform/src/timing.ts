// Polling with a deadline: the way to wait for an outside condition without bare sleeps.
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  description?: string;
}

/** Polls `check` until it returns a truthy value (returned) or the deadline passes (throws). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: WaitForOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: last error ${lastError.message}` : '';
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${opts.description ?? 'condition'}${why}`,
      );
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

/**
 * Settles like `p`, or rejects with "`what` timed out after `ms` ms" first. The timer does not keep the process
 * alive; a non-Error rejection is wrapped in an Error.
 */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

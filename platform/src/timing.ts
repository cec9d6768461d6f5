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

// Consul blocking-query index rules ("Blocking Queries" → implementation details in the Consul docs).

/**
 * The index to send with the next blocking query, given the previous one and the `X-Consul-Index` just
 * received:
 * - a missing or unparsable header restarts from 0 (a plain, non-blocking read);
 * - an index below 1 is raised to 1 (a 0 would make every query return at once);
 * - an index that went backwards (e.g. a server restored from a snapshot, or another server answered)
 *   resets to 0 so the next read is a fresh full read;
 * - otherwise the received index is the next one.
 */
export function nextIndex(previous: number, received: string | number | undefined | null): number {
  const n =
    typeof received === 'number' ? received : received == null || received === '' ? NaN : Number(received);
  if (!Number.isFinite(n)) return 0;
  if (n < 1) return 1; // a buggy 0 would make every following query return at once
  if (n < previous) return 0;
  return Math.floor(n);
}

/** True when the response carries news: the index moved (an unchanged index is a wait timeout). */
export function indexChanged(previous: number, received: number): boolean {
  return received !== previous;
}

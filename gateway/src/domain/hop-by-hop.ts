// Hop-by-hop headers (RFC 9110 §7.6.1): meaningful for one connection only, never forwarded by a proxy —
// the standard set, plus every header the sender names in its own `Connection:` header.

/** The standard hop-by-hop headers (lower case). */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/**
 * The extra header names listed in a `Connection:` value (lower case), or null when it names none beyond
 * the connection options `close`/`keep-alive` (the common case: no allocation).
 */
export function connectionTokens(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null;
  const joined = typeof value === 'string' ? value : value.join(',');
  if (joined.length <= 10) {
    const v = joined.toLowerCase();
    if (v === 'keep-alive' || v === 'close' || v === '') return null;
  }
  let out: Set<string> | null = null;
  for (const part of joined.split(',')) {
    const t = part.trim().toLowerCase();
    if (t === '' || t === 'close' || t === 'keep-alive' || HOP_BY_HOP.has(t)) continue;
    (out ??= new Set()).add(t);
  }
  return out;
}

/** Removes the headers named in `names` (lower case) from a flat [name, value, …] list, in place. */
export function dropNamed(flat: string[], names: ReadonlySet<string>): void {
  let w = 0;
  for (let r = 0; r < flat.length; r += 2) {
    if (names.has(flat[r]!.toLowerCase())) continue;
    flat[w++] = flat[r]!;
    flat[w++] = flat[r + 1]!;
  }
  flat.length = w;
}

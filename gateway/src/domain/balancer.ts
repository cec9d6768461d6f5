// Least outstanding requests with the power of two choices (Mitzenmacher): cheap, no herding.
import { breakerAdmits, type Upstream } from './upstream.js';

export type RandomInt = (n: number) => number;
const defaultRandom: RandomInt = (n) => Math.floor(Math.random() * n);

function usable(u: Upstream, exclude: readonly Upstream[] | null): boolean {
  return u.available && (exclude === null || !exclude.includes(u));
}

/**
 * Picks an instance: two random usable candidates, the one with fewer requests in flight.
 * `exclude` holds instances already tried by this request. When every instance is
 * ejected or breaker-open, falls back to the ejected ones (like nginx when all peers are
 * marked failed), never to an excluded, removed or breaker-open one.
 */
export function pickUpstream(
  list: readonly Upstream[],
  exclude: readonly Upstream[] | null = null,
  random: RandomInt = defaultRandom,
): Upstream | undefined {
  const n = list.length;
  if (n === 0) return undefined;
  if (n === 1) {
    const only = list[0]!;
    return usable(only, exclude) || (lastResort(only, exclude) && onlyEjectedLeft(list)) ? only : undefined;
  }
  // Fast path: two distinct random indices.
  const i = random(n);
  let j = random(n - 1);
  if (j >= i) j++;
  const a = list[i]!;
  const b = list[j]!;
  const ua = usable(a, exclude);
  const ub = usable(b, exclude);
  if (ua && ub) {
    if (a.outstanding !== b.outstanding) return a.outstanding < b.outstanding ? a : b;
    return a;
  }
  if (ua || ub) {
    // Only one of the two is usable: still compare it with another random usable one if any.
    const c = randomUsable(list, exclude, random);
    const u = ua ? a : b;
    return c && c.outstanding < u.outstanding ? c : u;
  }
  return randomUsable(list, exclude, random) ?? randomLastResort(list, exclude, random);
}

/** True when nothing is selectable except ejected instances: only then are they tried (like nginx). */
function onlyEjectedLeft(list: readonly Upstream[]): boolean {
  for (const u of list) if (!u.removed && !u.ejected && breakerAdmits(u.breaker)) return false;
  return true;
}

function randomUsable(
  list: readonly Upstream[],
  exclude: readonly Upstream[] | null,
  random: RandomInt,
): Upstream | undefined {
  const cands: Upstream[] = [];
  for (const u of list) if (usable(u, exclude)) cands.push(u);
  if (cands.length === 0) return undefined;
  if (cands.length === 1) return cands[0];
  const i = random(cands.length);
  let j = random(cands.length - 1);
  if (j >= i) j++;
  const a = cands[i]!;
  const b = cands[j]!;
  return b.outstanding < a.outstanding ? b : a;
}

function lastResort(u: Upstream, exclude: readonly Upstream[] | null): boolean {
  return u.ejected && !u.removed && breakerAdmits(u.breaker) && (exclude === null || !exclude.includes(u));
}

function randomLastResort(
  list: readonly Upstream[],
  exclude: readonly Upstream[] | null,
  random: RandomInt,
): Upstream | undefined {
  if (!onlyEjectedLeft(list)) return undefined;
  const cands = list.filter((u) => lastResort(u, exclude));
  return cands.length ? cands[random(cands.length)] : undefined;
}

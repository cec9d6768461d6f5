// Client identity behind proxies: X-Forwarded-For is believed only when the peer is a configured trusted proxy.

/**
 * The client IP: the peer address, or — when the peer is trusted — the right-most address in
 * X-Forwarded-For that is not itself a trusted proxy (what nginx's real_ip_recursive does).
 */
export function clientIp(
  peer: string,
  xff: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  const p = normalizeIp(peer);
  if (trusted.size === 0 || !trusted.has(p) || !xff) return p;
  const chain = (Array.isArray(xff) ? xff.join(',') : xff).split(',');
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = normalizeIp(chain[i]!.trim());
    if (!a) continue;
    if (!trusted.has(a)) return a;
  }
  return p;
}

/** The X-Forwarded-For to send upstream: the trusted chain extended by the peer, or just the peer. */
export function forwardedFor(
  peer: string,
  xff: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  const p = normalizeIp(peer);
  if (xff && trusted.has(p)) return `${Array.isArray(xff) ? xff.join(', ') : xff}, ${p}`;
  return p;
}

export function normalizeIp(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

// Classifies a request path for the edge's limits, on the path the upstream will understand (not the raw bytes):
// `/api/token`, `/api//token/`, `/API/Token/` and `/api/%74oken/` are all the login endpoint.

/**
 * Canonical form used for classification only (the request is forwarded unchanged): query dropped, percent-escapes
 * decoded (twice at most, so `%2574` does not hide a `t`), backslashes as slashes, repeated slashes collapsed,
 * `.`/`..` segments resolved, lower case, one trailing slash.
 */
export function canonicalPath(url: string): string {
  let p = url;
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  for (let i = 0; i < 2 && p.includes('%'); i++) {
    try {
      p = decodeURIComponent(p);
    } catch {
      // A malformed escape: decode what can be decoded, byte by byte.
      p = p.replace(/%[0-9a-f]{2}/gi, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
    }
  }
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').toLowerCase().split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}${out.length ? '/' : ''}`;
}

/** Canonical prefixes (lower case, with a trailing slash) as the configuration spells them. */
export function canonicalPrefixes(prefixes: readonly string[]): string[] {
  return prefixes.map((p) => canonicalPath(p));
}

/** True when the canonical form of `url` is one of the prefixes or below it. */
export function underAny(url: string, canonicalPrefixList: readonly string[]): boolean {
  const c = canonicalPath(url);
  return canonicalPrefixList.some((p) => c.startsWith(p));
}

/** Upload routes: the only ones allowed a body above the default limit (event photos). */
const UPLOAD_RE = /^\/api\/events\/[^/]+\/photos\/$/;

export function isUploadPath(url: string): boolean {
  return UPLOAD_RE.test(canonicalPath(url));
}

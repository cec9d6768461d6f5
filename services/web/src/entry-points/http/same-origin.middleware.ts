// Cross-site form posts are refused before any action runs: a state-changing request must come from a page
// of this site (Origin, or Referer when a browser sends no Origin). Form actions also check a CSRF token.
import type { RequestHandler } from 'express';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function expectedOrigin(proto: string, host: string | undefined): string | undefined {
  return host ? `${proto}://${host}` : undefined;
}

export function sameOriginMiddleware(): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method)) return next();
    // req.protocol and req.host read X-Forwarded-Proto/-Host only from a trusted proxy (WEB_TRUSTED_PROXIES).
    const want = expectedOrigin(req.protocol, req.host);
    const origin = req.get('origin');
    let from: string | undefined = origin && origin !== 'null' ? origin : undefined;
    if (!from) {
      const ref = req.get('referer');
      try {
        from = ref ? new URL(ref).origin : undefined;
      } catch {
        from = undefined;
      }
    }
    if (!want || from !== want) {
      res
        .status(403)
        .type('text/plain; charset=utf-8')
        .send('Requisição recusada: origem diferente deste site.');
      return;
    }
    next();
  };
}

// Per-request context: X-Request-ID (kept from the gateway or generated, echoed back) in AsyncLocalStorage,
// so the API calls made for this page carry it; one access-log line per request.
import type { RequestHandler } from 'express';
import { newRequestId, requestContext, type Logger } from '@mutiroes/platform';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContextMiddleware(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : newRequestId();
    res.setHeader('X-Request-ID', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (req.path.startsWith('/assets/') || req.path.startsWith('/tiles/')) return;
      const line = {
        request_id: requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
      };
      if (res.statusCode >= 500) log.warn('request', line);
      else log.info('request', line);
    });
    // The browser-facing host and scheme go to the API too, so the absolute URLs it builds (media, pages)
    // point through the gateway and not at the API instance the web server happened to call.
    requestContext.run(
      {
        requestId,
        forwardedHost: req.get('x-forwarded-host') ?? req.get('host'),
        forwardedProto: req.protocol,
      },
      () => next(),
    );
  };
}

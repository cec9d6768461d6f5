// The Express host of the web app: request context, security headers, health, static assets, the stand-in
// tiles, the same-origin guard, then React Router's server rendering with the per-request WebContext.
import path from 'node:path';
import express from 'express';
import { createRequestHandler } from '@react-router/express';
import { RouterContextProvider, type RouterContext, type ServerBuild } from 'react-router';
import type { Logger } from '@mutiroes/platform';
import type { ApiClient } from '../../data-access/api-client.js';
import { Csrf } from '../../domain/auth/csrf.js';
import { Session } from '../../domain/auth/session.js';
import type { WebContext } from '../../app/web-context.js';
import type { WebConfig } from '../../config.js';
import { expressCookieJar } from './cookie-jar.express.js';
import { requestContextMiddleware } from './request-context.middleware.js';
import { sameOriginMiddleware } from './same-origin.middleware.js';
import { standInTilesHandler } from './stand-in-tiles.js';

export interface WebAppOptions {
  config: WebConfig;
  log: Logger;
  api: ApiClient;
  build: ServerBuild;
  /** Absolute path of the client build (assets). */
  clientDir: string;
  isReady(): boolean;
  isDraining(): boolean;
  instanceId(): string;
}

/** Uploads (report photos) are the largest bodies; the gateway allows 10 MiB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createWebApp(o: WebAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', o.config.WEB_TRUSTED_PROXIES);
  const secure = o.config.NODE_ENV === 'production';
  const csrf = new Csrf(o.config.WEB_SESSION_SECRET);
  const key = (o.build.entry.module as unknown as { webContext: RouterContext<WebContext> }).webContext;
  const tileOrigin = tileSource(o.config.WEB_TILE_URL);

  app.use(requestContextMiddleware(o.log.child({ module: 'http' })));
  app.use((_req, res, next) => {
    if (o.isDraining()) res.setHeader('Connection', 'close');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        `img-src 'self' data: blob: ${tileOrigin}`.trim(),
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
      ].join('; '),
    );
    next();
  });

  app.get(['/health', '/health/'], (_req, res) => {
    const ok = o.isReady();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'draining', instance: o.instanceId() });
  });
  app.get(['/liveness', '/liveness/'], (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/tiles', standInTilesHandler());
  app.use(
    '/assets',
    express.static(path.join(o.clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }),
  );
  app.use(express.static(o.clientDir, { maxAge: '1h', index: false }));

  app.use(sameOriginMiddleware());
  app.use((req, res, next) => {
    const len = Number(req.get('content-length') ?? 0);
    if (len > MAX_BODY_BYTES) {
      res.status(413).type('text/plain; charset=utf-8').send('Envio grande demais (máximo 10 MB).');
      return;
    }
    next();
  });

  const handler = createRequestHandler({
    build: o.build,
    mode: 'production',
    getLoadContext(req, res) {
      const jar = expressCookieJar(req, res, secure);
      const ctx: WebContext = {
        api: o.api,
        session: new Session(o.api, jar),
        csrfToken: csrf.tokenFor(jar),
        verifyCsrf: (t) => csrf.verify(jar, t),
        settings: {
          tileUrl: o.config.WEB_TILE_URL,
          tileAttribution: o.config.WEB_TILE_ATTRIBUTION,
          fallbackCity: o.config.WEB_FALLBACK_CITY,
        },
        origin: `${req.protocol}://${req.get('host') ?? 'localhost'}`,
      };
      return new RouterContextProvider(new Map<RouterContext, unknown>([[key, ctx]]));
    },
  });
  app.all('/{*splat}', (req, res, next) => {
    handler(req, res, next).catch(next);
  });
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    o.log.error('unhandled web error', { error: err instanceof Error ? err.stack : String(err) });
    if (!res.headersSent) res.status(500).type('text/html; charset=utf-8').send(FALLBACK_ERROR_PAGE);
  });
  return app;
}

function tileSource(template: string): string {
  try {
    return new URL(template.replace(/\{[a-z]\}/g, '0')).origin;
  } catch {
    return ''; // relative: same origin
  }
}

const FALLBACK_ERROR_PAGE = `<!doctype html><html lang="pt-BR"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Erro — Mutirões</title><main style="font-family:sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem">
<h1>Algo deu errado</h1><p>Não conseguimos mostrar esta página agora. Tente de novo em alguns instantes.</p>
<p><a href="">Tentar novamente</a> · <a href="/">Página inicial</a></p></main></html>`;

// The Express app factory: middleware order, routers, error mapping. No I/O here (main.ts wires connections).
import express from 'express';
import type { ApiDeps } from './deps.js';
import type { UsersDeps } from './domain/users/users-deps.js';
import { PasswordHasher } from './domain/users/password-hasher.js';
import { JwtTokens } from './domain/users/jwt-tokens.service.js';
import { requestContextMiddleware } from './entry-points/http/request-context.middleware.js';
import { errorMiddleware, notFoundHandler } from './entry-points/http/error.middleware.js';
import { createHealthRouter, type HealthProbe } from './entry-points/http/health/health.router.js';
import { createUsersRouter } from './entry-points/http/users/users.router.js';
import { createTokenRouter } from './entry-points/http/auth/token.router.js';
import { createEventsRouter, createMediaRouter } from './entry-points/http/events/index.js';
import { createReportsRouter } from './entry-points/http/reports/reports.router.js';
import { idempotencyMiddleware } from './entry-points/http/idempotency.middleware.js';
import { createDocsRouter } from './entry-points/http/openapi/docs.router.js';

export interface AppExtras {
  health: HealthProbe;
  /** Set once shutdown starts: responses then carry `Connection: close` so keep-alive clients move on. */
  isDraining?: () => boolean;
}

export function usersDepsFrom(deps: ApiDeps): UsersDeps {
  return {
    db: deps.db,
    cache: deps.cache,
    outbox: deps.outbox,
    logger: deps.logger.child({ module: 'users' }),
    hasher: new PasswordHasher(deps.config.PASSWORD_SCRYPT_N),
    tokens: new JwtTokens({
      secret: deps.config.JWT_SECRET,
      accessTtlS: deps.config.JWT_ACCESS_TTL_S,
      refreshTtlS: deps.config.JWT_REFRESH_TTL_S,
    }),
  };
}

export function createApp(deps: ApiDeps, extras: AppExtras): express.Express {
  const app = express();
  const log = deps.logger;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContextMiddleware(log.child({ module: 'http' })));
  app.use((_req, res, next) => {
    if (extras.isDraining?.()) res.setHeader('Connection', 'close');
    next();
  });
  app.use(express.json({ limit: deps.config.BODY_LIMIT }));

  app.use(createHealthRouter(extras.health));
  app.use('/api', createDocsRouter());
  app.use('/media', createMediaRouter(deps.config.MEDIA_DIR));

  // After the body parser (the request hash covers the parsed JSON body), before every writing router.
  app.use(
    idempotencyMiddleware({
      sequelize: deps.db.sequelize,
      jwtSecret: deps.config.JWT_SECRET,
      log: log.child({ module: 'idempotency' }),
    }),
  );

  const users = usersDepsFrom(deps);
  app.use('/api/users', createUsersRouter(deps, users));
  app.use('/api/token', createTokenRouter(users));
  app.use('/api/events', createEventsRouter(deps));
  app.use('/api/reports', createReportsRouter(deps));

  app.use(notFoundHandler());
  app.use(errorMiddleware(log.child({ module: 'http' })));
  return app;
}

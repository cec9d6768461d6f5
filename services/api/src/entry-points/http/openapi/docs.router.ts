// GET /api/schema/ (the OpenAPI document, JSON) and /api/docs/ (Swagger UI from the swagger-ui-dist package,
// served from this instance: no CDN, no request leaves the origin).
import { createRequire } from 'node:module';
import path from 'node:path';
import express from 'express';
import { openApiDocument } from './openapi-document.js';

/** The package's folder of static files (it ships no types; its index only computes this path). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Only this origin: the page, Swagger UI's files and the document. Inline styles are Swagger UI's own. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mutirões API — referência</title>
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<main id="swagger-ui" aria-label="Referência da API Mutirões"></main>
<script src="swagger-ui-bundle.js"></script>
<script src="docs-init.js"></script>
</body>
</html>
`;

// A file of our own (script-src 'self', no inline script): the document comes from /api/schema/; the online
// validator badge is off (it would call an outside service).
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/schema/',
    dom_id: '#swagger-ui',
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

export function createDocsRouter(): express.Router {
  const r = express.Router({ strict: false });
  r.get('/schema', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(openApiDocument());
  });

  const docs = express.Router({ strict: true });
  docs.use((_req, res, next) => {
    res.set('Content-Security-Policy', DOCS_CSP);
    next();
  });
  docs.get('/', (req, res) => {
    // Relative asset URLs need the trailing slash.
    if (!req.originalUrl.split('?')[0]!.endsWith('/'))
      return res.redirect(301, `${req.originalUrl.split('?')[0]}/`);
    res.type('html').send(PAGE);
  });
  docs.get('/docs-init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  docs.use(express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1h' }));
  r.use('/docs', docs);
  return r;
}

// Server rendering: the whole document once every loader has answered, sent in one piece with its
// Content-Length (no streaming: pages are small). Headers and body leave in one write, so an instance that dies
// can cut a page off only before its first byte — and a GET that got no answer the gateway replays elsewhere.
import { PassThrough } from 'node:stream';
import { renderToPipeableStream } from 'react-dom/server';
import { ServerRouter, type EntryContext } from 'react-router';

export { webContext } from './web-context.js';

export const streamTimeout = 10_000;

export default function handleRequest(
  request: Request,
  status: number,
  headers: Headers,
  routerContext: EntryContext,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(
      <ServerRouter context={routerContext} url={request.url} />,
      {
        onAllReady() {
          const chunks: Buffer[] = [];
          const sink = new PassThrough();
          sink.on('data', (c: Buffer) => chunks.push(c));
          sink.on('error', reject);
          sink.on('end', () => {
            const html = Buffer.concat(chunks);
            headers.set('Content-Type', 'text/html; charset=utf-8');
            headers.set('Content-Length', String(html.length));
            if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
            resolve(new Response(html, { headers, status: failed ? 500 : status }));
          });
          pipe(sink);
        },
        onShellError(e: unknown) {
          reject(e);
        },
        onError(e: unknown) {
          failed = true;
          console.error(
            JSON.stringify({
              level: 'error',
              message: 'render error',
              error: e instanceof Error ? e.stack : String(e),
            }),
          );
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000).unref();
  });
}

// Server rendering: the whole document once every loader has answered (no streaming: pages are small).
import { PassThrough } from 'node:stream';
import { createReadableStreamFromReadable } from '@react-router/node';
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
          const body = new PassThrough();
          headers.set('Content-Type', 'text/html; charset=utf-8');
          if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'private, no-store');
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers, status: failed ? 500 : status }),
          );
          pipe(body);
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

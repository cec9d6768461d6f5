// GET /eventos/:id/participantes.csv — the API's participant export (issue #16) for the event's organisers
// (owner and co-organisers), with the session's token: UTF-8 with BOM for spreadsheets, formulas defused by the API.
import type { LoaderFunctionArgs } from 'react-router';
import { guard, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

const BOM = '\uFEFF';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    const id = /^\d{1,9}$/.test(params['id'] ?? '') ? Number(params['id']) : 0;
    if (!id) throw new Response('Não encontrado', { status: 404 });
    const r = await w.api.request<string>({ path: `/api/events/${id}/participants/export/`, token });
    if (r.status === 403) throw new Response('Sem permissão', { status: 403 });
    if (r.status === 404) throw new Response('Não encontrado', { status: 404 });
    if (r.status !== 200 || typeof r.data !== 'string')
      throw new Response('Exportação indisponível', { status: 503 });
    // fetch's text() drops the BOM the API sends: put it back for spreadsheets.
    const body = r.data.startsWith(BOM) ? r.data : BOM + r.data;
    return new Response(body, {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="participantes-evento-${id}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    });
  });
}

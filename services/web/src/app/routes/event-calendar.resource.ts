// GET /eventos/:id/calendario.ics — the event as an iCalendar file.
import type { LoaderFunctionArgs } from 'react-router';
import { eventIcs } from '../../domain/events/event-ics.js';
import { eventDetailView } from '../../domain/events/event-detail.view-model.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const id = /^\d{1,9}$/.test(params['id'] ?? '') ? Number(params['id']) : 0;
    if (!id) throw new Response('Não encontrado', { status: 404 });
    const { event } = await eventDetailView(w.api, await w.session.token(), id, undefined);
    const url = `${w.origin}/eventos/${id}`;
    return new Response(eventIcs(event, url, new URL(w.origin).host), {
      headers: {
        'Content-Type': 'text/calendar; charset=utf-8',
        'Content-Disposition': `attachment; filename="mutirao-${id}.ics"`,
      },
    });
  });
}

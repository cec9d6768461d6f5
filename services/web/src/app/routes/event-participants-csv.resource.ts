// GET /eventos/:id/participantes.csv — the organiser's participant list (the API has no CSV export).
import type { LoaderFunctionArgs } from 'react-router';
import { eventDetailView, participantName } from '../../domain/events/event-detail.view-model.js';
import { participantsCsv } from '../../domain/events/participants-csv.js';
import { formatDateTime } from '../../domain/format/pt-br.js';
import { guard, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

const STATUS: Record<string, string> = {
  pending: 'pendente',
  confirmed: 'confirmado',
  cancelled: 'cancelado',
  rejected: 'recusado',
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    const id = /^\d{1,9}$/.test(params['id'] ?? '') ? Number(params['id']) : 0;
    if (!id) throw new Response('Não encontrado', { status: 404 });
    const v = await eventDetailView(w.api, token, id, { userId: w.session.user?.userId ?? 0 });
    if (!v.isOrganizer) throw new Response('Sem permissão', { status: 403 });
    const rows = [
      [
        'nome',
        'situação',
        'check-in',
        'horário do check-in',
        'contato de emergência',
        'telefone de emergência',
        'necessidades especiais',
        'experiência',
      ],
      ...v.event.participants.map((p) => [
        participantName(p),
        STATUS[p.status] ?? p.status,
        p.checked_in ? 'sim' : 'não',
        p.check_in_time ? formatDateTime(p.check_in_time) : '',
        p.emergency_contact ?? '',
        p.emergency_phone ?? '',
        p.special_needs ?? '',
        p.experience_level ?? '',
      ]),
    ];
    return new Response(participantsCsv(rows), {
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="participantes-evento-${id}.csv"`,
        'Cache-Control': 'private, no-store',
      },
    });
  });
}

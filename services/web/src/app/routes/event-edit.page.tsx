// Edit an event (its organiser only).
import {
  redirect,
  useActionData,
  useLoaderData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { saveEvent } from '../../domain/events/event-actions.js';
import { eventFormFromData, validateEventForm } from '../../domain/events/event-form.js';
import { eventFormView } from '../../domain/events/event-form.view-model.js';
import { EventForm } from '../components/event-form.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Editar evento — Mutirões' }];

const idOf = (p: { id?: string }) => (/^\d{1,9}$/.test(p.id ?? '') ? Number(p.id) : 0);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    if (!idOf(params)) throw new Response('Não encontrado', { status: 404 });
    const view = await eventFormView(w.api, token, w.session.user?.userId ?? 0, idOf(params));
    return {
      ...view,
      id: idOf(params),
      map: { tileUrl: w.settings.tileUrl, tileAttribution: w.settings.tileAttribution },
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    const values = eventFormFromData(form);
    const local = validateEventForm(values);
    if (Object.keys(local).length) return { values, errors: local };
    const r = await saveEvent(w.api, token, values, idOf(params));
    if (r.ok) throw redirect(`/eventos/${idOf(params)}`);
    return { values, errors: r.errors };
  });
}

export default function EditEvent() {
  const { values, categories, map, title } = useLoaderData<typeof loader>();
  const res = useActionData<typeof action>();
  return (
    <section>
      <h1>Editar: {title}</h1>
      <EventForm
        initial={res?.values ?? values}
        serverErrors={res?.errors}
        categories={categories}
        map={map}
        submitLabel="Salvar alterações"
      />
    </section>
  );
}

// Create an event (logged-in users; the API makes the caller its organiser).
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

export const meta: MetaFunction = () => [{ title: 'Criar evento — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    const view = await eventFormView(w.api, token, w.session.user?.userId ?? 0);
    return { ...view, map: { tileUrl: w.settings.tileUrl, tileAttribution: w.settings.tileAttribution } };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    const values = eventFormFromData(form);
    const local = validateEventForm(values);
    if (Object.keys(local).length) return { values, errors: local };
    const r = await saveEvent(w.api, token, values);
    if (r.ok) throw redirect(`/eventos/${r.id}`);
    return { values, errors: r.errors };
  });
}

export default function NewEvent() {
  const { values, categories, map } = useLoaderData<typeof loader>();
  const res = useActionData<typeof action>();
  return (
    <section>
      <h1>Criar evento</h1>
      <EventForm
        initial={res?.values ?? values}
        serverErrors={res?.errors}
        categories={categories}
        map={map}
        submitLabel="Criar evento"
      />
    </section>
  );
}

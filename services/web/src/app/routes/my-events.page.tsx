// My events: organised and participating, upcoming and past.
import { Link, useLoaderData, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { myEventsView } from '../../domain/users/community.view-model.js';
import { EventGrid } from '../components/event-card.js';
import { guard, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Meus eventos — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => myEventsView(w.api, await requireToken(w, request)));
}

export default function MyEvents() {
  const { organized, participating } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="title-row">
        <h1>Meus eventos</h1>
        <Link className="button" to="/eventos/novo">
          Criar evento
        </Link>
      </div>
      <h2>Vou participar</h2>
      <EventGrid events={participating.upcoming} empty="Você não está inscrito em nenhum evento futuro." />
      <h2>Organizo</h2>
      <EventGrid events={organized.upcoming} empty="Você não organiza nenhum evento futuro." />
      <h2>Já participei</h2>
      <EventGrid events={participating.past} empty="Nenhuma participação anterior." />
      <h2>Já organizei</h2>
      <EventGrid events={organized.past} empty="Nenhum evento organizado antes." />
    </>
  );
}

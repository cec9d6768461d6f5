// Another volunteer's public profile (404 when the profile is private).
import { useLoaderData, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { publicProfileView } from '../../domain/users/profile.view-model.js';
import { formatDate, formatNumber } from '../../domain/format/pt-br.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => ({
    p: await publicProfileView(w.api, await w.session.token(), params['username'] ?? ''),
  }));
}

export const meta: MetaFunction<typeof loader> = ({ loaderData }) => [
  { title: `${loaderData?.p.user.username ?? 'Perfil'} — Mutirões` },
];

export default function PublicProfile() {
  const { p } = useLoaderData<typeof loader>();
  const name = [p.user.first_name, p.user.last_name].filter(Boolean).join(' ') || p.user.username;
  return (
    <section>
      <h1>{name}</h1>
      <p>
        @{p.user.username}
        {p.city ? ` · ${p.city}${p.state ? `/${p.state}` : ''}` : ''}
      </p>
      {p.bio ? <p className="prewrap">{p.bio}</p> : null}
      <dl className="stats">
        <div>
          <dt>Eventos</dt>
          <dd>{formatNumber(p.total_events_participated)}</dd>
        </div>
        <div>
          <dt>Horas</dt>
          <dd>{formatNumber(p.total_hours_volunteered)}</dd>
        </div>
        {p.user.date_joined ? (
          <div>
            <dt>Desde</dt>
            <dd>{formatDate(p.user.date_joined)}</dd>
          </div>
        ) : null}
      </dl>
      {p.interests?.length ? (
        <>
          <h2>Interesses</h2>
          <p>{p.interests.join(', ')}</p>
        </>
      ) : null}
    </section>
  );
}

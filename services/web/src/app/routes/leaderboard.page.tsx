// Leaderboard by verified hours, events or badges; the viewer's own rank when logged in.
import { Link, useLoaderData, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { BOARDS, leaderboardView } from '../../domain/users/community.view-model.js';
import { formatNumber } from '../../domain/format/pt-br.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Ranking de voluntários — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () =>
    leaderboardView(w.api, await w.session.token(), new URL(request.url).searchParams.get('por') ?? 'hours'),
  );
}

export default function Leaderboard() {
  const { category, rows, me } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Ranking de voluntários</h1>
      <nav aria-label="Critério do ranking" className="view-toggle">
        {BOARDS.map((b) => (
          <Link key={b.value} to={`?por=${b.value}`} aria-current={b.value === category ? 'page' : undefined}>
            {b.label}
          </Link>
        ))}
      </nav>
      {me ? (
        <p role="status">
          {me.rank
            ? `Você está em ${me.rank}º de ${me.total_ranked}.`
            : 'Você ainda não aparece no ranking: participe de um evento!'}
        </p>
      ) : null}
      {rows.length ? (
        <table>
          <caption className="sr-only">
            Voluntários por {BOARDS.find((b) => b.value === category)?.label.toLowerCase()}
          </caption>
          <thead>
            <tr>
              <th scope="col">Posição</th>
              <th scope="col">Voluntário</th>
              <th scope="col">Horas</th>
              <th scope="col">Eventos</th>
              <th scope="col">Conquistas</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.user.id}>
                <td>{r.rank}º</td>
                <td>
                  <Link to={`/voluntarios/${encodeURIComponent(r.user.username)}`}>
                    {[r.user.first_name, r.user.last_name].filter(Boolean).join(' ') || r.user.username}
                  </Link>
                </td>
                <td>{formatNumber(r.total_hours)}</td>
                <td>{r.total_events}</td>
                <td>{r.badges_earned}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Ninguém no ranking ainda.</p>
      )}
    </>
  );
}

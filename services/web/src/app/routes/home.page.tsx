// Home: what Mutirões is, impact numbers, upcoming events, events near me (browser position → nearby).
import { Link, useLoaderData, useNavigate, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { useState } from 'react';
import { homeView, nearbyView, parseNearby } from '../../domain/events/home.view-model.js';
import { formatNumber } from '../../domain/format/pt-br.js';
import { EventGrid } from '../components/event-card.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [
  { title: 'Mutirões — mutirões ambientais perto de você' },
  {
    name: 'description',
    content:
      'Encontre e participe de mutirões de limpeza de praias, rios, plantio de árvores e educação ambiental.',
  },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await w.session.token();
    const near = parseNearby(new URL(request.url).searchParams);
    const [home, nearby] = await Promise.all([
      homeView(w.api, token),
      nearbyView(w.api, near, w.settings.fallbackCity),
    ]);
    return { ...home, nearby };
  });
}

export default function Home() {
  const { upcoming, impact, nearby } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [locating, setLocating] = useState<'idle' | 'busy' | 'denied'>('idle');
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setLocating('denied');
      return;
    }
    setLocating('busy');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating('idle');
        void navigate(`/?lat=${p.coords.latitude.toFixed(5)}&lng=${p.coords.longitude.toFixed(5)}#perto`, {
          preventScrollReset: true,
        });
      },
      () => setLocating('denied'),
      { timeout: 10_000, maximumAge: 300_000 },
    );
  };
  return (
    <>
      <section className="hero">
        <h1>Mutirões ambientais perto de você</h1>
        <p>
          Limpeza de praias e rios, plantio de árvores, hortas comunitárias e educação ambiental. Encontre um
          mutirão, inscreva-se e some horas de voluntariado com a sua comunidade.
        </p>
        <p>
          <Link className="button" to="/eventos">
            Ver todos os eventos
          </Link>
        </p>
      </section>

      <section aria-labelledby="impacto-titulo" className="impact">
        <h2 id="impacto-titulo">Nosso impacto</h2>
        <dl className="impact-numbers">
          <div>
            <dt>Eventos</dt>
            <dd data-testid="impact-events">{formatNumber(impact.events)}</dd>
          </div>
          <div>
            <dt>Voluntários</dt>
            <dd>{formatNumber(impact.volunteers)}</dd>
          </div>
          <div>
            <dt>Horas de voluntariado</dt>
            <dd>{formatNumber(impact.hours)}</dd>
          </div>
        </dl>
      </section>

      <section aria-labelledby="perto" className="nearby">
        <h2 id="perto">Eventos perto de mim</h2>
        <p>
          {nearby.mode === 'position'
            ? `Eventos num raio de ${nearby.radiusKm} km da sua localização, do mais perto ao mais longe.`
            : `Sem a sua localização, mostramos eventos em ${nearby.city}.`}{' '}
          <button
            type="button"
            className="button secondary"
            onClick={locate}
            disabled={locating === 'busy'}
            data-testid="locate"
          >
            {locating === 'busy' ? 'Localizando…' : 'Usar minha localização'}
          </button>
        </p>
        {locating === 'denied' ? (
          <p role="status" className="hint">
            Não foi possível obter sua localização. Mostrando eventos em{' '}
            {nearby.mode === 'city' ? nearby.city : 'sua região'}.
          </p>
        ) : null}
        <div data-testid="nearby-list">
          <EventGrid events={nearby.events} empty="Nenhum evento por perto agora." />
        </div>
      </section>

      <section aria-labelledby="proximos">
        <h2 id="proximos">Próximos eventos</h2>
        <EventGrid events={upcoming} empty="Nenhum evento publicado ainda." />
      </section>
    </>
  );
}

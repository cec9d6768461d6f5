// Events: filters, ordering and pagination in the URL (a GET form, works without JS); list or map view.
import { Form, Link, useLoaderData, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import {
  eventListView,
  listHref,
  ORDERINGS,
  parseListFilters,
} from '../../domain/events/event-list.view-model.js';
import { EventGrid } from '../components/event-card.js';
import { EventsMap } from '../components/events-map.js';
import { guard } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Eventos — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await w.session.token();
    const view = await eventListView(w.api, token, parseListFilters(new URL(request.url).searchParams));
    return {
      ...view,
      map: { tileUrl: w.settings.tileUrl, tileAttribution: w.settings.tileAttribution },
      loggedIn: !!token,
    };
  });
}

/** The API's public iCalendar feed for the current city/category filter (issue #16). */
function feedHref(f: { city?: string; category?: string | number }): string {
  const q = new URLSearchParams();
  if (f.city) q.set('city', f.city);
  if (f.category) q.set('category', String(f.category));
  const qs = q.toString();
  return `/api/events/feed/${qs ? `?${qs}` : ''}`;
}

export default function Events() {
  const { filters: f, events, count, pages, categories, map, loggedIn } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="title-row">
        <h1>Eventos</h1>
        {loggedIn ? (
          <Link className="button" to="/eventos/novo">
            Criar evento
          </Link>
        ) : null}
      </div>
      <Form method="get" className="filters" aria-label="Filtrar eventos">
        <div className="field">
          <label htmlFor="q">Buscar</label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={f.q}
            maxLength={100}
            placeholder="Praia, rio, bairro…"
          />
        </div>
        <div className="field">
          <label htmlFor="categoria">Categoria</label>
          <select id="categoria" name="categoria" defaultValue={f.category}>
            <option value="">Todas</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cidade">Cidade</label>
          <input id="cidade" name="cidade" defaultValue={f.city} maxLength={100} />
        </div>
        <div className="field narrow">
          <label htmlFor="uf">UF</label>
          <input
            id="uf"
            name="uf"
            defaultValue={f.state}
            maxLength={2}
            pattern="[A-Za-z]{2}"
            title="Sigla do estado com 2 letras"
          />
        </div>
        <div className="field">
          <label htmlFor="de">De</label>
          <input id="de" name="de" type="date" defaultValue={f.from} />
        </div>
        <div className="field">
          <label htmlFor="ate">Até</label>
          <input id="ate" name="ate" type="date" defaultValue={f.to} />
        </div>
        <div className="field">
          <label htmlFor="ordem">Ordenar por</label>
          <select id="ordem" name="ordem" defaultValue={f.ordering}>
            {ORDERINGS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        {f.view === 'mapa' ? <input type="hidden" name="vista" value="mapa" /> : null}
        <div className="field actions">
          <button type="submit" className="button">
            Filtrar
          </button>
          <Link to="/eventos" className="button secondary">
            Limpar
          </Link>
        </div>
      </Form>
      <div className="title-row">
        <p role="status" data-testid="result-count">
          {count === 1 ? '1 evento encontrado' : `${count} eventos encontrados`}
        </p>
        <nav aria-label="Modo de exibição" className="view-toggle">
          <Link to={listHref(f, { view: 'lista' })} aria-current={f.view === 'lista' ? 'page' : undefined}>
            Lista
          </Link>
          <Link to={listHref(f, { view: 'mapa' })} aria-current={f.view === 'mapa' ? 'page' : undefined}>
            Mapa
          </Link>
        </nav>
      </div>
      {f.view === 'mapa' ? (
        <EventsMap events={events} settings={map} label="Mapa dos eventos encontrados" />
      ) : null}
      <EventGrid events={events} empty="Nenhum evento encontrado com esses filtros." />
      <p className="hint">
        <a href={feedHref(f)} data-testid="public-feed">
          {f.city || f.category
            ? 'Assinar estes eventos no calendário'
            : 'Assinar todos os eventos no calendário'}
        </a>{' '}
        (iCal: o aplicativo de calendário mostra os próximos eventos {f.city ? `em ${f.city}` : 'publicados'}{' '}
        e se atualiza sozinho).
      </p>
      {pages > 1 ? (
        <nav aria-label="Paginação" className="pagination">
          {f.page > 1 ? (
            <Link to={listHref(f, { page: f.page - 1 })} rel="prev">
              ← Anterior
            </Link>
          ) : null}
          <span>
            Página {f.page} de {pages}
          </span>
          {f.page < pages ? (
            <Link to={listHref(f, { page: f.page + 1 })} rel="next">
              Próxima →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

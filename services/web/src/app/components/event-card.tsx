// One event in a list: title, category, date, place, spots left.
import { Link } from 'react-router';
import type { EventListItem } from '../../domain/events/event.types.js';
import { formatDateTime, formatNumber } from '../../domain/format/pt-br.js';

export function EventCard({ e }: { e: EventListItem }) {
  return (
    <article className="event-card">
      <p className="category" style={{ borderColor: e.category?.color ?? '#0b6e4f' }}>
        {e.category?.name ?? 'Mutirão'}
      </p>
      <h3>
        <Link to={`/eventos/${e.id}`}>{e.title}</Link>
      </h3>
      <p className="when">
        <time dateTime={e.start_date}>{formatDateTime(e.start_date)}</time>
      </p>
      <p className="where">
        {e.city}/{e.state}
        {typeof e.distance_km === 'number' ? ` · a ${formatNumber(e.distance_km)} km` : ''}
      </p>
      <p className="spots">
        {e.status === 'cancelled'
          ? 'Cancelado'
          : e.available_spots > 0
            ? `${e.available_spots} vaga${e.available_spots === 1 ? '' : 's'} de ${e.max_participants}`
            : 'Lotado'}
      </p>
    </article>
  );
}

export function EventGrid({ events, empty }: { events: EventListItem[]; empty: string }) {
  if (!events.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="event-grid">
      {events.map((e) => (
        <li key={e.id}>
          <EventCard e={e} />
        </li>
      ))}
    </ul>
  );
}

// Event page: everything the API gives, Join/Leave/Check-in, threaded comments, calendar and share; the
// organiser also manages participants, cancels, edits, exports CSV and writes the report.
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { useState } from 'react';
import { eventDetailView, participantName } from '../../domain/events/event-detail.view-model.js';
import { runEventIntent, type ActionResult } from '../../domain/events/event-actions.js';
import type { Comment, EventDetail } from '../../domain/events/event.types.js';
import { formatDateTime, formatNumber, formatRange } from '../../domain/format/pt-br.js';
import { CsrfField } from '../components/csrf-field.js';
import { EventsMap } from '../components/events-map.js';
import { Flash, FormErrors } from '../components/form-field.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

const idOf = (p: { id?: string }) => {
  const n = Number(p.id);
  return Number.isInteger(n) && n > 0 && n < 2 ** 31 ? n : 0;
};

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const id = idOf(params);
    if (!id) throw new Response('Não encontrado', { status: 404 });
    const token = await w.session.token();
    const u = w.session.user;
    const view = await eventDetailView(w.api, token, id, u ? { userId: u.userId } : undefined);
    return {
      ...view,
      loggedIn: !!token,
      url: `${w.origin}/eventos/${id}`,
      map: { tileUrl: w.settings.tileUrl, tileAttribution: w.settings.tileAttribution },
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<ActionResult> {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    return runEventIntent(w.api, token, idOf(params), String(form.get('intent') ?? ''), form);
  });
}

export const meta: MetaFunction<typeof loader> = ({ loaderData: data }) => {
  if (!data) return [{ title: 'Evento não encontrado — Mutirões' }];
  const e = data.event;
  const desc = `${formatRange(e.start_date, e.end_date)} · ${e.address}, ${e.city}/${e.state}`;
  const tags = [
    { title: `${e.title} — Mutirões` },
    { name: 'description', content: desc },
    { property: 'og:type', content: 'event' },
    { property: 'og:title', content: e.title },
    { property: 'og:description', content: desc },
    { property: 'og:url', content: data.url },
    { property: 'og:locale', content: 'pt_BR' },
    { name: 'twitter:card', content: e.cover_image_url ? 'summary_large_image' : 'summary' },
    { name: 'twitter:title', content: e.title },
    { name: 'twitter:description', content: desc },
  ];
  if (e.cover_image_url)
    tags.push(
      { property: 'og:image', content: e.cover_image_url },
      { name: 'twitter:image', content: e.cover_image_url },
    );
  return tags;
};

export default function EventPage() {
  const {
    event: e,
    isOrganizer,
    isOwner,
    myStatus,
    myCheckedIn,
    checkInOpen,
    report,
    loggedIn,
    url,
    map,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const pending = e.participants.filter((p) => p.status === 'pending');
  const confirmed = e.participants.filter((p) => p.status === 'confirmed');
  return (
    <article className="event-detail">
      <p className="category" style={{ borderColor: e.category?.color ?? '#0b6e4f' }}>
        {e.category?.name ?? 'Mutirão'}
      </p>
      <h1>{e.title}</h1>
      {e.status === 'cancelled' ? (
        <p className="alert alert-error" role="status">
          Este evento foi cancelado.
        </p>
      ) : null}
      {result ? (
        result.ok ? (
          <Flash message={result.message} />
        ) : (
          <FormErrors errors={Object.values(result.errors).flat()} />
        )
      ) : null}
      {e.cover_image_url ? (
        <img className="cover" src={e.cover_image_url} alt={`Foto de capa: ${e.title}`} />
      ) : null}

      <dl className="facts">
        <div>
          <dt>Quando</dt>
          <dd>{formatRange(e.start_date, e.end_date)}</dd>
        </div>
        <div>
          <dt>Onde</dt>
          <dd>
            {e.address}, {e.city}/{e.state}
          </dd>
        </div>
        <div>
          <dt>Organização</dt>
          <dd>{e.organizer_name ?? '—'}</dd>
        </div>
        <div>
          <dt>Vagas</dt>
          <dd data-testid="spots">
            {e.available_spots} de {e.max_participants} disponíveis ({e.participants_count} confirmados)
          </dd>
        </div>
        <div>
          <dt>Idade</dt>
          <dd>{e.max_age ? `De ${e.min_age} a ${e.max_age} anos` : `A partir de ${e.min_age} anos`}</dd>
        </div>
        <div>
          <dt>Inscrições até</dt>
          <dd>{e.registration_deadline ? formatDateTime(e.registration_deadline) : 'o início do evento'}</dd>
        </div>
        {e.requires_approval ? (
          <div>
            <dt>Aprovação</dt>
            <dd>As inscrições passam pela aprovação da organização.</dd>
          </div>
        ) : null}
      </dl>

      <section className="participation" aria-label="Sua participação">
        {isOrganizer ? (
          <p>Você organiza este evento.</p>
        ) : !loggedIn ? (
          <p>
            <Link className="button" to={`/entrar?proximo=/eventos/${e.id}`}>
              Entre para participar
            </Link>
          </p>
        ) : myStatus === 'confirmed' || myStatus === 'pending' ? (
          <>
            <p data-testid="my-status">
              {myStatus === 'pending'
                ? 'Sua inscrição aguarda aprovação.'
                : myCheckedIn
                  ? 'Você fez check-in. Obrigado!'
                  : 'Você está inscrito.'}
            </p>
            <div className="button-row">
              {myStatus === 'confirmed' && !myCheckedIn && checkInOpen && e.status === 'published' ? (
                <IntentButton intent="checkin" label="Fazer check-in" busy={busy} />
              ) : null}
              {myStatus === 'confirmed' && checkInOpen && e.status === 'published' ? (
                <Link className="button secondary" to={`/eventos/${e.id}/presenca`}>
                  Check-in/out por QR code
                </Link>
              ) : null}
              {!myCheckedIn ? (
                <IntentButton intent="leave" label="Sair do evento" busy={busy} secondary />
              ) : null}
            </div>
          </>
        ) : myStatus === 'waitlisted' ? (
          <>
            <p data-testid="my-status">
              {e.user_waitlist_position
                ? `Você está na lista de espera — posição ${e.user_waitlist_position}.`
                : 'Você está na lista de espera.'}{' '}
              Se uma vaga abrir, você entra automaticamente e recebe um e-mail.
            </p>
            <IntentButton intent="leave" label="Sair da lista de espera" busy={busy} secondary />
          </>
        ) : myStatus === 'rejected' ? (
          <p>Sua inscrição não foi aprovada pela organização.</p>
        ) : e.is_registration_open !== false && e.status === 'published' ? (
          <IntentButton
            intent="join"
            label={e.available_spots > 0 ? 'Participar' : 'Entrar na lista de espera'}
            busy={busy}
          />
        ) : (
          <p>Inscrições encerradas.</p>
        )}
        <div className="button-row">
          <a className="button secondary" href={`/eventos/${e.id}/calendario.ics`} download>
            Adicionar ao calendário
          </a>
          <ShareButton url={url} title={e.title} />
        </div>
      </section>

      {isOrganizer ? (
        <OrganizerPanel
          e={e}
          pendingCount={pending.length}
          busy={busy}
          hasReport={!!report}
          isOwner={isOwner}
        />
      ) : null}

      <section aria-labelledby="sobre">
        <h2 id="sobre">Sobre</h2>
        <p className="prewrap">{e.description}</p>
        <Info title="O que levar" text={e.what_to_bring} />
        <Info title="Ferramentas necessárias" text={e.required_tools} />
        <Info title="Ferramentas fornecidas" text={e.provided_tools} />
      </section>

      {e.resources.length ? (
        <section aria-labelledby="recursos">
          <h2 id="recursos">Recursos</h2>
          <ul>
            {e.resources.map((r) => (
              <li key={r.id}>
                {r.name}: {r.quantity_provided} de {r.quantity_needed} {r.unit}{' '}
                {r.is_fully_provided ? '(completo)' : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="mapa">
        <h2 id="mapa">Local</h2>
        <EventsMap events={[e]} settings={map} label={`Mapa: ${e.address}, ${e.city}`} whenVisible />
      </section>

      {report ? (
        <section aria-labelledby="relatorio">
          <h2 id="relatorio">Resultados</h2>
          <ul className="report-figures">
            <li>{formatNumber(report.total_participants)} participantes</li>
            <li>{formatNumber(report.total_hours)} horas</li>
            <li>{formatNumber(report.trash_collected_kg)} kg de lixo recolhido</li>
            <li>{formatNumber(report.trees_planted)} árvores plantadas</li>
            <li>{formatNumber(report.recyclable_material_kg)} kg de recicláveis</li>
          </ul>
          {report.summary ? <p className="prewrap">{report.summary}</p> : null}
        </section>
      ) : null}

      {e.photos.length ? (
        <section aria-labelledby="fotos">
          <h2 id="fotos">Fotos</h2>
          <ul className="gallery">
            {e.photos.map((p) => (
              <li key={p.id}>
                <figure>
                  <img
                    src={p.photo ?? p.photo_url ?? ''}
                    alt={p.caption || 'Foto do evento'}
                    loading="lazy"
                  />
                  <figcaption>
                    {p.is_before ? 'Antes' : p.is_after ? 'Depois' : ''} {p.caption}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="participantes">
        <h2 id="participantes">Participantes ({confirmed.length})</h2>
        {isOrganizer && pending.length ? (
          <>
            <h3>Aguardando aprovação</h3>
            <ul className="people">
              {pending.map((p) => (
                <li key={p.id} data-testid="pending-participant">
                  <span>{participantName(p)}</span>
                  <IntentButton
                    intent="approve"
                    label={`Aprovar ${participantName(p)}`}
                    short="Aprovar"
                    participant={p.id}
                    busy={busy}
                  />
                  <IntentButton
                    intent="reject"
                    label={`Recusar ${participantName(p)}`}
                    short="Recusar"
                    participant={p.id}
                    busy={busy}
                    secondary
                  />
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {confirmed.length ? (
          <ul className="people">
            {confirmed.map((p) => (
              <li key={p.id} data-testid="confirmed-participant">
                {participantName(p)}
                {p.checked_in ? <span className="tag">check-in feito</span> : null}
                {isOrganizer && p.emergency_contact ? (
                  <span className="hint">
                    {' '}
                    · emergência: {p.emergency_contact} {p.emergency_phone}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>Ninguém confirmado ainda.</p>
        )}
      </section>

      <section aria-labelledby="comentarios">
        <h2 id="comentarios">Comentários</h2>
        {e.comments.length ? (
          <CommentThread comments={e.comments} loggedIn={loggedIn} busy={busy} />
        ) : (
          <p>Seja o primeiro a comentar.</p>
        )}
        {loggedIn ? (
          <CommentForm busy={busy} />
        ) : (
          <p>
            <Link to={`/entrar?proximo=/eventos/${e.id}`}>Entre</Link> para comentar.
          </p>
        )}
      </section>
    </article>
  );
}

function Info({ title, text }: { title: string; text: string }) {
  if (!text?.trim()) return null;
  return (
    <>
      <h3>{title}</h3>
      <p className="prewrap">{text}</p>
    </>
  );
}

function IntentButton(p: {
  intent: string;
  label: string;
  short?: string;
  busy: boolean;
  participant?: number;
  secondary?: boolean;
  disabled?: boolean;
}) {
  return (
    <Form method="post" className="inline-form">
      <CsrfField />
      <input type="hidden" name="intent" value={p.intent} />
      {p.participant ? <input type="hidden" name="participant" value={p.participant} /> : null}
      <button
        type="submit"
        className={`button${p.secondary ? ' secondary' : ''}`}
        disabled={p.busy || p.disabled}
        aria-label={p.short ? p.label : undefined}
      >
        {p.short ?? p.label}
      </button>
    </Form>
  );
}

function OrganizerPanel({
  e,
  pendingCount,
  busy,
  hasReport,
  isOwner,
}: {
  e: EventDetail;
  pendingCount: number;
  busy: boolean;
  hasReport: boolean;
  isOwner: boolean;
}) {
  return (
    <section className="organizer-panel" aria-labelledby="organizacao">
      <h2 id="organizacao">Organização</h2>
      <p>
        {pendingCount
          ? `${pendingCount} inscrição(ões) aguardando aprovação.`
          : 'Nenhuma inscrição pendente.'}
      </p>
      <div className="button-row">
        {isOwner ? (
          <Link className="button" to={`/eventos/${e.id}/editar`}>
            Editar evento
          </Link>
        ) : null}
        <Link className="button secondary" to={`/eventos/${e.id}/qr`}>
          Presença por QR code
        </Link>
        <Link className="button secondary" to={`/eventos/${e.id}/relatorio`}>
          {hasReport ? 'Relatório e fotos' : 'Escrever relatório e enviar fotos'}
        </Link>
        <a className="button secondary" href={`/eventos/${e.id}/participantes.csv`} download>
          Exportar participantes (CSV)
        </a>
        <Link className="button secondary" to={`/eventos/${e.id}/equipe`}>
          Coorganizadores e lista de espera
        </Link>
        {isOwner && e.status !== 'cancelled' ? (
          <IntentButton intent="cancel-event" label="Cancelar evento" busy={busy} secondary />
        ) : null}
      </div>
    </section>
  );
}

function CommentThread({
  comments,
  loggedIn,
  busy,
}: {
  comments: Comment[];
  loggedIn: boolean;
  busy: boolean;
}) {
  return (
    <ul className="comments">
      {comments.map((c) => (
        <li key={c.id}>
          <p className="comment-meta">
            <strong>{c.user_name ?? c.username ?? 'Voluntário'}</strong> ·{' '}
            <time dateTime={c.created_at}>{formatDateTime(c.created_at)}</time>
          </p>
          <p className="prewrap">{c.content}</p>
          {loggedIn ? <ReplyToggle parent={c.id} busy={busy} /> : null}
          {c.replies?.length ? <CommentThread comments={c.replies} loggedIn={loggedIn} busy={busy} /> : null}
        </li>
      ))}
    </ul>
  );
}

function ReplyToggle({ parent, busy }: { parent: number; busy: boolean }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        Responder
      </button>
    );
  return <CommentForm parent={parent} busy={busy} />;
}

function CommentForm({ parent, busy }: { parent?: number; busy: boolean }) {
  const id = parent ? `reply-${parent}` : 'new-comment';
  return (
    <Form method="post" className="comment-form" preventScrollReset>
      <CsrfField />
      <input type="hidden" name="intent" value="comment" />
      {parent ? <input type="hidden" name="parent" value={parent} /> : null}
      <label htmlFor={id}>{parent ? 'Sua resposta' : 'Seu comentário'}</label>
      <textarea id={id} name="content" required maxLength={2000} rows={3} />
      <button type="submit" className="button" disabled={busy}>
        {parent ? 'Responder' : 'Comentar'}
      </button>
    </Form>
  );
}

function ShareButton({ url, title }: { url: string; title: string }) {
  const [copied, setCopied] = useState(false);
  const share = async () => {
    if (navigator.share) {
      await navigator.share({ title, url }).catch(() => undefined);
      return;
    }
    await navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
  };
  return (
    <>
      <button type="button" className="button secondary" onClick={() => void share()}>
        Compartilhar
      </button>
      {copied ? <span role="status">Link copiado.</span> : null}
    </>
  );
}

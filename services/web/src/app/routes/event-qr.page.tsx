// The organisers' presence screen (ADR 0014): the event's rotating QR code for check-in or check-out,
// a reader for participants' personal codes, and everyone confirmed with their hours (correctable).
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useRevalidator,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { useEffect } from 'react';
import {
  organizerQrView,
  runPresenceIntent,
  type PresenceParticipant,
  type QrAction,
} from '../../domain/events/presence.server.js';
import type { ActionResult } from '../../domain/events/event-actions.js';
import { formatNumber, formatRange, formatTime } from '../../domain/format/pt-br.js';
import { CsrfField } from '../components/csrf-field.js';
import { Flash, FormErrors } from '../components/form-field.js';
import { QrScanner } from '../components/qr-scanner.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Presença por QR code — Mutirões' }];

const personName = (p: PresenceParticipant) =>
  [p.user.first_name, p.user.last_name].filter(Boolean).join(' ') || p.user.username;
const idOf = (p: { id?: string }) => (/^\d{1,9}$/.test(p.id ?? '') ? Number(p.id) : 0);
const actionOf = (u: URL): QrAction => (u.searchParams.get('acao') === 'saida' ? 'check_out' : 'check_in');

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    if (!idOf(params)) throw new Response('Não encontrado', { status: 404 });
    return organizerQrView(w.api, token, idOf(params), actionOf(new URL(request.url)));
  });
}

export async function action({
  request,
  params,
  context,
}: ActionFunctionArgs): Promise<ActionResult & { intent: string }> {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    const intent = String(form.get('intent') ?? '');
    return { ...(await runPresenceIntent(w.api, token, idOf(params), intent, form)), intent };
  });
}

export default function EventQrPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { revalidate, state } = useRevalidator();
  // A new code every rotation: the loader is re-run well within each window.
  useEffect(() => {
    if (!d.shown) return;
    const t = setInterval(() => {
      if (state === 'idle') void revalidate();
    }, 15_000);
    return () => clearInterval(t);
  }, [d.shown, revalidate, state]);
  const label = d.action === 'check_in' ? 'entrada (check-in)' : 'saída (check-out)';
  const base = `/eventos/${d.event.id}/qr`;
  const scanErrors =
    result && !result.ok && result.intent === 'scan-participant'
      ? Object.values(result.errors).flat()
      : undefined;
  return (
    <article className="presence">
      <p>
        <Link to={`/eventos/${d.event.id}`}>← {d.event.title}</Link>
      </p>
      <h1>Presença por QR code</h1>
      <p>{formatRange(d.event.start_date, d.event.end_date)}</p>
      {result?.ok ? <Flash message={result.message} /> : null}
      {result && !result.ok && result.intent !== 'scan-participant' ? (
        <FormErrors errors={Object.values(result.errors).flat()} />
      ) : null}

      <section aria-labelledby="qr-evento">
        <h2 id="qr-evento">QR code do evento</h2>
        <nav aria-label="Entrada ou saída" className="button-row">
          <Link
            className={`button${d.action === 'check_in' ? '' : ' secondary'}`}
            to={base}
            aria-current={d.action === 'check_in' ? 'page' : undefined}
          >
            Entrada
          </Link>
          <Link
            className={`button${d.action === 'check_out' ? '' : ' secondary'}`}
            to={`${base}?acao=saida`}
            aria-current={d.action === 'check_out' ? 'page' : undefined}
          >
            Saída
          </Link>
        </nav>
        {d.shown ? (
          <figure className="qr-code" data-testid="event-qr" data-code={d.shown.code}>
            <img
              src={d.shown.image}
              width={320}
              height={320}
              alt={`QR code de ${label} do evento ${d.event.title}`}
            />
            <figcaption>
              Participantes leem este código na página do evento para registrar a {label}. Ele muda a cada{' '}
              {d.shown.rotates_every_s} s e esta tela se atualiza sozinha.
            </figcaption>
            <details>
              <summary>Mostrar o código em texto</summary>
              <code className="qr-text">{d.shown.code}</code>
            </details>
          </figure>
        ) : (
          <p className="alert alert-error" role="status">
            {d.refusal}
          </p>
        )}
      </section>

      <section aria-label="Ler o QR code de um participante">
        <QrScanner
          intent="scan-participant"
          title="Ler o QR code de um participante"
          cameraLabel="Ler QR code do participante"
          busy={busy}
          errors={scanErrors}
        />
      </section>

      <section aria-labelledby="horas">
        <h2 id="horas">Participantes e horas</h2>
        <p className="hint">
          Horas medidas da entrada à saída, dentro do horário do evento (sem saída registrada, até o término).
          Corrija quando preciso; deixe em branco para voltar às horas medidas.
        </p>
        {d.participants.length ? (
          <div className="table-scroll" role="region" aria-labelledby="horas" tabIndex={0}>
            <table className="hours-table">
              <thead>
                <tr>
                  <th scope="col">Participante</th>
                  <th scope="col">Entrada</th>
                  <th scope="col">Saída</th>
                  <th scope="col">Horas</th>
                  <th scope="col">Corrigir</th>
                </tr>
              </thead>
              <tbody>
                {d.participants.map((p) => (
                  <tr key={p.id} data-testid="hours-row" data-user={p.user.username}>
                    <th scope="row">{personName(p)}</th>
                    <td>{p.checked_in ? formatTime(p.check_in_time) : '—'}</td>
                    <td>{p.check_out_time ? formatTime(p.check_out_time) : '—'}</td>
                    <td data-testid="hours">
                      {p.hours_volunteered === null ? '—' : `${formatNumber(p.hours_volunteered)} h`}
                      {p.hours_corrected ? ' (corrigidas)' : ''}
                    </td>
                    <td>
                      {p.checked_in ? (
                        <Form method="post" className="inline-form">
                          <CsrfField />
                          <input type="hidden" name="intent" value="hours" />
                          <input type="hidden" name="participant" value={p.id} />
                          <label htmlFor={`h-${p.id}`} className="sr-only">
                            Horas de {personName(p)}
                          </label>
                          <input
                            id={`h-${p.id}`}
                            name="hours"
                            inputMode="decimal"
                            size={5}
                            defaultValue={
                              p.hours_corrected ? String(p.hours_volunteered).replace('.', ',') : ''
                            }
                            placeholder={`até ${formatNumber(d.nominalHours)}`}
                          />
                          <button type="submit" className="button secondary" disabled={busy}>
                            Salvar
                          </button>
                        </Form>
                      ) : (
                        <span className="hint">sem check-in</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>Ninguém confirmado ainda.</p>
        )}
      </section>
    </article>
  );
}

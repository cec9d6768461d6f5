// The organisers' team page (issue #16): co-organisers — the owner adds one by username and removes them —
// and the waitlist in order, which the API promotes from automatically when a place frees up.
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
import { runTeamIntent, teamView, type PersonRef } from '../../domain/events/team.server.js';
import type { ActionResult } from '../../domain/events/event-actions.js';
import { formatDateTime } from '../../domain/format/pt-br.js';
import { CsrfField } from '../components/csrf-field.js';
import { Field, Flash, FormErrors } from '../components/form-field.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Coorganizadores e lista de espera — Mutirões' }];

const personName = (u: PersonRef) => [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username;
const idOf = (p: { id?: string }) => (/^\d{1,9}$/.test(p.id ?? '') ? Number(p.id) : 0);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    if (!idOf(params)) throw new Response('Não encontrado', { status: 404 });
    return teamView(w.api, token, idOf(params));
  });
}

export async function action({
  request,
  params,
  context,
}: ActionFunctionArgs): Promise<ActionResult & { intent: string; typed?: string }> {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    const intent = String(form.get('intent') ?? '');
    const result = await runTeamIntent(w.api, token, idOf(params), intent, form);
    // What the user typed stays in the field when the API refuses it.
    return { ...result, intent, ...(result.ok ? {} : { typed: String(form.get('username') ?? '') }) };
  });
}

export default function EventTeamPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const addErrors = result && !result.ok && result.intent === 'add-coorganizer' ? result.errors : undefined;
  const usernameErrors = addErrors
    ? [...(addErrors['username'] ?? []), ...(addErrors['user'] ?? [])]
    : undefined;
  return (
    <article className="team">
      <p>
        <Link to={`/eventos/${d.event.id}`}>← {d.event.title}</Link>
      </p>
      <h1>Coorganizadores e lista de espera</h1>
      {result?.ok ? <Flash message={result.message} /> : null}
      {result && !result.ok && result.intent !== 'add-coorganizer' ? (
        <FormErrors errors={Object.values(result.errors).flat()} />
      ) : null}

      <section aria-labelledby="coorganizadores">
        <h2 id="coorganizadores">Coorganizadores</h2>
        <p className="hint">
          Coorganizadores aprovam inscrições, fazem o check-in, exportam a lista e escrevem o relatório. Só o
          dono do evento edita, exclui o evento ou muda os coorganizadores.
        </p>
        {d.coorganizers.length ? (
          <ul className="people" data-testid="coorganizers">
            {d.coorganizers.map((c) => (
              <li key={c.user.id} data-testid="coorganizer">
                <Link to={`/voluntarios/${encodeURIComponent(c.user.username)}`}>{personName(c.user)}</Link>{' '}
                <span className="hint">desde {formatDateTime(c.added_at)}</span>
                {d.isOwner ? (
                  <Form method="post" className="inline-form">
                    <CsrfField />
                    <input type="hidden" name="intent" value="remove-coorganizer" />
                    <input type="hidden" name="user" value={c.user.id} />
                    <button
                      type="submit"
                      className="button secondary"
                      disabled={busy}
                      aria-label={`Remover ${personName(c.user)} dos coorganizadores`}
                    >
                      Remover
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p>Nenhum coorganizador.</p>
        )}
        {d.isOwner ? (
          <Form method="post" className="stack" noValidate>
            <CsrfField />
            <input type="hidden" name="intent" value="add-coorganizer" />
            <Field name="username" label="Nome de usuário do novo coorganizador" errors={usernameErrors}>
              {(p) => (
                <input
                  {...p}
                  type="text"
                  autoComplete="off"
                  maxLength={150}
                  required
                  defaultValue={result && !result.ok ? (result.typed ?? '') : ''}
                  key={result?.ok ? 'added' : 'typing'}
                />
              )}
            </Field>
            <button type="submit" className="button" disabled={busy}>
              Adicionar coorganizador
            </button>
          </Form>
        ) : null}
      </section>

      <section aria-labelledby="espera">
        <h2 id="espera">Lista de espera</h2>
        <p className="hint">
          Quando alguém sai ou você aumenta as vagas, o primeiro da lista entra automaticamente e recebe um
          e-mail (até o fim das inscrições).
        </p>
        {d.waitlist.length ? (
          <ol className="people" data-testid="waitlist">
            {d.waitlist.map((p) => (
              <li key={p.id} data-testid="waitlisted">
                {personName(p.user)} <span className="hint">(posição {p.waitlist_position})</span>
              </li>
            ))}
          </ol>
        ) : (
          <p>Ninguém na lista de espera.</p>
        )}
      </section>
    </article>
  );
}

// The private calendar subscription (issue #16): an iCal URL with the events I joined, for Google Agenda,
// Apple Calendar or Outlook; made, replaced and revoked here.
import {
  Form,
  Link,
  useActionData,
  useNavigation,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { runSubscriptionIntent } from '../../domain/users/calendar-subscription.server.js';
import { CopyButton } from '../components/copy-button.js';
import { CsrfField } from '../components/csrf-field.js';
import { Flash, FormErrors } from '../components/form-field.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Assinatura de calendário — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    await requireToken(w, request);
    return {};
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    return runSubscriptionIntent(w.api, token, String(form.get('intent') ?? ''), new URL(request.url).origin);
  });
}

export default function CalendarSubscriptionPage() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  return (
    <article className="calendar-subscription">
      <p>
        <Link to="/perfil">← Meu perfil</Link>
      </p>
      <h1>Assinatura de calendário</h1>
      <p>
        Um endereço secreto com os eventos em que você se inscreveu, para assinar no Google Agenda, Apple
        Calendar ou Outlook. O calendário se atualiza sozinho quando um evento muda ou é cancelado.
      </p>
      <p className="hint">
        Quem tiver o endereço vê seus eventos: não o compartilhe. Gerar um novo revoga o anterior.
      </p>
      {result?.ok ? <Flash message={result.message} /> : null}
      {result && !result.ok ? <FormErrors errors={Object.values(result.errors).flat()} /> : null}
      {result?.ok && result.url ? (
        <div className="field">
          <label htmlFor="calendar-url">Endereço da assinatura</label>
          <input
            id="calendar-url"
            data-testid="calendar-url"
            type="url"
            readOnly
            value={result.url}
            onFocus={(ev) => ev.currentTarget.select()}
          />
          <p>
            <CopyButton text={result.url} label="Copiar endereço da assinatura" />
          </p>
          <p>
            <a href={result.webcal}>Abrir no aplicativo de calendário</a>
          </p>
        </div>
      ) : null}
      <div className="button-row">
        <Form method="post" className="inline-form">
          <CsrfField />
          <input type="hidden" name="intent" value="create" />
          <button type="submit" className="button" disabled={busy}>
            Gerar link de assinatura
          </button>
        </Form>
        <Form method="post" className="inline-form">
          <CsrfField />
          <input type="hidden" name="intent" value="revoke" />
          <button type="submit" className="button secondary" disabled={busy}>
            Revogar link
          </button>
        </Form>
      </div>
    </article>
  );
}

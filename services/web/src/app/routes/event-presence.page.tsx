// A participant's presence screen (ADR 0014): read the organisers' QR code to check in or out, or show a
// personal, single-use QR code for an organiser to read; the hours counted so far.
import {
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
import { presenceView, runPresenceIntent } from '../../domain/events/presence.server.js';
import type { ActionResult } from '../../domain/events/event-actions.js';
import { formatNumber, formatRange, formatTime } from '../../domain/format/pt-br.js';
import { Flash, FormErrors } from '../components/form-field.js';
import { QrScanner } from '../components/qr-scanner.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Check-in por QR code — Mutirões' }];

const idOf = (p: { id?: string }) => (/^\d{1,9}$/.test(p.id ?? '') ? Number(p.id) : 0);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    if (!idOf(params)) throw new Response('Não encontrado', { status: 404 });
    return presenceView(w.api, token, w.session.user?.userId ?? 0, idOf(params));
  });
}

export async function action({ request, params, context }: ActionFunctionArgs): Promise<ActionResult> {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    // Participants only read the organisers' code here.
    return runPresenceIntent(w.api, token, idOf(params), 'scan', form);
  });
}

export default function EventPresencePage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const { revalidate, state } = useRevalidator();
  // A personal code counts once and lives 90 s: a fresh one every 30 s.
  useEffect(() => {
    if (!d.shown) return;
    const t = setInterval(() => {
      if (state === 'idle') void revalidate();
    }, 30_000);
    return () => clearInterval(t);
  }, [d.shown, revalidate, state]);
  const me = d.me;
  const errors = result && !result.ok ? Object.values(result.errors).flat() : undefined;
  return (
    <article className="presence">
      <p>
        <Link to={`/eventos/${d.event.id}`}>← {d.event.title}</Link>
      </p>
      <h1>Check-in por QR code</h1>
      <p>{formatRange(d.event.start_date, d.event.end_date)}</p>
      {result?.ok ? <Flash message={result.message} /> : null}
      <p data-testid="my-presence">
        {!me || !me.checked_in
          ? 'Você ainda não fez check-in.'
          : me.check_out_time
            ? `Entrada às ${formatTime(me.check_in_time)}, saída às ${formatTime(me.check_out_time)}: ${formatNumber(me.hours_volunteered)} h.`
            : `Entrada às ${formatTime(me.check_in_time)}. Leia o QR code de saída ao ir embora.`}
      </p>

      <section aria-label="Ler o QR code da organização">
        <QrScanner
          intent="scan"
          title="Ler o QR code da organização"
          cameraLabel="Ler QR code com a câmera"
          busy={busy}
          errors={errors}
        />
      </section>

      <section aria-labelledby="meu-qr">
        <h2 id="meu-qr">Seu QR code pessoal</h2>
        {d.shown ? (
          <figure className="qr-code" data-testid="personal-qr" data-code={d.shown.code}>
            <img src={d.shown.image} width={256} height={256} alt="Seu QR code pessoal de presença" />
            <figcaption>
              Sem câmera? Mostre este código à organização para registrar sua entrada ou saída. Cada código
              vale uma leitura e um novo aparece a cada 30 s.
            </figcaption>
          </figure>
        ) : (
          <FormErrors errors={[d.refusal]} />
        )}
      </section>
    </article>
  );
}

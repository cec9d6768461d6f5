// The post-event report (statistics) and the photo upload, for the organiser.
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
import {
  REPORT_FIELDS,
  saveReport,
  uploadPhoto,
  type ActionResult,
} from '../../domain/events/event-actions.js';
import { eventReportView } from '../../domain/events/event-report.view-model.js';
import { CsrfField } from '../components/csrf-field.js';
import { Field, Flash, FormErrors } from '../components/form-field.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Relatório do evento — Mutirões' }];

const idOf = (p: { id?: string }) => (/^\d{1,9}$/.test(p.id ?? '') ? Number(p.id) : 0);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const token = await requireToken(w, request);
    if (!idOf(params)) throw new Response('Não encontrado', { status: 404 });
    return eventReportView(w.api, token, w.session.user?.userId ?? 0, idOf(params));
  });
}

export async function action({
  request,
  params,
  context,
}: ActionFunctionArgs): Promise<ActionResult & { intent: string; values?: Record<string, string> }> {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    const intent = String(form.get('intent'));
    if (intent === 'photo') return { intent, ...(await uploadPhoto(w.api, token, idOf(params), form)) };
    const values = Object.fromEntries(REPORT_FIELDS.map((f) => [f, String(form.get(f) ?? '')]));
    return {
      intent,
      values,
      ...(await saveReport(w.api, token, idOf(params), form, form.get('exists') === '1')),
    };
  });
}

const LABELS: Record<(typeof REPORT_FIELDS)[number], string> = {
  total_participants: 'Total de participantes',
  total_hours: 'Total de horas de voluntariado',
  trash_collected_kg: 'Lixo recolhido (kg)',
  trees_planted: 'Árvores plantadas',
  area_cleaned_m2: 'Área limpa (m²)',
  recyclable_material_kg: 'Material reciclável (kg)',
  summary: 'Resumo',
  challenges: 'Desafios',
  achievements: 'Conquistas',
};

export default function EventReportPage() {
  const { event, report, stats } = useLoaderData<typeof loader>();
  const res = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const reportRes = res?.intent === 'report' ? res : undefined;
  const photoRes = res?.intent === 'photo' ? res : undefined;
  const errors = reportRes && !reportRes.ok ? reportRes.errors : {};
  const value = (f: (typeof REPORT_FIELDS)[number]) =>
    reportRes?.values?.[f] ??
    (report
      ? String((report as unknown as Record<string, unknown>)[f] ?? '')
      : f === 'total_participants'
        ? String(stats?.checked_in_participants ?? '')
        : '');
  return (
    <section>
      <p>
        <Link to={`/eventos/${event.id}`}>← {event.title}</Link>
      </p>
      <h1>Relatório do evento</h1>
      {stats ? (
        <dl className="stats">
          <div>
            <dt>Confirmados</dt>
            <dd>{stats.confirmed_participants}</dd>
          </div>
          <div>
            <dt>Pendentes</dt>
            <dd>{stats.pending_participants}</dd>
          </div>
          <div>
            <dt>Check-ins</dt>
            <dd>{stats.checked_in_participants}</dd>
          </div>
          <div>
            <dt>Fotos</dt>
            <dd>{stats.photos_count}</dd>
          </div>
        </dl>
      ) : null}
      <h2>Resultados</h2>
      {reportRes?.ok ? <Flash message={reportRes.message} /> : <FormErrors errors={errors['_form']} />}
      <Form method="post" className="form-grid">
        <CsrfField />
        <input type="hidden" name="intent" value="report" />
        <input type="hidden" name="exists" value={report ? '1' : '0'} />
        {REPORT_FIELDS.map((f) => (
          <div key={f} className={['summary', 'challenges', 'achievements'].includes(f) ? 'wide' : ''}>
            <Field name={f} label={LABELS[f]} errors={errors[f]}>
              {(p) =>
                ['summary', 'challenges', 'achievements'].includes(f) ? (
                  <textarea {...p} defaultValue={value(f)} rows={3} maxLength={10_000} />
                ) : (
                  <input {...p} inputMode="decimal" defaultValue={value(f)} />
                )
              }
            </Field>
          </div>
        ))}
        <div className="wide">
          <button type="submit" className="button" disabled={busy}>
            {report ? 'Atualizar relatório' : 'Salvar relatório'}
          </button>
        </div>
      </Form>
      <h2>Fotos</h2>
      {photoRes?.ok ? (
        <Flash message={photoRes.message} />
      ) : (
        <FormErrors errors={photoRes && !photoRes.ok ? Object.values(photoRes.errors).flat() : undefined} />
      )}
      <Form method="post" encType="multipart/form-data">
        <CsrfField />
        <input type="hidden" name="intent" value="photo" />
        <Field name="photo" label="Foto (JPEG, PNG ou WebP, até 8 MB)">
          {(p) => <input {...p} type="file" accept="image/jpeg,image/png,image/webp" required />}
        </Field>
        <Field name="caption" label="Legenda">
          {(p) => <input {...p} maxLength={200} />}
        </Field>
        <fieldset className="field">
          <legend>Momento</legend>
          <label>
            <input type="radio" name="moment" value="before" /> Antes
          </label>{' '}
          <label>
            <input type="radio" name="moment" value="after" defaultChecked /> Depois
          </label>
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          Enviar foto
        </button>
      </Form>
      {event.photos?.length ? (
        <ul className="gallery">
          {event.photos.map((p) => (
            <li key={p.id}>
              <img src={p.photo ?? ''} alt={p.caption || 'Foto do evento'} loading="lazy" />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

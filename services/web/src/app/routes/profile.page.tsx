// Own profile: statistics, badges, history; edit (birth date, city, interests, notifications, privacy);
// change password (which logs out everywhere).
import {
  Form,
  Link,
  redirect,
  useActionData,
  useLoaderData,
  useNavigation,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from 'react-router';
import {
  changePassword,
  NOTIFICATION_KEYS,
  ownProfileView,
  updateProfile,
} from '../../domain/users/profile.view-model.js';
import { formatDate, formatNumber } from '../../domain/format/pt-br.js';
import { CsrfField } from '../components/csrf-field.js';
import { Field, Flash, FormErrors } from '../components/form-field.js';
import { guard, readForm, requireToken } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Meu perfil — Mutirões' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const w = web(context);
  return guard(request, async () => ownProfileView(w.api, await requireToken(w, request)));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const token = await requireToken(w, request);
    if (form.get('intent') === 'password') {
      const r = await changePassword(w.api, token, form);
      if (r.ok) {
        await w.session.logout();
        throw redirect('/entrar');
      }
      return { intent: 'password', ...r };
    }
    return { intent: 'profile', ...(await updateProfile(w.api, token, form)) };
  });
}

export default function ProfilePage() {
  const { profile: p, stats, badges, history, categories } = useLoaderData<typeof loader>();
  const res = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const pe = res?.intent === 'profile' && !res.ok ? res.errors : {};
  const we = res?.intent === 'password' && !res.ok ? res.errors : {};
  const interests = new Set(p.interests ?? []);
  return (
    <section>
      <h1>Olá, {p.user.first_name || p.user.username}</h1>
      <p>
        <Link to={`/voluntarios/${encodeURIComponent(p.user.username)}`}>Ver meu perfil público</Link> ·{' '}
        <Link to="/perfil/calendario">Assinar meus eventos no calendário</Link>
      </p>
      {stats ? (
        <dl className="stats">
          <div>
            <dt>Eventos</dt>
            <dd>{formatNumber(stats.total_events_participated)}</dd>
          </div>
          <div>
            <dt>Horas</dt>
            <dd>{formatNumber(stats.total_hours_volunteered)}</dd>
          </div>
          <div>
            <dt>Conquistas</dt>
            <dd>{formatNumber(stats.badges_earned)}</dd>
          </div>
          <div>
            <dt>Organizados</dt>
            <dd>{formatNumber(stats.events_organized)}</dd>
          </div>
        </dl>
      ) : null}
      <h2>Conquistas</h2>
      {badges.length ? (
        <ul>
          {badges.map((b) => (
            <li key={b.id}>
              <strong>{b.badge.name}</strong> — {b.badge.description} ({formatDate(b.earned_at)})
            </li>
          ))}
        </ul>
      ) : (
        <p>Nenhuma conquista ainda. Participe de um mutirão!</p>
      )}
      <h2>Histórico de participação</h2>
      {history.length ? (
        <ul>
          {history.map((e) => (
            <li key={e.id}>
              <Link to={`/eventos/${e.id}`}>{e.title}</Link> — {formatDate(e.start_date)}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nenhuma participação concluída ainda.</p>
      )}

      <h2>Editar perfil</h2>
      {res?.intent === 'profile' && res.ok ? (
        <Flash message={res.message} />
      ) : (
        <FormErrors errors={pe['_form']} />
      )}
      <Form method="post" className="form-grid">
        <CsrfField />
        <input type="hidden" name="intent" value="profile" />
        <Field name="first_name" label="Nome" errors={pe['first_name']}>
          {(x) => <input {...x} defaultValue={p.user.first_name} maxLength={150} />}
        </Field>
        <Field name="last_name" label="Sobrenome" errors={pe['last_name']}>
          {(x) => <input {...x} defaultValue={p.user.last_name} maxLength={150} />}
        </Field>
        <Field name="birth_date" label="Data de nascimento" errors={pe['birth_date']}>
          {(x) => <input {...x} type="date" defaultValue={p.birth_date ?? ''} />}
        </Field>
        <Field name="phone" label="Telefone" errors={pe['phone']}>
          {(x) => <input {...x} type="tel" defaultValue={p.phone ?? ''} maxLength={17} />}
        </Field>
        <Field name="city" label="Cidade" errors={pe['city']}>
          {(x) => <input {...x} defaultValue={p.city ?? ''} maxLength={100} />}
        </Field>
        <Field name="state" label="UF" errors={pe['state']}>
          {(x) => <input {...x} defaultValue={p.state ?? ''} maxLength={2} />}
        </Field>
        <Field name="zip_code" label="CEP" errors={pe['zip_code']}>
          {(x) => <input {...x} defaultValue={p.zip_code ?? ''} maxLength={10} />}
        </Field>
        <div className="wide">
          <Field name="bio" label="Sobre mim" errors={pe['bio']}>
            {(x) => <textarea {...x} defaultValue={p.bio ?? ''} maxLength={500} rows={3} />}
          </Field>
        </div>
        <fieldset className="wide field">
          <legend>Interesses</legend>
          {categories.map((c) => (
            <label key={c.id} className="checkbox">
              <input type="checkbox" name="interests" value={c.name} defaultChecked={interests.has(c.name)} />{' '}
              {c.name}
            </label>
          ))}
        </fieldset>
        <fieldset className="wide field">
          <legend>Notificações</legend>
          {NOTIFICATION_KEYS.map((n) => (
            <label key={n.key} className="checkbox">
              <input
                type="checkbox"
                name={`pref_${n.key}`}
                defaultChecked={p.notification_preferences?.[n.key] ?? true}
              />{' '}
              {n.label}
            </label>
          ))}
        </fieldset>
        <fieldset className="wide field">
          <legend>Privacidade</legend>
          <label className="checkbox">
            <input type="checkbox" name="is_public_profile" defaultChecked={p.is_public_profile ?? true} />{' '}
            Perfil público
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              name="show_participation_history"
              defaultChecked={p.show_participation_history ?? true}
            />{' '}
            Mostrar meu histórico de participação
          </label>
        </fieldset>
        <div className="wide">
          <button type="submit" className="button" disabled={busy}>
            Salvar perfil
          </button>
        </div>
      </Form>

      <h2>Trocar senha</h2>
      <FormErrors errors={we['_form']} />
      <Form method="post" className="narrow-page">
        <CsrfField />
        <input type="hidden" name="intent" value="password" />
        <Field name="old_password" label="Senha atual" errors={we['old_password']}>
          {(x) => <input {...x} type="password" autoComplete="current-password" required />}
        </Field>
        <Field name="new_password" label="Nova senha" errors={we['new_password']}>
          {(x) => <input {...x} type="password" autoComplete="new-password" required />}
        </Field>
        <Field name="new_password_confirm" label="Confirme a nova senha" errors={we['new_password_confirm']}>
          {(x) => <input {...x} type="password" autoComplete="new-password" required />}
        </Field>
        <button type="submit" className="button" disabled={busy}>
          Trocar senha
        </button>
      </Form>
    </section>
  );
}

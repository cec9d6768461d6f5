// Register: the password rules shown as you type; the API's field errors next to each field; then logged in.
import {
  Form,
  Link,
  redirect,
  useActionData,
  useNavigation,
  type ActionFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { useState } from 'react';
import { registerUser, REGISTER_FIELDS, type RegisterValues } from '../../domain/users/register.use-case.js';
import { passwordRules } from '../../domain/users/password-rules.js';
import { Field, FormErrors } from '../components/form-field.js';
import { CsrfField } from '../components/csrf-field.js';
import { guard, readForm } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Cadastro — Mutirões' }];

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const values = Object.fromEntries(
      REGISTER_FIELDS.map((f) => [f, String(form.get(f) ?? '').slice(0, 254)]),
    ) as RegisterValues;
    const r = await registerUser(w.api, values);
    if (!r.ok) return { values: { ...values, password: '', password_confirm: '' }, errors: r.errors };
    const logged = await w.session.login(values.email, values.password);
    throw redirect(logged.ok ? '/eventos' : '/entrar');
  });
}

export default function Register() {
  const res = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const [pw, setPw] = useState('');
  const [username, setUsername] = useState(res?.values.username ?? '');
  const [email, setEmail] = useState(res?.values.email ?? '');
  const rules = passwordRules(pw, { username, email });
  const e = res?.errors ?? {};
  return (
    <section className="narrow-page">
      <h1>Criar conta</h1>
      <FormErrors errors={e['_form']} />
      <Form method="post">
        <CsrfField />
        <Field name="first_name" label="Nome" errors={e['first_name']}>
          {(p) => (
            <input
              {...p}
              autoComplete="given-name"
              required
              maxLength={150}
              defaultValue={res?.values.first_name ?? ''}
            />
          )}
        </Field>
        <Field name="last_name" label="Sobrenome" errors={e['last_name']}>
          {(p) => (
            <input
              {...p}
              autoComplete="family-name"
              maxLength={150}
              defaultValue={res?.values.last_name ?? ''}
            />
          )}
        </Field>
        <Field name="username" label="Nome de usuário" errors={e['username']}>
          {(p) => (
            <input
              {...p}
              autoComplete="username"
              required
              maxLength={150}
              value={username}
              onChange={(x) => setUsername(x.target.value)}
            />
          )}
        </Field>
        <Field name="email" label="E-mail" errors={e['email']}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="email"
              required
              maxLength={254}
              value={email}
              onChange={(x) => setEmail(x.target.value)}
            />
          )}
        </Field>
        <Field
          name="password"
          label="Senha"
          errors={e['password']}
          hint={
            <ul className="rules" aria-live="polite">
              {rules.map((r) => (
                <li key={r.id} className={r.ok ? 'ok' : 'todo'}>
                  <span aria-hidden="true">{r.ok ? '✓' : '•'}</span> {r.label}
                  <span className="sr-only">{r.ok ? ' (atendida)' : ' (pendente)'}</span>
                </li>
              ))}
            </ul>
          }
        >
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              required
              maxLength={128}
              value={pw}
              onChange={(x) => setPw(x.target.value)}
            />
          )}
        </Field>
        <Field name="password_confirm" label="Confirme a senha" errors={e['password_confirm']}>
          {(p) => <input {...p} type="password" autoComplete="new-password" required maxLength={128} />}
        </Field>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Criando conta…' : 'Criar conta'}
        </button>
      </Form>
      <p>
        Já tem conta? <Link to="/entrar">Entrar</Link>
      </p>
    </section>
  );
}

// Login: the API's token pair goes into httpOnly cookies on the server; the page never sees a token.
import {
  Form,
  Link,
  redirect,
  useActionData,
  useNavigation,
  useSearchParams,
  type ActionFunctionArgs,
  type MetaFunction,
} from 'react-router';
import { Field, FormErrors } from '../components/form-field.js';
import { CsrfField } from '../components/csrf-field.js';
import { guard, readForm, safeNext } from '../route-support.server.js';
import { web } from '../web-context.js';

export const meta: MetaFunction = () => [{ title: 'Entrar — Mutirões' }];

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  return guard(request, async () => {
    const form = await readForm(w, request);
    const login = String(form.get('login') ?? '')
      .trim()
      .slice(0, 254);
    const password = String(form.get('password') ?? '').slice(0, 128);
    if (!login || !password)
      return {
        login,
        errors: { _form: ['Informe e-mail (ou usuário) e senha.'] } as Record<string, string[]>,
      };
    const r = await w.session.login(login, password);
    if (r.ok) throw redirect(safeNext(new URL(request.url).searchParams.get('proximo')));
    const errors = r.status === 401 ? { _form: ['E-mail ou senha incorretos.'] } : r.errors;
    return { login, errors };
  });
}

export default function Login() {
  const res = useActionData<typeof action>();
  const [sp] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  return (
    <section className="narrow-page">
      <h1>Entrar</h1>
      <FormErrors errors={res?.errors['_form']} />
      <Form
        method="post"
        action={`/entrar${sp.get('proximo') ? `?proximo=${encodeURIComponent(sp.get('proximo')!)}` : ''}`}
      >
        <CsrfField />
        <Field
          name="login"
          label="E-mail ou nome de usuário"
          errors={res?.errors['email'] ?? res?.errors['username']}
        >
          {(p) => (
            <input {...p} type="text" autoComplete="username" required defaultValue={res?.login ?? ''} />
          )}
        </Field>
        <Field name="password" label="Senha" errors={res?.errors['password']}>
          {(p) => <input {...p} type="password" autoComplete="current-password" required />}
        </Field>
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Entrando…' : 'Entrar'}
        </button>
      </Form>
      <p>
        Ainda não tem conta? <Link to="/cadastro">Cadastre-se</Link>
      </p>
    </section>
  );
}

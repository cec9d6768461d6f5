// The document shell: header navigation, skip link, main landmark, footer; the root error page.
import '@fontsource/open-sans/400.css';
import '@fontsource/open-sans/700.css';
import './app.css';
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteLoaderData,
  type LoaderFunctionArgs,
} from 'react-router';
import type { ReactNode } from 'react';
import { web } from './web-context.js';
import { CsrfField } from './components/csrf-field.js';

export async function loader({ context }: LoaderFunctionArgs) {
  const w = web(context);
  await w.session.token().catch(() => undefined);
  const u = w.session.user;
  return { user: u ? { id: u.userId, username: u.username } : null, csrf: w.csrfToken };
}

export type RootData = Awaited<ReturnType<typeof loader>>;

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<RootData>('root');
  return (
    <html lang="pt-BR">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0b6e4f" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#conteudo">
          Pular para o conteúdo
        </a>
        <header className="site-header">
          <div className="wrap header-row">
            <Link to="/" className="brand" aria-label="Mutirões — página inicial">
              Mutirões
            </Link>
            <nav aria-label="Principal">
              <ul className="nav-list">
                <li>
                  <NavLink to="/eventos">Eventos</NavLink>
                </li>
                <li>
                  <NavLink to="/ranking">Ranking</NavLink>
                </li>
                <li>
                  <NavLink to="/impacto">Impacto</NavLink>
                </li>
                {data?.user ? (
                  <>
                    <li>
                      <NavLink to="/meus-eventos">Meus eventos</NavLink>
                    </li>
                    <li>
                      <NavLink to="/perfil">Perfil</NavLink>
                    </li>
                    <li>
                      <Form method="post" action="/sair" className="inline-form">
                        <CsrfField />
                        <button type="submit" className="link-button">
                          Sair
                        </button>
                      </Form>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <NavLink to="/entrar">Entrar</NavLink>
                    </li>
                    <li>
                      <NavLink to="/cadastro">Cadastrar</NavLink>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          </div>
        </header>
        <main id="conteudo" className="wrap" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="wrap">
            Mutirões — mutirões ambientais comunitários. Horários em Brasília (America/Sao_Paulo).
          </div>
        </footer>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary({ error }: { error: unknown }) {
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <section className="error-page">
        <title>Página não encontrada — Mutirões</title>
        <h1>Página não encontrada</h1>
        <p>O endereço pode estar errado ou o conteúdo foi removido.</p>
        <p>
          <Link to="/eventos">Ver eventos</Link> · <Link to="/">Página inicial</Link>
        </p>
      </section>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <section className="error-page">
        <title>Sem permissão — Mutirões</title>
        <h1>Sem permissão</h1>
        <p>Esta página é só para a organização do evento.</p>
        <p>
          <Link to="/eventos">Ver eventos</Link>
        </p>
      </section>
    );
  }
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  return (
    <section className="error-page" role="alert">
      <title>Erro — Mutirões</title>
      <h1>{unavailable ? 'Serviço temporariamente indisponível' : 'Algo deu errado'}</h1>
      <p>
        {unavailable
          ? 'Não conseguimos falar com o servidor de eventos agora. Seus dados estão seguros; tente de novo em alguns instantes.'
          : 'Não conseguimos mostrar esta página. Tente novamente.'}
      </p>
      <p>
        <a href="" className="button">
          Tentar novamente
        </a>{' '}
        <Link to="/">Página inicial</Link>
      </p>
    </section>
  );
}

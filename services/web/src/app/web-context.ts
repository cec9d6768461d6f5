// What the web server hands every loader and action: the API client, the visitor's session, CSRF, settings.
// The key lives in the app bundle; the server reads it from the build's entry module.
import { createContext, type RouterContextProvider } from 'react-router';
import type { ApiClient } from '../data-access/api-client.js';
import type { Session } from '../domain/auth/session.js';

export interface WebSettings {
  tileUrl: string;
  tileAttribution: string;
  fallbackCity: string;
}

export interface WebContext {
  api: ApiClient;
  session: Session;
  csrfToken: string;
  verifyCsrf(token: unknown): boolean;
  settings: WebSettings;
  /** Scheme + host as the browser sees it (for share links and OpenGraph). */
  origin: string;
}

export const webContext = createContext<WebContext>();

export function web(context: Readonly<RouterContextProvider>): WebContext {
  return context.get(webContext);
}

// Logout (POST only, CSRF-checked): the API revokes the refresh token family; the cookies are cleared.
import { redirect, type ActionFunctionArgs } from 'react-router';
import { readForm } from '../route-support.server.js';
import { web } from '../web-context.js';

export async function action({ request, context }: ActionFunctionArgs) {
  const w = web(context);
  await readForm(w, request);
  await w.session.logout();
  return redirect('/');
}

export function loader() {
  return redirect('/');
}

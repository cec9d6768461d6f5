// The hidden CSRF token every state-changing form carries (checked by the action before it calls the API).
import { useRouteLoaderData } from 'react-router';
import type { RootData } from '../root.js';

export function CsrfField() {
  const data = useRouteLoaderData<RootData>('root');
  return <input type="hidden" name="_csrf" value={data?.csrf ?? ''} />;
}

// Any unknown path: the 404 page (rendered by the root error boundary).
import { data } from 'react-router';

export function loader() {
  throw data('Não encontrado', { status: 404 });
}

export default function NotFound() {
  return null;
}

// Loads what the create/edit forms need: the categories and, for editing, the event (organiser only).
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk, PageError } from '../page-error.js';
import { organizerId } from './event-detail.view-model.js';
import { emptyEventForm, eventFormFrom, type EventFormValues } from './event-form.js';
import type { Category, EventDetail, Page } from './event.types.js';

export async function categories(api: ApiClient): Promise<Category[]> {
  const d = expectOk(await api.request<Category[] | Page<Category>>({ path: '/api/events/categories/' }));
  return Array.isArray(d) ? d : d.results;
}

export async function eventFormView(
  api: ApiClient,
  token: string,
  userId: number,
  id?: number,
): Promise<{ values: EventFormValues; categories: Category[]; title: string }> {
  const cats = await categories(api);
  if (!id) return { values: emptyEventForm(), categories: cats, title: '' };
  const e = expectOk(await api.request<EventDetail>({ path: `/api/events/${id}/`, token }));
  if (!(e.is_organizer === true || organizerId(e) === userId)) throw new PageError('FORBIDDEN');
  return { values: eventFormFrom(e), categories: cats, title: e.title };
}

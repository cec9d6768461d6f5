// Create/edit event form: every field, the place picked on the map, checks as you go that mirror the API,
// the API's field errors next to their fields, and nothing the user typed is ever lost.
import { Form, useNavigation } from 'react-router';
import { useState, type FormEvent } from 'react';
import {
  validateEventForm,
  type EventField,
  type EventFormValues,
  type FieldErrors,
} from '../../domain/events/event-form.js';
import type { Category } from '../../domain/events/event.types.js';
import { CsrfField } from './csrf-field.js';
import { Field, FormErrors } from './form-field.js';
import { LocationPicker } from './location-picker.js';
import type { MapSettings } from './events-map.js';

export function EventForm(props: {
  initial: EventFormValues;
  serverErrors?: FieldErrors | undefined;
  categories: Category[];
  map: MapSettings;
  submitLabel: string;
}) {
  const [v, setV] = useState<EventFormValues>(props.initial);
  const [touched, setTouched] = useState<Partial<Record<EventField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const busy = useNavigation().state !== 'idle';
  const local = validateEventForm(v);
  const errs = (f: EventField) => (submitted || touched[f] ? local[f] : undefined) ?? props.serverErrors?.[f];
  const set = (f: EventField) => (e: { target: { value: string; type?: string; checked?: boolean } }) =>
    setV((old) => ({
      ...old,
      [f]: e.target.type === 'checkbox' ? (e.target.checked ? 'on' : '') : e.target.value,
    }));
  const blur = (f: EventField) => () => setTouched((t) => ({ ...t, [f]: true }));
  const onSubmit = (e: FormEvent) => {
    setSubmitted(true);
    if (Object.keys(local).length) {
      e.preventDefault();
      const first = Object.keys(local)[0];
      document.getElementById(`f-${first}`)?.focus();
    }
  };
  const text = (f: EventField, label: string, extra: Record<string, unknown> = {}, wide = false) => (
    <div className={wide ? 'wide' : ''}>
      <Field name={f} label={label} errors={errs(f)}>
        {(p) => <input {...p} value={v[f]} onChange={set(f)} onBlur={blur(f)} {...extra} />}
      </Field>
    </div>
  );
  const area = (f: EventField, label: string, required = false) => (
    <div className="wide">
      <Field name={f} label={label} errors={errs(f)}>
        {(p) => (
          <textarea
            {...p}
            value={v[f]}
            onChange={set(f)}
            onBlur={blur(f)}
            rows={4}
            required={required}
            maxLength={f === 'description' ? 10_000 : 5_000}
          />
        )}
      </Field>
    </div>
  );
  const lat = v.latitude.trim() ? Number(v.latitude) : null;
  const lng = v.longitude.trim() ? Number(v.longitude) : null;
  return (
    <Form method="post" onSubmit={onSubmit} noValidate className="event-form">
      <CsrfField />
      <FormErrors errors={props.serverErrors?._form} />
      {submitted && Object.keys(local).length ? (
        <p className="alert alert-error" role="alert">
          Corrija os campos destacados.
        </p>
      ) : null}
      <div className="form-grid">
        {text('title', 'Título', { required: true, maxLength: 200 }, true)}
        {area('description', 'Descrição', true)}
        <div>
          <Field name="category" label="Categoria" errors={errs('category')}>
            {(p) => (
              <select {...p} value={v.category} onChange={set('category')} onBlur={blur('category')} required>
                <option value="">Escolha…</option>
                {props.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div>
          <Field name="status" label="Situação" errors={errs('status')}>
            {(p) => (
              <select {...p} value={v.status} onChange={set('status')}>
                <option value="published">Publicado</option>
                <option value="draft">Rascunho</option>
                {v.status === 'cancelled' ? <option value="cancelled">Cancelado</option> : null}
                {v.status === 'completed' ? <option value="completed">Concluído</option> : null}
              </select>
            )}
          </Field>
        </div>
        {text('address', 'Endereço', { required: true, maxLength: 255 }, true)}
        {text('city', 'Cidade', { required: true, maxLength: 100 })}
        {text('state', 'UF (sigla do estado)', { required: true, maxLength: 2 })}
        <div className="wide">
          <p className="hint" id="map-hint">
            Clique no mapa para marcar o ponto de encontro, ou digite a latitude e a longitude.
          </p>
          <LocationPicker
            lat={lat}
            lng={lng}
            settings={props.map}
            onPick={(la, ln) => setV((old) => ({ ...old, latitude: String(la), longitude: String(ln) }))}
          />
        </div>
        {text('latitude', 'Latitude', { inputMode: 'decimal' })}
        {text('longitude', 'Longitude', { inputMode: 'decimal' })}
        {text('start_date', 'Início (horário de Brasília)', { type: 'datetime-local', required: true })}
        {text('end_date', 'Término (horário de Brasília)', { type: 'datetime-local', required: true })}
        {text('registration_deadline', 'Prazo de inscrição (opcional)', { type: 'datetime-local' })}
        {text('max_participants', 'Número máximo de participantes', {
          type: 'number',
          min: 1,
          max: 100000,
          required: true,
        })}
        {text('min_age', 'Idade mínima', { type: 'number', min: 0, max: 120 })}
        {text('max_age', 'Idade máxima (opcional)', { type: 'number', min: 0, max: 120 })}
        {area('what_to_bring', 'O que levar')}
        {area('required_tools', 'Ferramentas necessárias')}
        {area('provided_tools', 'Ferramentas fornecidas')}
        {text('cover_image', 'URL da imagem de capa (opcional)', { type: 'url', maxLength: 500 }, true)}
        <div className="field checkbox">
          <input
            id="f-is_public"
            type="checkbox"
            name="is_public"
            checked={v.is_public === 'on'}
            onChange={set('is_public')}
          />
          <label htmlFor="f-is_public">Evento público</label>
        </div>
        <div className="field checkbox">
          <input
            id="f-requires_approval"
            type="checkbox"
            name="requires_approval"
            checked={v.requires_approval === 'on'}
            onChange={set('requires_approval')}
          />
          <label htmlFor="f-requires_approval">Inscrições precisam de aprovação</label>
        </div>
      </div>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Salvando…' : props.submitLabel}
      </button>
    </Form>
  );
}

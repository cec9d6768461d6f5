// A labelled form control with its error messages tied to it (aria-describedby), pt-BR labels.
import type { ReactNode } from 'react';

export interface FieldProps {
  name: string;
  label: string;
  errors?: string[] | undefined;
  hint?: ReactNode;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}

export function Field({ name, label, errors, hint, children }: FieldProps) {
  const id = `f-${name}`;
  const described =
    [hint ? `${id}-hint` : '', errors?.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errors?.length ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': !!errors?.length, 'aria-describedby': described })}
      {hint ? (
        <div id={`${id}-hint`} className="hint">
          {hint}
        </div>
      ) : null}
      {errors?.length ? (
        <ul id={`${id}-err`} className="field-errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function FormErrors({ errors }: { errors?: string[] | undefined }) {
  if (!errors?.length) return null;
  return (
    <div className="alert alert-error" role="alert">
      {errors.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

export function Flash({ message }: { message?: string | undefined }) {
  if (!message) return null;
  return (
    <div className="alert alert-ok" role="status">
      {message}
    </div>
  );
}

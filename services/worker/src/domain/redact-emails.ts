// E-mail addresses in what the status page shows (job errors from SMTP, job data): reduced to their domain.
const EMAIL_RE =
  /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+)/g;

export function redactEmails(text: string): string {
  return text.replace(EMAIL_RE, (_m, domain: string) => `***@${domain}`);
}

/** A copy of a JSON value with every string's e-mail addresses redacted (keys kept). */
export function redactEmailsDeep<T>(value: T): T {
  if (typeof value === 'string') return redactEmails(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactEmailsDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactEmailsDeep(v);
    return out as T;
  }
  return value;
}

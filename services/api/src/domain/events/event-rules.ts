// Rules of an event that do not depend on storage: schedule/age consistency and the derived fields.
import { ValidationError, type FieldErrors } from '../shared/app-errors.js';

export interface Schedule {
  start_date: Date;
  end_date: Date;
  registration_deadline: Date | null;
  min_age: number;
  max_age: number | null;
}

/** DOMAIN.md: start_date < end_date, registration_deadline < start_date, min_age < max_age. */
export function assertScheduleValid(s: Schedule): void {
  const errors: FieldErrors = {};
  if (s.start_date.getTime() >= s.end_date.getTime()) {
    errors.end_date = ['A data de término deve ser posterior à data de início.'];
  }
  if (s.registration_deadline && s.registration_deadline.getTime() >= s.start_date.getTime()) {
    errors.registration_deadline = ['O prazo de inscrição deve ser anterior à data de início.'];
  }
  if (s.max_age !== null && s.min_age >= s.max_age) {
    errors.max_age = ['A idade máxima deve ser maior que a idade mínima.'];
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export interface EventState {
  status: string;
  start_date: Date;
  registration_deadline: Date | null;
  max_participants: number;
  participants_count: number;
}

export function availableSpots(e: EventState): number {
  return Math.max(0, e.max_participants - e.participants_count);
}

/** Published and not started yet. */
export function isActive(e: EventState, now = new Date()): boolean {
  return e.status === 'published' && e.start_date.getTime() > now.getTime();
}

/** Active and before the registration deadline (if any). */
export function isRegistrationOpen(e: EventState, now = new Date()): boolean {
  return (
    isActive(e, now) &&
    (e.registration_deadline === null || now.getTime() < e.registration_deadline.getTime())
  );
}

/** Whole years between a birth date (YYYY-MM-DD) and `at` (the event's start), by calendar (UTC). */
export function ageAt(birthDate: string, at: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  const beforeBirthday = at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d);
  if (beforeBirthday) age -= 1;
  return age;
}

/** Check-in opens this long before the start (volunteers arrive early) and closes at the end. */
export const CHECK_IN_OPENS_BEFORE_MS = 60 * 60 * 1000;

/** True inside the event's check-in window: [start − 1 h, end]. */
export function isCheckInOpen(e: { start_date: Date; end_date: Date }, now = new Date()): boolean {
  const t = now.getTime();
  return t >= e.start_date.getTime() - CHECK_IN_OPENS_BEFORE_MS && t <= e.end_date.getTime();
}

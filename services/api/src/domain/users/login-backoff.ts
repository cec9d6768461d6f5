// Per-account exponential backoff on failed logins (besides the gateway's per-address limit): after FREE_FAILURES
// wrong passwords for one account name, each further one doubles the wait, up to MAX_WAIT_S; a success clears it.

/** Wrong passwords allowed without any wait (typos). */
export const FREE_FAILURES = 5;
/** Longest wait between tries for one account. */
export const MAX_WAIT_S = 15 * 60;
/** A counter idle this long starts over. */
export const RESET_AFTER_S = 24 * 60 * 60;

/** Wait after the n-th consecutive failure: 0 up to FREE_FAILURES, then 2, 4, 8 … s, capped at MAX_WAIT_S. */
export function backoffDelayS(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_S, 2 ** (failures - FREE_FAILURES));
}

/** The counter's key: the submitted name as the user lookup matches it (case-insensitive). */
export function loginKey(loginName: string): string {
  return loginName.trim().toLowerCase().slice(0, 254);
}

/** pt-BR answer of a locked account name. */
export function lockedMessage(waitS: number): string {
  const when =
    waitS < 60
      ? `${waitS} segundo${waitS === 1 ? '' : 's'}`
      : `${Math.ceil(waitS / 60)} minuto${Math.ceil(waitS / 60) === 1 ? '' : 's'}`;
  return `Muitas tentativas de login malsucedidas para esta conta. Tente novamente em ${when}.`;
}

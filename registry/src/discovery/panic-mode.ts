// Discovery "panic mode" (after Envoy's panic threshold): when the passing set of a service drops from
// non-empty to empty while the instances are still registered (checks critical right after a Consul
// restart, a node's serfHealth critical while servers come and go), keep serving the last good set for a
// bounded time. Instances that were deregistered, or explicitly taken out (maintenance mode, a readiness
// failure reported by the instance itself), leave at once.
import type { Instance } from '../types.js';

/** The note/reason `Registration.setReady(false)` reports to Consul (TTL check note, maintenance reason). */
export const NOT_READY_NOTE = 'not ready';

export interface HealthCheckEntry {
  CheckID?: string;
  Status?: string;
  Output?: string;
}

/** A critical check that says "taken out on purpose": maintenance mode or the instance's own not-ready. */
export function isExplicitlyOut(check: HealthCheckEntry): boolean {
  if (check.Status !== 'critical') return false;
  const id = check.CheckID ?? '';
  if (id.startsWith('_service_maintenance:') || id === '_node_maintenance') return true;
  return (check.Output ?? '').trim() === NOT_READY_NOTE;
}

export interface PanicInput {
  /** Instances whose checks all pass, from this answer. */
  passing: readonly Instance[];
  /**
   * Instances still registered (whatever their checks say) and not explicitly taken out, by ID, from
   * the same answer (the full `/v1/health/service/<name>` list).
   */
  registered: ReadonlyMap<string, Instance>;
  /** What the watch served until now. */
  served: readonly Instance[];
  /** When panic mode started (ms), or null when not in panic mode. */
  panicSince: number | null;
  now: number;
  /** How long an empty passing set may be bridged (ms); 0 disables panic mode. */
  windowMs: number;
  /**
   * False for an answer that may lag behind the catalog: served without a known leader (stale read) or
   * with an index that went backwards. A just-restarted server answers from its last raft snapshot until
   * a leader applied the log — registrations can be missing. Such an answer never empties the set.
   */
  authoritative?: boolean;
}

export type PanicTransition = 'enter' | 'recovered' | 'deregistered' | 'expired';

export interface PanicDecision {
  instances: Instance[];
  panicSince: number | null;
  /** Set when panic mode starts or ends with this decision (log it once). */
  transition?: PanicTransition;
}

/**
 * What to serve given a new answer. A non-empty passing set is always served as is. An empty one is
 * served only when nothing served before is still registered, or the panic window is over; otherwise the
 * previously served instances that are still registered are served (with their current registration
 * data), never an empty set while their registrations exist within the window.
 */
export function decidePanic(input: PanicInput): PanicDecision {
  const { passing, registered, served, panicSince, now, windowMs } = input;
  if (input.authoritative === false && passing.length === 0 && served.length > 0)
    return { instances: [...served], panicSince };
  if (passing.length > 0)
    return {
      instances: [...passing],
      panicSince: null,
      ...(panicSince !== null ? { transition: 'recovered' } : {}),
    };
  const kept = served.flatMap((i) => {
    const current = registered.get(i.id);
    return current ? [current] : [];
  });
  if (kept.length === 0 || windowMs <= 0)
    return {
      instances: [],
      panicSince: null,
      ...(panicSince !== null ? { transition: 'deregistered' } : {}),
    };
  if (panicSince === null) return { instances: kept, panicSince: now, transition: 'enter' };
  if (now - panicSince >= windowMs) return { instances: [], panicSince: null, transition: 'expired' };
  return { instances: kept, panicSince };
}

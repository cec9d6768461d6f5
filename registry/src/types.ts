// Shapes shared by every part of the registry (the public contract other workspaces code against).
import type { Logger } from '@mutiroes/platform';

/** One passing service instance as seen through Consul. */
export interface Instance {
  /** Consul service ID (unique per instance, e.g. `api-2`). */
  id: string;
  service: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  /** Consul node the instance is registered on. */
  node: string;
}

export interface CheckSpec {
  /** HTTP check URL (needs `interval`). */
  http?: string;
  /** TTL check (e.g. `10s`): the registration heartbeats it with jitter. */
  ttl?: string;
  interval?: string;
  timeout?: string;
  /** e.g. `1m`: Consul removes the instance after its check stayed critical that long. */
  deregisterCriticalServiceAfter?: string;
}

export interface RegisterSpec {
  name: string;
  id: string;
  address: string;
  port: number;
  tags?: string[];
  meta?: Record<string, string>;
  check: CheckSpec;
}

export type Strategy = 'p2c' | 'round-robin';

/** Minimal logger surface used by the registry (a winston logger fits). */
export type RegistryLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;

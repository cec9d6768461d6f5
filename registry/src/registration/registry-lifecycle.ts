// Shutdown order for a registered instance: fail readiness → deregister → grace → (service drains).
import type { Lifecycle } from '@mutiroes/platform';
import type { Registration } from './registration.js';

export interface RegistryLifecycleOptions {
  /** Time between deregistering and letting the service stop accepting (ms, default 1500): watchers
   * (gateways) drop the instance within this window and requests already routed still get served. */
  graceMs?: number;
}

/**
 * Hooks `registration` into the platform Lifecycle (priorities: deregister 100, grace 90; the service
 * adds stop accepting 80, drain 50, close connections 10). Call lifecycle.installSignalHandlers() too.
 */
export function registerLifecycle(
  lifecycle: Lifecycle,
  registration: Registration,
  opts: RegistryLifecycleOptions = {},
): Lifecycle {
  const graceMs = opts.graceMs ?? 1_500;
  lifecycle.onShutdown('registry: fail readiness and deregister', 100, async () => {
    await registration.setReady(false);
    await registration.deregister();
  });
  lifecycle.onShutdown('registry: grace period', 90, () => new Promise<void>((r) => setTimeout(r, graceMs)));
  return lifecycle;
}

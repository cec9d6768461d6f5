// HTTP client of the mesh supervisor's control port.
import type { ComponentStatus, ProcessSpec } from './process-spec.js';

export class SupervisorClient {
  constructor(private readonly port: number) {}

  private async call<T>(method: 'GET' | 'POST', p: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.port}${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`supervisor ${p}: ${json.error ?? res.status}`);
    return json;
  }

  async reachable(): Promise<boolean> {
    try {
      await this.call('GET', '/status', undefined, 1000);
      return true;
    } catch {
      return false;
    }
  }

  status(): Promise<ComponentStatus[]> {
    return this.call('GET', '/status');
  }
  startSpec(spec: ProcessSpec): Promise<{ name: string; pid: number }> {
    return this.call('POST', '/start', { spec });
  }
  start(name: string): Promise<{ name: string; pid: number }> {
    return this.call('POST', '/start', { name });
  }
  stop(name: string): Promise<unknown> {
    return this.call('POST', '/stop', { name }, 120_000);
  }
  remove(name: string): Promise<unknown> {
    return this.call('POST', '/remove', { name }, 120_000);
  }
  kill(name: string, signal: string, restart: boolean, restartDelayMs = 1000): Promise<{ pid: number | null }> {
    return this.call('POST', '/kill', { name, signal, restart, restartDelayMs });
  }
  shutdown(): Promise<unknown> {
    return this.call('POST', '/shutdown', {}, 180_000);
  }
}

// Client of the mesh supervisor's control socket (HTTP over a Unix socket of the run folder, mode 0600).
import http from 'node:http';
import type { ComponentStatus } from './process-spec.js';

export class SupervisorClient {
  constructor(readonly socketPath: string) {}

  private call<T>(method: 'GET' | 'POST', p: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          path: p,
          method,
          headers: { 'content-type': 'application/json' },
          timeout: timeoutMs,
        },
        (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => {
            try {
              const json = JSON.parse(data) as T & { error?: string };
              if ((res.statusCode ?? 500) >= 400)
                reject(new Error(`supervisor ${p}: ${json.error ?? res.statusCode}`));
              else resolve(json);
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`supervisor ${p}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
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
  /** Starts (or restarts) a component by name; app instances may get settings (service tuning variables). */
  start(name: string, env?: Record<string, string>): Promise<{ name: string; pid: number }> {
    return this.call('POST', '/start', env ? { name, env } : { name });
  }
  stop(name: string): Promise<unknown> {
    return this.call('POST', '/stop', { name }, 120_000);
  }
  remove(name: string): Promise<unknown> {
    return this.call('POST', '/remove', { name }, 120_000);
  }
  kill(
    name: string,
    signal: string,
    restart: boolean,
    restartDelayMs = 1000,
  ): Promise<{ pid: number | null }> {
    return this.call('POST', '/kill', { name, signal, restart, restartDelayMs });
  }
  shutdown(): Promise<unknown> {
    return this.call('POST', '/shutdown', {}, 180_000);
  }
}

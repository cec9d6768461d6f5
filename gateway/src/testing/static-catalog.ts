// An in-process catalog source for unit tests of the proxy core (integration tests and the bench use real Consul).
import { EventEmitter } from 'node:events';
import type { Catalog, CatalogInstance, CatalogSource } from '../domain/catalog.js';

export class StaticCatalog extends EventEmitter implements CatalogSource {
  private current: Catalog = new Map();

  set(instances: CatalogInstance[]): void {
    const m: Catalog = new Map();
    for (const i of instances) {
      const l = m.get(i.service) ?? [];
      l.push(i);
      m.set(i.service, l);
    }
    this.current = m;
    this.emit('change', m);
  }

  async ready(): Promise<Catalog> {
    return this.current;
  }

  close(): void {
    this.removeAllListeners();
  }
}

export function instance(
  service: string,
  id: string,
  port: number,
  meta: Record<string, string> = { route: '/api' },
): CatalogInstance {
  return { id, service, address: '127.0.0.1', port, tags: [], meta, node: 'local' };
}

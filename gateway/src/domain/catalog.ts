// What the gateway needs from service discovery: passing instances per service, pushed on change.
export interface CatalogInstance {
  id: string;
  service: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  node?: string;
}

export type Catalog = Map<string, CatalogInstance[]>;

/** Source of catalog snapshots (the registry's watchServices()); keeps its last good view on Consul errors. */
export interface CatalogSource {
  on(event: 'change', listener: (catalog: Catalog) => void): unknown;
  /** Resolves with the first complete table. */
  ready?(timeoutMs?: number): Promise<Catalog>;
  close(): unknown;
}

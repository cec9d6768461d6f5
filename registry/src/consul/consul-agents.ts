// The Consul HTTP agents of CONSUL_HTTP_ADDR (comma list, local agent first) with failover between them.
import { EventEmitter } from 'node:events';
import Consul from 'consul';

type Call = (opts: Record<string, unknown>) => Promise<unknown>;

/** The part of the `consul` package client the registry uses (its bundled typings lack `timeout`/`ctx`). */
export interface ConsulClient {
  health: { service: Call };
  catalog: { service: { list: Call } };
  agent: {
    service: { register: Call; deregister: Call; list: Call; maintenance: Call };
    check: { register: Call; deregister: Call; pass: Call; fail: Call };
  };
  session: { create: Call; destroy: Call };
  kv: { get: Call; set: Call };
  status: { leader: Call };
  destroy(): void;
}

/** Parses `127.0.0.1:8500,http://127.0.0.1:8510` into `host:port` strings (order kept, duplicates dropped). */
export function parseConsulAddrs(addr: string | readonly string[]): string[] {
  const parts = (typeof addr === 'string' ? addr.split(',') : [...addr])
    .map((a) =>
      a
        .trim()
        .replace(/^https?:\/\//, '')
        .replace(/\/+$/, ''),
    )
    .filter((a) => a.length > 0);
  const out = [...new Set(parts)];
  if (out.length === 0) throw new Error('CONSUL_HTTP_ADDR is empty: expected a comma list of host:port');
  for (const a of out) {
    if (!/^[^:\s]+:\d+$/.test(a)) throw new Error(`invalid Consul address "${a}" (expected host:port)`);
  }
  return out;
}

/** HTTP status of a Consul response error, if it was one. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { isResponse?: boolean; response?: { statusCode?: number } } | null;
  return e?.response?.statusCode;
}

/**
 * The agent does not hold that service: 404, or, with ACLs enabled, Consul 1.8's 500 "Unknown service"
 * (the ACL check of a deregistration runs first and fails on the missing service).
 */
export function isUnknownService(err: unknown): boolean {
  const status = statusOf(err);
  return status === 404 || (status === 500 && /Unknown service/i.test(String((err as Error)?.message)));
}

/**
 * True when another agent (or a later try) might succeed: connection failures, timeouts, aborts, 5xx, and
 * 403 "ACL not found": right after a full Consul restart a server answers it for every token until its
 * leader has applied the raft log (seen in drill-consul); a really unknown token keeps failing and the
 * callers' deadlines report it.
 */
export function isUnavailable(err: unknown): boolean {
  const status = statusOf(err);
  if (status === 403) return /ACL not found/i.test(String((err as Error)?.message));
  if (status !== undefined) return status >= 500;
  return true;
}

export function isNoLeader(err: unknown): boolean {
  return (
    statusOf(err) === 500 &&
    /no cluster leader|no path to datacenter|rpc error/i.test(String((err as Error)?.message))
  );
}

/** A cancellable request context understood by the `consul` package (papi): emit 'cancel' to abort. */
export class RequestContext extends EventEmitter {
  readonly includeResponse = true;
  canceled = false;
  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.emit('cancel');
  }
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
}

export interface MetaResult<T> {
  body: T | undefined;
  index: string | undefined;
  knownLeader: boolean;
}

/** Calls a `consul` package method with a response-including context; returns body + X-Consul-Index. */
export async function callWithMeta<T>(
  call: (ctx: RequestContext) => Promise<unknown>,
  ctx: RequestContext = new RequestContext(),
): Promise<MetaResult<T>> {
  const out = (await call(ctx)) as [RawResponse, T | undefined];
  const res = out[0];
  const idx = res.headers['x-consul-index'];
  return {
    body: out[1],
    index: Array.isArray(idx) ? idx[0] : idx,
    knownLeader: res.headers['x-consul-knownleader'] !== 'false',
  };
}

export class ConsulAgents {
  readonly addrs: readonly string[];
  private readonly clients: ConsulClient[];
  private current = 0;

  /**
   * `token`: the ACL token sent with every call (X-Consul-Token); default the process's CONSUL_HTTP_TOKEN,
   * Consul's own variable. The mesh runs ACLs default-deny: without a token nothing is visible.
   */
  constructor(
    addr: string | readonly string[],
    readonly requestTimeoutMs = 3000,
    token: string | undefined = process.env['CONSUL_HTTP_TOKEN'],
  ) {
    this.addrs = parseConsulAddrs(addr);
    const defaults = token ? { defaults: { token } } : {};
    this.clients = this.addrs.map((a) => {
      const i = a.lastIndexOf(':');
      return new Consul({
        host: a.slice(0, i),
        port: Number(a.slice(i + 1)),
        ...defaults,
      }) as unknown as ConsulClient;
    });
  }

  get size(): number {
    return this.clients.length;
  }

  client(i: number): ConsulClient {
    return this.clients[((i % this.size) + this.size) % this.size]!;
  }

  /** Index of the agent that answered last (reads start there). */
  get currentIndex(): number {
    return this.current;
  }

  /**
   * Runs `fn` against the agents, starting with the one that answered last and moving on when an agent
   * is unavailable; 4xx errors are the answer and are thrown at once.
   */
  async any<T>(fn: (client: ConsulClient, index: number) => Promise<T>): Promise<T> {
    let lastErr: unknown;
    for (let k = 0; k < this.size; k++) {
      const i = (this.current + k) % this.size;
      try {
        const r = await fn(this.clients[i]!, i);
        this.current = i;
        return r;
      } catch (e) {
        lastErr = e;
        if (!isUnavailable(e)) throw e;
      }
    }
    throw lastErr;
  }

  destroy(): void {
    for (const c of this.clients) c.destroy();
  }
}

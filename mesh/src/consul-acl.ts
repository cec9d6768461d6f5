// Consul ACLs of the mesh (default deny): bootstraps the ACL system once, keeps the management token in the
// run folder's secrets, and upserts one policy + one token per service kind with the least it needs.
// Reusable per host: it only needs the HTTP addresses of the agents and the token store.
import { randomBytes, randomUUID } from 'node:crypto';

/** Kinds that get a token of their own. `agent` is the token each Consul agent uses for its own node. */
export const CONSUL_TOKEN_KINDS = [
  'api',
  'worker',
  'beat',
  'gateway',
  'web',
  'patroni',
  'redis-sentinel',
  'agent',
] as const;
export type ConsulTokenKind = (typeof CONSUL_TOKEN_KINDS)[number];

export interface ConsulSecrets {
  /** Gossip encryption key (`encrypt`), 32 random bytes, base64. */
  gossipKey: string;
  /** SecretID of the bootstrap (management) token: the operator's token (launcher, drills, tests, UI). */
  managementToken?: string;
  /** SecretID of each kind's token (generated here, created in Consul with that SecretID). */
  tokens: Record<string, string>;
}

export function newConsulSecrets(): ConsulSecrets {
  return {
    gossipKey: randomBytes(32).toString('base64'),
    tokens: Object.fromEntries(CONSUL_TOKEN_KINDS.map((k) => [k, randomUUID()])),
  };
}

/** Adds what an older secrets file lacks (new kinds); true when something was added. */
export function completeConsulSecrets(s: ConsulSecrets): boolean {
  let changed = false;
  for (const k of CONSUL_TOKEN_KINDS) {
    if (!s.tokens[k]) {
      s.tokens[k] = randomUUID();
      changed = true;
    }
  }
  return changed;
}

const READ_CATALOG = `service_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\n`;
const SESSIONS = `session_prefix "" { policy = "write" }\n`;
const writeService = (name: string) => `service "${name}" { policy = "write" }\n`;

export interface PolicyOptions {
  /** Patroni scope (service name and KV prefix `service/<scope>/`). */
  pgScope?: string;
  /** KV prefix of the beat's leader lock. */
  beatLockPrefix?: string;
}

/**
 * The rules (Consul 1.8 HCL) of each kind: write its own service name, read the catalog (it discovers the
 * others through it), and its own KV/session prefix where it holds a lock. Nothing else.
 */
export function policyRules(kind: ConsulTokenKind, opts: PolicyOptions = {}): string {
  const scope = opts.pgScope ?? 'pgha';
  switch (kind) {
    case 'api':
    case 'worker':
    case 'gateway':
    case 'web':
      return writeService(kind) + READ_CATALOG;
    case 'beat':
      // The leader lock registers a `leader-lock` service whose TTL check its session is tied to.
      return (
        writeService('beat') +
        writeService('leader-lock') +
        READ_CATALOG +
        `key_prefix "${opts.beatLockPrefix ?? 'mutiroes/beat/'}" { policy = "write" }\n` +
        SESSIONS
      );
    case 'patroni':
      return (
        writeService(scope) +
        READ_CATALOG +
        `key_prefix "service/${scope}/" { policy = "write" }\n` +
        SESSIONS +
        // Patroni reads the agent's config (session_ttl_min) through /v1/agent/self.
        `agent_prefix "" { policy = "read" }\n`
      );
    case 'redis-sentinel':
      return writeService('redis-sentinel') + READ_CATALOG;
    case 'agent':
      return `node_prefix "" { policy = "write" }\nservice_prefix "" { policy = "read" }\n`;
  }
}

export interface AclStore {
  secrets(): ConsulSecrets;
  /** Persists the management token (0600) as soon as the bootstrap returned it. */
  saveManagementToken(token: string): void;
}

type Log = (line: string) => void;

class ConsulHttp {
  constructor(
    readonly base: string,
    private token?: string,
  ) {}
  withToken(token: string): ConsulHttp {
    return new ConsulHttp(this.base, token);
  }
  async call<T>(
    method: string,
    p: string,
    body?: unknown,
    token = this.token,
  ): Promise<{ status: number; body: T | string }> {
    const res = await fetch(`${this.base}${p}`, {
      method,
      headers: token ? { 'x-consul-token': token } : {},
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    let parsed: T | string = text;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      /* plain text */
    }
    return { status: res.status, body: parsed };
  }
  async ok<T>(method: string, p: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, p, body);
    if (r.status !== 200)
      throw new Error(`consul ${method} ${p}: ${r.status} ${String(r.body).slice(0, 300)}`);
    return r.body as T;
  }
}

/**
 * Bootstraps (once) and converges the ACLs through the first agent of `agents` (HTTP base URLs): policies and
 * tokens per kind, then every agent's own agent token (persisted by the agents: enable_token_persistence).
 * Idempotent: a second run only updates rules that changed.
 */
export async function ensureConsulAcl(
  agents: readonly string[],
  store: AclStore,
  opts: PolicyOptions & { log?: Log } = {},
): Promise<void> {
  const log = opts.log ?? (() => {});
  const first = new ConsulHttp(agents[0]!);
  let management = store.secrets().managementToken;
  if (!management) {
    const r = await first.call<{ SecretID: string }>('PUT', '/v1/acl/bootstrap');
    if (r.status !== 200 || typeof r.body === 'string') {
      throw new Error(
        `Consul ACL bootstrap refused (${r.status} ${String(r.body).trim()}) and the run folder holds no management token: ` +
          'the ACL system was bootstrapped by someone else. Take the mesh down and remove its consul data, or see ' +
          'https://developer.hashicorp.com/consul/docs/security/acl/acl-troubleshoot (bootstrap reset).',
      );
    }
    management = r.body.SecretID;
    store.saveManagementToken(management);
    log('consul ACLs bootstrapped; management token kept in the run folder secrets (0600)');
  }
  const admin = first.withToken(management);
  const self = await admin.call('GET', '/v1/acl/token/self');
  if (self.status !== 200)
    throw new Error(
      `the management token of the run folder is not valid in Consul (${self.status} ${String(self.body)})`,
    );

  const policies = await admin.ok<{ ID: string; Name: string }[]>('GET', '/v1/acl/policies');
  const secrets = store.secrets();
  for (const kind of CONSUL_TOKEN_KINDS) {
    const name = `mutiroes-${kind}`;
    const rules = policyRules(kind, opts);
    const existing = policies.find((p) => p.Name === name);
    let policyId: string;
    if (existing) {
      const full = await admin.ok<{ Rules: string }>('GET', `/v1/acl/policy/${existing.ID}`);
      if (full.Rules !== rules)
        await admin.ok('PUT', `/v1/acl/policy/${existing.ID}`, {
          ID: existing.ID,
          Name: name,
          Rules: rules,
          Description: `least privilege of ${kind}`,
        });
      policyId = existing.ID;
    } else {
      policyId = (
        await admin.ok<{ ID: string }>('PUT', '/v1/acl/policy', {
          Name: name,
          Rules: rules,
          Description: `least privilege of ${kind}`,
        })
      ).ID;
    }
    const secret = secrets.tokens[kind]!;
    const found = await admin.call<{ AccessorID: string; Policies?: { ID: string }[] }>(
      'GET',
      '/v1/acl/token/self',
      undefined,
      secret,
    );
    if (found.status === 200 && typeof found.body !== 'string') {
      const linked = found.body.Policies?.map((p) => p.ID) ?? [];
      if (linked.length !== 1 || linked[0] !== policyId) {
        await admin.ok('PUT', `/v1/acl/token/${found.body.AccessorID}`, {
          AccessorID: found.body.AccessorID,
          Description: `mutiroes ${kind}`,
          Policies: [{ ID: policyId }],
        });
      }
    } else {
      await admin.ok('PUT', '/v1/acl/token', {
        SecretID: secret,
        Description: `mutiroes ${kind}`,
        Policies: [{ ID: policyId }],
      });
    }
  }
  // Each agent syncs its node and checks with the agent token; persisted in its data dir.
  for (const base of agents) {
    await new ConsulHttp(base, management).ok('PUT', '/v1/agent/token/agent', {
      Token: secrets.tokens['agent'],
    });
  }
}

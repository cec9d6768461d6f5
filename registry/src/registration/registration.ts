// One registered service instance: lives on the first reachable agent, heartbeats its TTL check,
// re-registers after an agent lost it (anti-entropy) and moves to the next agent when its agent dies.
import type { RegisterSpec, RegistryLogger } from '../types.js';
import { ConsulAgents, type ConsulClient, isUnavailable, isUnknownService } from '../consul/consul-agents.js';
import { Backoff, jitter, parseDuration } from '../discovery/backoff.js';

export interface RegistrationOptions {
  /** How often the agent holding the registration is verified (ms, jittered ±10%). Default 3000. */
  antiEntropyMs?: number;
  /** How long register() keeps trying while no agent is reachable (ms, default 15000; backoff between). */
  startTimeoutMs?: number;
}

export class Registration {
  readonly id: string;
  readonly checkId: string;
  private readyFlag = true;
  private home = -1;
  /** Agents that may still hold a copy of the registration (cleaned up when reachable). */
  private readonly touched = new Set<number>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;
  private readonly ttlMs: number | null;
  /** Last reason an agent was unusable (reported when registration gives up, e.g. an unknown ACL token). */
  private lastError: string | undefined;

  constructor(
    private readonly agents: ConsulAgents,
    readonly spec: RegisterSpec,
    private readonly log: RegistryLogger,
    private readonly opts: RegistrationOptions = {},
  ) {
    validateSpec(spec);
    this.id = spec.id;
    this.checkId = `service:${spec.id}`;
    this.ttlMs = spec.check.ttl ? parseDuration(spec.check.ttl) : null;
  }

  /** The readiness flag: an HTTP health endpoint should answer 503 while this is false. */
  get ready(): boolean {
    return this.readyFlag;
  }

  /** Address of the agent currently holding the registration (undefined before start / while lost). */
  get agentAddr(): string | undefined {
    return this.home >= 0 ? this.agents.addrs[this.home] : undefined;
  }

  /** Registers on the first reachable agent (in CONSUL_HTTP_ADDR order); throws if none is reachable. */
  async start(): Promise<this> {
    await this.refuseLiveDuplicate();
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 15_000);
    const backoff = new Backoff({ baseMs: 200, maxMs: 2_000 });
    for (;;) {
      await this.sync(true);
      if (this.home >= 0) break;
      if (Date.now() >= deadline) {
        throw new Error(
          `could not register ${this.id}: no Consul agent reachable (${this.agents.addrs.join(', ')})` +
            (this.lastError ? `; last error: ${this.lastError}` : ''),
        );
      }
      this.log.warn('no consul agent reachable yet, retrying registration', { id: this.id });
      await new Promise((r) => setTimeout(r, Math.min(backoff.next(), Math.max(0, deadline - Date.now()))));
    }
    this.scheduleSync();
    if (this.ttlMs !== null) this.scheduleHeartbeat(0);
    return this;
  }

  /**
   * Refuses to take over the entry of a live instance: a passing instance with our id at another address
   * belongs to another process (taking it over would deregister it on our exit). The same address and port
   * is this instance's own previous run (we hold the port now), so it is taken back. When no agent answers
   * the check is left to the registration loop (which waits for one).
   */
  private async refuseLiveDuplicate(): Promise<void> {
    let entries: { Service: { ID: string; Address: string; Port: number } }[];
    try {
      entries = (await this.agents.any((c) =>
        c.health.service({ service: this.spec.name, passing: true, timeout: this.agents.requestTimeoutMs }),
      )) as typeof entries;
    } catch (e) {
      if (isUnavailable(e)) return;
      throw e;
    }
    const holder = entries.find(
      (e) =>
        e.Service.ID === this.id &&
        (e.Service.Address !== this.spec.address || e.Service.Port !== this.spec.port),
    );
    if (holder) {
      throw new Error(
        `instance id ${this.id} is held by a live instance at ${holder.Service.Address}:${holder.Service.Port} ` +
          `(passing in Consul): refusing to start a second ${this.spec.name} with that id; stop it or choose another INSTANCE_ID`,
      );
    }
  }

  /**
   * Sets readiness. TTL check: passes/fails the check at once. HTTP check: toggles Consul maintenance
   * mode (the instance leaves the passing set immediately) and the flag the health endpoint reads.
   */
  async setReady(ok: boolean): Promise<void> {
    this.readyFlag = ok;
    if (this.home < 0 || this.stopped) return;
    try {
      await this.applyReadiness(this.agents.client(this.home));
    } catch (e) {
      this.log.warn('could not report readiness to consul', {
        id: this.id,
        ready: ok,
        error: (e as Error).message,
      });
    }
  }

  /** Removes the instance from every agent that may hold it and stops heartbeats. */
  async deregister(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    await this.syncing?.catch(() => undefined);
    const targets = new Set([...this.touched, ...(this.home >= 0 ? [this.home] : [])]);
    await Promise.all(
      [...targets].map(async (i) => {
        try {
          await this.agents
            .client(i)
            .agent.service.deregister({ id: this.id, timeout: this.agents.requestTimeoutMs });
        } catch (e) {
          if (!isUnknownService(e))
            this.log.warn('deregister failed on an agent', {
              id: this.id,
              agent: this.agents.addrs[i],
              error: (e as Error).message,
            });
        }
      }),
    );
    this.log.info('deregistered from consul', { id: this.id, service: this.spec.name });
    this.home = -1;
  }

  private async applyReadiness(client: ConsulClient): Promise<void> {
    const timeout = this.agents.requestTimeoutMs;
    if (this.ttlMs !== null) {
      if (this.readyFlag) await client.agent.check.pass({ id: this.checkId, timeout });
      else await client.agent.check.fail({ id: this.checkId, note: 'not ready', timeout });
    }
    if (this.spec.check.http || this.ttlMs === null) {
      await client.agent.service.maintenance({
        id: this.id,
        enable: !this.readyFlag,
        reason: 'not ready',
        timeout,
      });
    }
  }

  private registrationBody(): Record<string, unknown> {
    const c = this.spec.check;
    const check: Record<string, unknown> = { checkid: this.checkId, name: `${this.spec.name} health` };
    if (c.http) {
      check['http'] = c.http;
      check['interval'] = c.interval ?? '2s';
      check['timeout'] = c.timeout ?? '1s';
    } else {
      check['ttl'] = c.ttl;
      check['status'] = this.readyFlag ? 'passing' : 'critical';
    }
    if (c.deregisterCriticalServiceAfter)
      check['deregistercriticalserviceafter'] = c.deregisterCriticalServiceAfter;
    return {
      id: this.id,
      name: this.spec.name,
      address: this.spec.address,
      port: this.spec.port,
      tags: this.spec.tags ?? [],
      meta: this.spec.meta ?? {},
      check,
      timeout: this.agents.requestTimeoutMs,
    };
  }

  private async registerOn(i: number): Promise<void> {
    const client = this.agents.client(i);
    await client.agent.service.register(this.registrationBody());
    this.touched.add(i);
    if (!this.readyFlag || this.spec.check.http) await this.applyReadiness(client);
  }

  /** Verifies the registration (anti-entropy); serialised, so heartbeats and the timer never race. */
  private sync(initial = false): Promise<void> {
    this.syncing ??= this.doSync(initial).finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async doSync(initial: boolean): Promise<void> {
    const timeout = this.agents.requestTimeoutMs;
    let newHome = -1;
    const leaderless: number[] = []; // reachable agents that know no leader: used only when no better one exists
    for (let i = 0; i < this.agents.size && !this.stopped; i++) {
      const client = this.agents.client(i);
      try {
        // An agent that does not know a leader cannot sync the registration to the catalog: prefer others.
        const leader = (await client.status.leader({ timeout })) as unknown as string;
        if (!leader) {
          leaderless.push(i);
          continue;
        }
        await this.ensureOn(i, initial);
        newHome = i;
        break;
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        this.lastError = (e as Error).message;
        this.log.debug('consul agent unusable for registration', {
          id: this.id,
          agent: this.agents.addrs[i],
          error: (e as Error).message,
        });
      }
    }
    if (newHome < 0 && leaderless.length > 0 && !this.stopped) {
      // Cluster without a leader (election, or every server restarting): stay on a live agent so the
      // TTL check keeps being heartbeated; it syncs to the catalog once a leader exists.
      const keep = leaderless.includes(this.home) ? this.home : leaderless[0]!;
      try {
        await this.ensureOn(keep, initial);
        this.home = keep;
      } catch (e) {
        if (!isUnavailable(e)) throw e;
        this.home = -1;
      }
      return;
    }
    if (this.stopped) return;
    if (newHome !== this.home && newHome >= 0 && this.home >= 0) {
      this.log.warn('registration moved to another consul agent', {
        id: this.id,
        from: this.agents.addrs[this.home],
        to: this.agents.addrs[newHome],
      });
    }
    if (newHome < 0 && this.home >= 0)
      this.log.error('no consul agent reachable for registration', { id: this.id });
    this.home = newHome;
    if (newHome < 0) return;
    // Copies on other agents (left behind by a failover, restored from an agent's data dir) go away.
    for (const i of [...this.touched]) {
      if (i === newHome) continue;
      try {
        await this.agents.client(i).agent.service.deregister({ id: this.id, timeout });
        this.touched.delete(i);
      } catch (e) {
        if (isUnknownService(e)) this.touched.delete(i);
      }
    }
  }

  private async ensureOn(i: number, initial: boolean): Promise<void> {
    const services = (await this.agents
      .client(i)
      .agent.service.list({ timeout: this.agents.requestTimeoutMs })) as Record<string, unknown>;
    if (!services[this.id]) {
      await this.registerOn(i);
      if (initial)
        this.log.info('registered in consul', {
          id: this.id,
          service: this.spec.name,
          agent: this.agents.addrs[i],
        });
      else
        this.log.warn('registration missing on agent, re-registered', {
          id: this.id,
          agent: this.agents.addrs[i],
        });
    }
    this.touched.add(i);
  }

  private scheduleSync(): void {
    if (this.stopped) return;
    this.syncTimer = setTimeout(
      () => {
        void this.sync()
          .catch((e) =>
            this.log.error('consul registration sync failed', { id: this.id, error: (e as Error).message }),
          )
          .finally(() => this.scheduleSync());
      },
      jitter(this.opts.antiEntropyMs ?? 3_000),
    );
    this.syncTimer.unref();
  }

  private scheduleHeartbeat(delayMs: number): void {
    if (this.stopped || this.ttlMs === null) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), delayMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    const period = jitter(this.ttlMs! / 3);
    try {
      if (this.home < 0) throw new Error('not registered on any agent');
      const client = this.agents.client(this.home);
      const timeout = this.agents.requestTimeoutMs;
      if (this.readyFlag) await client.agent.check.pass({ id: this.checkId, timeout });
      else await client.agent.check.fail({ id: this.checkId, note: 'not ready', timeout });
    } catch (e) {
      if (this.stopped) return;
      // Unknown check (agent restarted without it) or agent gone: re-register now, then beat again soon.
      this.log.warn('ttl heartbeat failed, re-syncing registration', {
        id: this.id,
        error: (e as Error).message,
      });
      await this.sync().catch(() => undefined);
      this.scheduleHeartbeat(Math.min(period, this.home >= 0 ? 200 : 500));
      return;
    }
    this.scheduleHeartbeat(period);
  }
}

function validateSpec(spec: RegisterSpec): void {
  const problems: string[] = [];
  if (!spec.name) problems.push('name is required');
  if (!spec.id) problems.push('id is required');
  if (!spec.address) problems.push('address is required');
  if (!Number.isInteger(spec.port) || spec.port <= 0 || spec.port > 65535)
    problems.push('port must be 1..65535');
  const c = spec.check ?? {};
  if (!c.http && !c.ttl) problems.push('check needs http (with interval) or ttl');
  if (c.http && c.ttl) problems.push('check takes http or ttl, not both');
  for (const k of ['ttl', 'interval', 'timeout', 'deregisterCriticalServiceAfter'] as const) {
    if (c[k] !== undefined) {
      try {
        parseDuration(c[k]!);
      } catch {
        problems.push(`check.${k} "${c[k]}" is not a duration`);
      }
    }
  }
  if (problems.length) throw new Error(`invalid registration: ${problems.join('; ')}`);
}

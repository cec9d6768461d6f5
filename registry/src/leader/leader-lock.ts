// Leader election with a Consul session lock tied to a short TTL check (plus serfHealth) that the holder
// heartbeats. The holder steps down on its own clock before Consul could hand the lock to anyone else.
import { EventEmitter } from 'node:events';
import type { RegistryLogger } from '../types.js';
import { ConsulAgents, RequestContext, callWithMeta, type ConsulClient } from '../consul/consul-agents.js';
import { Backoff, jitter, parseDuration } from '../discovery/backoff.js';
import { nextIndex } from '../discovery/blocking-index.js';

export interface LeaderLockOptions {
  /** TTL of the check the session is tied to (default `3s`). */
  ttl?: string;
  /** Consul lock-delay after the session is invalidated (default `1s`; Consul's own default is 15 s). */
  lockDelay?: string;
  /** Identity written as the key's value (default: a random id). */
  holder?: string;
  /** Margin kept between our own deadline and the earliest moment Consul could release the lock (ms). */
  safetyMarginMs?: number;
}

interface KvEntry {
  Session?: string;
  Value?: string | null;
  ModifyIndex?: number;
}

/**
 * Events: 'gained' (), 'lost' (reason: string). `isLeader` is computed from the local deadline, so it is
 * false as soon as the heartbeat could have lapsed even if no timer fired yet (event-loop stalls).
 *
 * Validity: after a heartbeat sent at P that passed and a consistent read sent at R that showed our
 * session holding the key, we stay leader until min(P + ttl, R + lockDelay) − margin. Another contender
 * can only acquire after our check went critical (≥ P + ttl) or our session was invalidated after R and
 * the lock-delay elapsed (≥ R + lockDelay).
 */
export class LeaderLock extends EventEmitter {
  readonly key: string;
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly lockDelayMs: number;
  private readonly marginMs: number;
  private readonly beatMs: number;
  private agent = -1;
  private session: string | null = null;
  private readonly serviceId: string;
  private readonly checkId: string;
  /** Agents our lock service was registered on (copies left after moving agents are removed). */
  private readonly touched = new Set<number>();
  private leading = false;
  private validUntil = 0;
  private running = false;
  private beatTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private ctx: RequestContext | null = null;
  private index = 0;
  private wake: (() => void) | null = null;
  private loopDone: Promise<void> | null = null;
  private readonly backoff = new Backoff({ baseMs: 200, maxMs: 2_000 });
  /** Last time a heartbeat + ownership check confirmed the session (ms since epoch). */
  private lastPassSent = 0;

  constructor(
    private readonly agents: ConsulAgents,
    key: string,
    private readonly log: RegistryLogger,
    opts: LeaderLockOptions = {},
  ) {
    super();
    this.key = key.replace(/^\/+/, '');
    this.holder = opts.holder ?? `holder-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.ttlMs = parseDuration(opts.ttl ?? '3s');
    this.lockDelayMs = parseDuration(opts.lockDelay ?? '1s');
    this.marginMs = opts.safetyMarginMs ?? 150;
    if (this.ttlMs < 1_000) throw new Error(`leader lock ttl must be at least 1s (got ${opts.ttl})`);
    if (this.lockDelayMs < 300) {
      throw new Error(
        `leader lock lockDelay must be at least 300ms (got ${opts.lockDelay}): it bounds how long a holder may trust its last confirmation`,
      );
    }
    // Beat often enough that both bounds (ttl and lock-delay) are renewed well before they lapse.
    this.beatMs = Math.max(100, Math.min(this.ttlMs / 3, this.lockDelayMs / 2));
    // The TTL check belongs to a small service of its own: a node-level check would, when critical,
    // fail every service on that agent. Port 0 keeps it out of discovery results and routing tables.
    this.serviceId = `leader-${this.key}-${this.holder}`.replace(/[^A-Za-z0-9_.-]/g, '-');
    this.checkId = `${this.serviceId}:ttl`;
  }

  get isLeader(): boolean {
    return this.leading && Date.now() < this.validUntil;
  }

  /** The session id while one exists (for diagnostics). */
  get sessionId(): string | null {
    return this.session;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loopDone = this.run();
    return this;
  }

  /** Gives up leadership (releases the key), destroys the session and its check. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ctx?.cancel();
    this.wake?.();
    if (this.beatTimer) clearTimeout(this.beatTimer);
    await this.loopDone?.catch(() => undefined);
    if (this.leading) this.stepDown('stopped');
    await this.dropSession(true);
  }

  private client(): ConsulClient {
    return this.agents.client(this.agent);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let keyFree = true;
    while (this.running) {
      try {
        if (!this.session) {
          await this.createSession();
          keyFree = true;
        }
        if (!this.leading) {
          if (keyFree) {
            if (Date.now() < this.lastPassSent + this.ttlMs - this.marginMs) {
              const acquireSent = Date.now();
              const acquired = (await this.client().kv.set({
                key: this.key,
                value: this.holder,
                acquire: this.session!,
                timeout: this.agents.requestTimeoutMs,
              })) as unknown as boolean;
              if (acquired && this.running) {
                this.lastConfirmSent = acquireSent;
                this.gain();
                continue;
              }
            }
            // Lock-delay still running or just taken: look again shortly, without blocking.
            await this.sleep(Math.min(100, Math.max(50, this.lockDelayMs / 10)));
            keyFree = !(await this.waitForKey(false))?.Session;
          } else {
            keyFree = !(await this.waitForKey(true))?.Session;
          }
        } else {
          const entry = await this.waitForKey(true);
          if (this.leading && entry?.Session !== this.session)
            this.stepDown('lock no longer held by our session');
          keyFree = !entry?.Session;
        }
        this.backoff.reset();
      } catch (e) {
        if (!this.running) return;
        if ((e as { isAbort?: boolean }).isAbort) {
          keyFree = true;
          continue;
        }
        const msg = (e as Error).message;
        this.log.warn('leader lock loop error', { key: this.key, error: msg });
        if (/invalid session|session .* not found|no consul agent/i.test(msg)) await this.dropSession(false);
        await this.sleep(this.backoff.next());
      }
    }
  }

  private validUntilIfLeader(): number {
    return Math.min(this.lastPassSent + this.ttlMs, this.lastConfirmSent + this.lockDelayMs);
  }

  private lastConfirmSent = 0;

  /** Blocking read of the lock key (returns on change or after the wait). */
  private async waitForKey(block: boolean): Promise<KvEntry | undefined> {
    const ctx = new RequestContext();
    this.ctx = ctx;
    const waitS = Math.max(1, Math.round(this.ttlMs / 1000) * 3);
    const timer = setTimeout(() => ctx.cancel(), waitS * 1000 * 1.25 + 3000);
    timer.unref();
    try {
      const res = await callWithMeta<KvEntry>(
        (c) =>
          this.client().kv.get({
            key: this.key,
            ...(block && this.index > 0 ? { index: String(this.index), wait: `${waitS}s` } : {}),
            ctx: c,
          }),
        ctx,
      );
      this.index = nextIndex(this.index, res.index);
      return res.body;
    } finally {
      clearTimeout(timer);
    }
  }

  private async createSession(): Promise<void> {
    const timeout = this.agents.requestTimeoutMs;
    let lastErr: unknown = new Error('no consul agent reachable');
    for (let k = 0; k < this.agents.size; k++) {
      const i = (Math.max(0, this.agent) + k) % this.agents.size;
      const client = this.agents.client(i);
      try {
        await client.agent.service.register({
          id: this.serviceId,
          name: 'leader-lock',
          meta: { key: this.key, holder: this.holder },
          check: {
            checkid: this.checkId,
            name: `leader lock ${this.key} (${this.holder})`,
            ttl: `${this.ttlMs}ms`,
            status: 'passing',
            // Left behind by a killed holder: Consul reaps it (its minimum is 1 minute).
            deregistercriticalserviceafter: '1m',
          },
          timeout,
        });
        this.touched.add(i);
        const sent = Date.now();
        await client.agent.check.pass({ id: this.checkId, timeout });
        // The check must be known to the servers before a session can reference it.
        let created: { ID: string } | undefined;
        for (let attempt = 0; attempt < 10 && !created; attempt++) {
          try {
            created = (await client.session.create({
              name: `leader:${this.key}`,
              checks: ['serfHealth', this.checkId],
              lockdelay: `${this.lockDelayMs}ms`,
              behavior: 'release',
              timeout,
            })) as unknown as { ID: string };
          } catch (e) {
            if (!/check|critical/i.test((e as Error).message) || attempt === 9) throw e;
            await this.sleep(100);
          }
        }
        this.agent = i;
        this.session = created!.ID;
        this.index = 0;
        this.lastPassSent = sent;
        this.log.info('leader lock session created', {
          key: this.key,
          holder: this.holder,
          session: this.session,
          agent: this.agents.addrs[i],
        });
        this.scheduleBeat(this.beatMs);
        void this.removeCopies(i);
        return;
      } catch (e) {
        lastErr = e;
        this.log.debug('could not create leader session on agent', {
          agent: this.agents.addrs[i],
          error: (e as Error).message,
        });
      }
    }
    throw lastErr;
  }

  private async removeCopies(except: number): Promise<void> {
    for (const j of [...this.touched]) {
      if (j === except) continue;
      try {
        await this.agents
          .client(j)
          .agent.service.deregister({ id: this.serviceId, timeout: this.agents.requestTimeoutMs });
        this.touched.delete(j);
      } catch {
        // unreachable now; Consul reaps it after a minute critical
      }
    }
  }

  private async dropSession(graceful: boolean): Promise<void> {
    if (this.beatTimer) clearTimeout(this.beatTimer);
    const sid = this.session;
    this.session = null;
    if (this.leading) this.stepDown('session dropped');
    if (!sid || this.agent < 0) return;
    const client = this.client();
    const timeout = this.agents.requestTimeoutMs;
    if (graceful)
      await client.kv
        .set({ key: this.key, value: this.holder, release: sid, timeout })
        .catch(() => undefined);
    await client.session.destroy({ id: sid, timeout }).catch(() => undefined);
    await client.agent.service.deregister({ id: this.serviceId, timeout }).then(
      () => this.touched.delete(this.agent),
      () => undefined,
    );
    if (graceful) await this.removeCopies(-1);
  }

  private scheduleBeat(ms: number): void {
    if (!this.running) return;
    if (this.beatTimer) clearTimeout(this.beatTimer);
    this.beatTimer = setTimeout(() => void this.beat(), jitter(ms));
    this.beatTimer.unref();
  }

  /** Heartbeat: pass the TTL check, then confirm ownership with a consistent read. */
  private async beat(): Promise<void> {
    const sid = this.session;
    if (!sid || !this.running) return;
    const timeout = Math.min(this.agents.requestTimeoutMs, this.beatMs * 2);
    const client = this.client();
    try {
      const passSent = Date.now();
      await client.agent.check.pass({ id: this.checkId, timeout });
      if (this.session !== sid) return;
      this.lastPassSent = passSent;
      const confirmSent = Date.now();
      const entry = (await client.kv.get({ key: this.key, consistent: true, timeout })) as unknown as
        KvEntry | undefined;
      if (this.session !== sid) return;
      this.lastConfirmSent = confirmSent;
      if (this.leading) {
        if (entry?.Session !== sid) this.stepDown('lock no longer held by our session');
        else this.extend();
      }
    } catch (e) {
      if (this.session !== sid) return;
      this.log.warn('leader heartbeat failed', { key: this.key, error: (e as Error).message });
      // Check gone (agent restarted) or agent dead: once our own deadline passed, start over elsewhere.
      if (Date.now() >= this.lastPassSent + this.ttlMs) {
        await this.dropSession(false);
        this.agent = (this.agent + 1) % this.agents.size;
        this.wake?.();
        this.ctx?.cancel();
        return;
      }
    }
    this.scheduleBeat(this.beatMs);
  }

  private gain(): void {
    if (Date.now() >= this.validUntilIfLeader() - this.marginMs) return; // already too old to lead safely
    this.leading = true;
    this.extend();
    this.log.info('leadership gained', { key: this.key, holder: this.holder });
    this.emit('gained');
  }

  private extend(): void {
    this.validUntil = this.validUntilIfLeader() - this.marginMs;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    const ms = this.validUntil - Date.now();
    if (ms <= 0) {
      this.stepDown('heartbeat deadline passed');
      return;
    }
    this.deadlineTimer = setTimeout(() => {
      if (this.leading && Date.now() >= this.validUntil) this.stepDown('heartbeat not confirmed within ttl');
    }, ms);
    this.deadlineTimer.unref();
  }

  private stepDown(reason: string): void {
    if (!this.leading) return;
    this.leading = false;
    this.validUntil = 0;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.log.warn('leadership lost', { key: this.key, holder: this.holder, reason });
    this.emit('lost', reason);
    // Wake the loop so it tries to (re)acquire at once if the session is still good.
    this.ctx?.cancel();
  }
}

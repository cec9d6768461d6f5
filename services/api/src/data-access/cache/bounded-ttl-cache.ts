// The hot cache's store: at most `maxKeys` entries (least recently used evicted first), each with a TTL, and an
// index of `a:b:` prefixes so that dropping a key and its `key:` children costs its subtree, not a scan of all keys.

interface Entry {
  value: unknown;
  expiresAt: number;
}

export class BoundedTtlCache {
  /** Map order is recency: a hit moves the entry to the end; the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  /** prefix (`events:list`) → keys strictly below it (`events:list:page:1`). */
  private readonly below = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(private readonly maxKeys: number) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new Error('maxKeys must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get<T>(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e || e.expiresAt <= now) {
      if (e) this.remove(key);
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    this.hits++;
    return e.value as T;
  }

  set(key: string, value: unknown, ttlMs: number, now = Date.now()): void {
    if (this.entries.has(key)) this.remove(key);
    while (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest);
      this.evictions++;
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs });
    for (const p of ancestors(key)) {
      let s = this.below.get(p);
      if (!s) this.below.set(p, (s = new Set()));
      s.add(key);
    }
  }

  /** Drops `key` and every `key:…` entry. */
  deleteTree(key: string): void {
    this.remove(key);
    const children = this.below.get(key);
    if (children) for (const k of [...children]) this.remove(k);
  }

  clear(): void {
    this.entries.clear();
    this.below.clear();
  }

  private remove(key: string): void {
    if (!this.entries.delete(key)) return;
    for (const p of ancestors(key)) {
      const s = this.below.get(p);
      if (!s) continue;
      s.delete(key);
      if (s.size === 0) this.below.delete(p);
    }
  }
}

/** `a:b:c` → `a`, `a:b` (proper prefixes at `:` boundaries). */
function ancestors(key: string): string[] {
  const out: string[] = [];
  for (let i = key.indexOf(':'); i >= 0; i = key.indexOf(':', i + 1)) out.push(key.slice(0, i));
  return out;
}

// Password hashing with scrypt (node:crypto, no extra dependency), self-describing format, constant-time check.
// Cost: OWASP Password Storage Cheat Sheet (2025): N=2^17, r=8, p=1 — 128 MiB per derivation, so at most
// MAX_CONCURRENT run at once per process (memory bound); older hashes are upgraded on the next login (needsRehash).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const MAX_CONCURRENT = 2;
let running = 0;
const queue: Array<() => void> = [];

async function scrypt(pw: string, salt: Buffer, len: number, opts: ScryptOptions): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      scryptCb(pw.normalize('NFKC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    running--;
    queue.shift()?.();
  }
}

const KEY_LEN = 64;
export const DEFAULT_SCRYPT_N = 2 ** 17;
const DEFAULT_N = DEFAULT_SCRYPT_N;
const R = 8;
const P = 1;

export class PasswordHasher {
  constructor(private readonly n = DEFAULT_N) {
    if (!Number.isInteger(Math.log2(n))) throw new Error('scrypt N must be a power of two');
  }

  /** `scrypt$N$r$p$salt$hash` (base64). */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await scrypt(password, salt, KEY_LEN, { N: this.n, r: R, p: P, maxmem: 256 * this.n * R });
    return `scrypt$${this.n}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** Constant-time comparison; a malformed stored hash simply does not verify. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    if (![n, r, p].every((x) => Number.isInteger(x) && x > 0) || n > 2 ** 20 || r > 32 || p > 16)
      return false;
    const salt = Buffer.from(parts[4]!, 'base64');
    const expected = Buffer.from(parts[5]!, 'base64');
    if (expected.length !== KEY_LEN) return false;
    const key = await scrypt(password, salt, KEY_LEN, { N: n, r, p, maxmem: 256 * n * r });
    return timingSafeEqual(key, expected);
  }

  /** True when `stored` was made with other parameters than this hasher's (a login then stores a new hash). */
  needsRehash(stored: string): boolean {
    const parts = stored.split('$');
    return (
      parts[0] !== 'scrypt' || Number(parts[1]) !== this.n || Number(parts[2]) !== R || Number(parts[3]) !== P
    );
  }

  /** A hash of nothing in particular, verified against when the user does not exist (same timing). */
  private dummy: Promise<string> | null = null;
  async burn(password: string): Promise<void> {
    this.dummy ??= this.hash('dummy-password-for-timing');
    await this.verify(password, await this.dummy);
  }
}

// Password hashing with scrypt (node:crypto, no extra dependency), self-describing format, constant-time check.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (pw: string, salt: Buffer, len: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(pw.normalize('NFKC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

const KEY_LEN = 64;
const DEFAULT_N = 2 ** 15;
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

  /** A hash of nothing in particular, verified against when the user does not exist (same timing). */
  private dummy: Promise<string> | null = null;
  async burn(password: string): Promise<void> {
    this.dummy ??= this.hash('dummy-password-for-timing');
    await this.verify(password, await this.dummy);
  }
}

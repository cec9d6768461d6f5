// The web app's production build (vite, services/web/build/) is made before web instances start, and made
// again only when a source file is newer than it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './run-dir.js';

const WEB_DIR = path.join(repoRoot, 'services', 'web');
const BUILT = path.join(WEB_DIR, 'build', 'server', 'index.js');
const INPUTS = ['src', 'vite.config.ts', 'react-router.config.ts', 'package.json'];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) {
    if (e.endsWith('.test.ts')) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

export function webBuildIsCurrent(): boolean {
  if (!fs.existsSync(BUILT)) return false;
  const built = fs.statSync(BUILT).mtimeMs;
  return INPUTS.every((i) => newestMtime(path.join(WEB_DIR, i)) <= built);
}

/** Builds services/web when missing or stale; resolves with whether a build ran. */
export async function ensureWebBuild(progress: (line: string) => void = () => {}): Promise<boolean> {
  if (!fs.existsSync(path.join(WEB_DIR, 'package.json')) || webBuildIsCurrent()) return false;
  progress('… web: production build (vite)');
  const t = Date.now();
  const out: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'node_modules', '@react-router', 'dev', 'bin.cjs'), 'build'],
      {
        cwd: WEB_DIR,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`web build failed (exit ${code}):\n${out.join('').slice(-3000)}`);
  progress(`✔ web: built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return true;
}

// What the launcher builds before it starts processes:
// - the services' tsc output (`tsc -b`): every service runs <workspace>/dist/main.js, as its image does
//   (docker/node.Dockerfile), with no TypeScript loader in the running process (ADR 0019);
// - the web app's production build (vite, services/web/build/), made again only when a source file is newer.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './run-dir.js';

const WEB_DIR = path.join(repoRoot, 'services', 'web');
const BUILT = path.join(WEB_DIR, 'build', 'server', 'index.js');
const INPUTS = ['src', 'vite.config.ts', 'react-router.config.ts', 'package.json'];

type Progress = (line: string) => void;

/** Runs a Node script to its end; throws with the tail of its output when it fails. */
async function runStep(label: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const out: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => out.push(b.toString()));
    child.stderr.on('data', (b: Buffer) => out.push(b.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`${label} failed (exit ${code}):\n${out.join('').slice(-3000)}`);
}

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
export async function ensureWebBuild(progress: Progress = () => {}): Promise<boolean> {
  if (!fs.existsSync(path.join(WEB_DIR, 'package.json')) || webBuildIsCurrent()) return false;
  progress('… web: production build (vite)');
  const t = Date.now();
  await runStep(
    'web build',
    [path.join(repoRoot, 'node_modules', '@react-router', 'dev', 'bin.cjs'), 'build'],
    WEB_DIR,
    { ...process.env, NODE_ENV: 'production' },
  );
  progress(`✔ web: built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return true;
}

/**
 * The Node flags a workspace's process runs with: `mutiroes.nodeFlags` in its package.json, the one place that
 * the launcher, the image's entrypoint (docker/node/entrypoint.sh) and the benches read them from.
 */
export function nodeFlagsOf(workspace: string): string[] {
  const file = path.join(repoRoot, workspace, 'package.json');
  if (!fs.existsSync(file)) return [];
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { mutiroes?: { nodeFlags?: unknown } };
  const flags = pkg.mutiroes?.nodeFlags ?? [];
  if (
    !Array.isArray(flags) ||
    !flags.every((f) => typeof f === 'string' && /^--[a-z0-9-]+(=[\w.-]+)?$/.test(f))
  )
    throw new Error(`${file}: mutiroes.nodeFlags must be a list of --flag or --flag=value strings`);
  return flags as string[];
}

/** The file a service's process runs: its workspace's tsc output. */
export function builtMain(workspace: string, file = 'main.js'): string {
  return path.join(repoRoot, workspace, 'dist', file);
}

let serviceBuild: Promise<void> | undefined;

/**
 * `tsc -b` over every workspace, once per launcher process (incremental: 0.3–1 s when nothing changed).
 * A type error stops the start: a service never runs code that does not type-check.
 */
export function ensureServiceBuild(progress: Progress = () => {}): Promise<void> {
  serviceBuild ??= (async () => {
    const t = Date.now();
    await runStep(
      'tsc -b',
      [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'],
      repoRoot,
      process.env,
    );
    progress(`✔ services: tsc -b (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  })();
  serviceBuild.catch(() => (serviceBuild = undefined));
  return serviceBuild;
}

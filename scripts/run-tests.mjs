// Runs a workspace's tests with node:test + tsx: `unit` = src/**/*.test.ts, `integration` = src/**/*.int.test.ts.
// (Node 20's --test takes no globs, and without files it would wander into dist/.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const kind = process.argv[2];
if (kind !== 'unit' && kind !== 'integration') {
  console.error('usage: run-tests.mjs unit|integration [extra node --test args]');
  process.exit(2);
}
function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(p);
    return [p];
  });
}
const files = walk('src')
  .filter((f) =>
    kind === 'integration'
      ? f.endsWith('.int.test.ts')
      : f.endsWith('.test.ts') && !f.endsWith('.int.test.ts'),
  )
  .sort();
const name = JSON.parse(fs.readFileSync('package.json', 'utf8')).name;
if (files.length === 0) {
  console.log(`${name}: no ${kind} tests`);
  process.exit(0);
}
console.log(`${name}: ${files.length} ${kind} test file(s)`);
// The spec reporter on the console, and the failed tests alone in a file that test-summary.mjs prints at the end.
const here = path.dirname(fileURLToPath(import.meta.url));
const failuresDir = path.join(here, '..', 'test-results', 'failures');
fs.mkdirSync(failuresDir, { recursive: true });
const failuresLog = path.join(failuresDir, `${name.replace(/^@[^/]+\//, '')}-${kind}.log`);
const r = spawnSync(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-force-exit',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.join(here, 'failures-reporter.mjs')}`,
    `--test-reporter-destination=${failuresLog}`,
    ...process.argv.slice(3),
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);

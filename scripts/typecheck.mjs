// Typechecks every workspace (tsc -p <ws> --noEmit); `tsc -b` cannot skip emit across project references.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const root = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
let failed = 0;
for (const ws of root.workspaces) {
  if (!fs.existsSync(`${ws}/src`)) continue;
  const t0 = Date.now();
  const r = spawnSync('npx', ['tsc', '-p', ws, '--noEmit'], { stdio: 'inherit' });
  const ok = r.status === 0;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${ws} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
process.exit(failed ? 1 : 0);

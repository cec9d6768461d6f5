// End of `make test`: prints every failed test that the failures reporter recorded (test-results/failures/)
// and exits with the run's status (its argument), or 1 when a test failed. `--reset` empties the folder first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'failures');
if (process.argv[2] === '--reset') {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  process.exit(0);
}
const status = Number(process.argv[2] ?? 0) || 0;
const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
const failed = files
  .map((f) => ({ suite: f.replace(/\.log$/, ''), text: fs.readFileSync(path.join(dir, f), 'utf8').trim() }))
  .filter((f) => f.text);
if (failed.length === 0) {
  const how = status ? `, but the run exited with status ${status} (see above)` : '';
  console.log(`== test summary: no failed test in ${files.length} suite(s)${how}`);
  process.exit(status);
}
console.log(`== test summary: failed tests in ${failed.map((f) => f.suite).join(', ')}`);
for (const f of failed) console.log(`-- ${f.suite}\n${f.text}\n`);
process.exit(status || 1);

// node:test reporter that writes only the failed tests (name, file:line, error) — one block each.
// run-tests.mjs adds it beside the spec reporter, to test-results/failures/<suite>.log, and
// test-summary.mjs prints those files at the end of `make test`, so a failure far up a long log
// still shows in its last lines.
import { inspect } from 'node:util';

export default async function* failuresReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue; // its failed tests are reported themselves
    const where = d.file ? ` (${d.file}${d.line ? `:${d.line}` : ''})` : '';
    const err = d.details?.error;
    const cause = err?.cause ?? err;
    // A file that fails outside any test (a crash, a hook) carries only a string; its output is in the log.
    const hint = typeof cause === 'string' ? ' — see the output of this file in the log above' : '';
    const text = inspect(cause, { depth: 3, breakLength: 120 })
      .split('\n')
      .filter(
        (l) => l.endsWith('{') || !/\(?node:(internal|async_hooks)|new (Safe)?Promise|Array\.map \(/.test(l),
      ) // runner frames
      .slice(0, 25)
      .map((l) => `    ${l}`)
      .join('\n');
    yield `✖ ${d.name}${where}${hint}\n${text}\n\n`;
  }
}

// Attack on configuration: a production start with the placeholder secrets of .env.example must be refused
// before the service touches anything, with a message that names the variable.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(`${repo}.env.example`, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

function start(main: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `${repo}${main}`], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('production secrets', () => {
  for (const main of [
    'services/api/src/main.ts',
    'services/worker/src/main.ts',
    'services/beat/src/main.ts',
  ]) {
    test(`when ${main} starts in production with the .env.example secrets then it refuses, naming the placeholder`, async () => {
      const r = await start(main, {
        ...exampleEnv(),
        NODE_ENV: 'production',
        CONSUL_HTTP_ADDR: '127.0.0.1:1',
        CONSUL_HTTP_TOKEN: '5c1e0d5e-0000-4000-8000-000000000000',
        PORT: '0',
      });
      assert.notEqual(r.code, 0, r.output);
      assert.notEqual(r.code, null, `still running after 30 s: ${r.output.slice(-500)}`);
      assert.match(r.output, /DB_PASSWORD.*\.env\.example placeholder/);
    });
  }

  test('when the api starts in production with a short random JWT secret then it refuses', async () => {
    const r = await start('services/api/src/main.ts', {
      NODE_ENV: 'production',
      CONSUL_HTTP_ADDR: '127.0.0.1:1',
      CONSUL_HTTP_TOKEN: '5c1e0d5e-0000-4000-8000-000000000000',
      DB_PASSWORD: 'Qm9yZ2VzLUx1aXMtMzItYnl0ZXMtb2YtcmFuZG9tbmVzcw',
      REDIS_PASSWORD: 'b3RoZXItMzItYnl0ZXMtb2YtcmFuZG9tbmVzcy1mb3ItcmVkaXM',
      JWT_SECRET: 'k3Y9pQ2xZ7',
      PORT: '0',
    });
    assert.notEqual(r.code, 0, r.output);
    assert.notEqual(r.code, null, `still running after 30 s: ${r.output.slice(-500)}`);
    assert.match(r.output, /JWT_SECRET.*at least 32 bytes/);
  });
});

// Attack on the mesh supervisor's control channel: a local process (or a web page posting to a loopback
// port) must not make it run a command. It answers on a Unix socket only its owner may open, and takes
// component names, never commands.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { connectMesh, type Mesh } from './mesh.js';
import { dirs } from './run-dir.js';

let mesh: Mesh;
const marker = path.join(os.tmpdir(), `mutiroes-supervisor-attack-${process.pid}`);
const evilSpec = {
  name: 'evil-1',
  kind: 'api',
  command: '/bin/sh',
  args: ['-c', `touch ${marker}`],
  env: {},
  cwd: '/',
  port: 1,
  logFile: '/dev/null',
  stopTimeoutMs: 1000,
};

function socketPost(socketPath: string, p: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, path: p, method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

before(async () => {
  mesh = await connectMesh();
});
after(() => {
  fs.rmSync(marker, { force: true });
});

describe('supervisor control channel', () => {
  test('when a page posts a command to the loopback control port then nothing listens there and no command runs', async () => {
    const answer = await fetch(`http://127.0.0.1:${mesh.ports.supervisor}/start`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ spec: evilSpec }),
      signal: AbortSignal.timeout(3000),
    }).then(
      (r) => `HTTP ${r.status}`,
      () => 'refused',
    );
    assert.equal(answer, 'refused');
    assert.equal(fs.existsSync(marker), false, 'the posted command ran');
  });

  test('when the control socket is listed then it is a socket only its owner may open (mode 0600)', () => {
    const st = fs.statSync(dirs(mesh.profile).supervisorSocket);
    assert.ok(st.isSocket());
    assert.equal((st.mode & 0o777).toString(8), '600');
  });

  test('when the operator posts a command spec on the socket then it is refused with 400 and no command runs', async () => {
    const res = await socketPost(dirs(mesh.profile).supervisorSocket, '/start', { spec: evilSpec });
    assert.equal(res.status, 400, res.body);
    assert.match(res.body, /component names only/);
    const byName = await socketPost(dirs(mesh.profile).supervisorSocket, '/start', { name: 'evil-1' });
    assert.equal(byName.status, 400, byName.body);
    assert.equal(fs.existsSync(marker), false, 'the posted command ran');
    assert.equal(
      (await mesh.status()).some((c) => c.name === 'evil-1'),
      false,
    );
  });

  test('when the operator starts an instance with a non-setting variable (NODE_OPTIONS) then it is refused', async () => {
    const res = await socketPost(dirs(mesh.profile).supervisorSocket, '/start', {
      name: 'api-39',
      env: { NODE_OPTIONS: `--require ${marker}` },
    });
    assert.equal(res.status, 400, res.body);
    assert.match(res.body, /NODE_OPTIONS/);
  });
});

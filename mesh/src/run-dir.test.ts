import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveProfile } from './profile.js';
import { prepareRunDir } from './run-dir.js';

describe('run folder', () => {
  test('when a run folder made for one port base is reused under another then it is refused with the way out', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-run-dir-'));
    try {
      const first = resolveProfile({ MESH_PROFILE: 'x', MESH_PORT_BASE: '26500', MESH_RUN_ROOT: root });
      const secrets = prepareRunDir(first);
      assert.equal(fs.readFileSync(path.join(root, 'x', 'port-base'), 'utf8').trim(), '26500');
      // Same base again: accepted, same secrets.
      assert.deepEqual(prepareRunDir(first), secrets);
      const other = resolveProfile({ MESH_PROFILE: 'x', MESH_PORT_BASE: '22500', MESH_RUN_ROOT: root });
      assert.throws(
        () => prepareRunDir(other),
        /made for port base 26500, not 22500: use MESH_PORT_BASE=26500/,
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

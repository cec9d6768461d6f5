import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir, listMigrations } from './migrator.js';

describe('listMigrations', () => {
  test('when the real folder is listed then versions are unique, ordered and start with the users table', async () => {
    const list = await listMigrations(defaultMigrationsDir);
    assert.ok(list.length >= 5);
    assert.equal(list[0]!.version, '0001_users');
    const versions = list.map((m) => m.version);
    assert.deepEqual(versions, [...versions].sort());
    assert.equal(new Set(versions.map((v) => v.slice(0, 4))).size, versions.length);
  });

  test('when a folder has tests, declarations and junk then only NNNN_name.ts|js files count, ordered by name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mig-'));
    try {
      for (const f of [
        '0010_b.ts',
        '0002_a.ts',
        '0003_c.test.ts',
        '0004_d.d.ts',
        'README.md',
        'x_0005.ts',
        '0011_e.js',
      ])
        await writeFile(path.join(dir, f), '');
      assert.deepEqual(
        (await listMigrations(dir)).map((m) => m.version),
        ['0002_a', '0010_b', '0011_e'],
      );
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  test('when two files share a number then listing fails naming both', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mig-'));
    try {
      await writeFile(path.join(dir, '0007_one.ts'), '');
      await writeFile(path.join(dir, '0007_two.ts'), '');
      await assert.rejects(listMigrations(dir), /0007.*0007_(one|two)/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Sequelize } from 'sequelize';
import { createLogger } from '@mutiroes/platform';
import { createDatabase } from './database.js';

const log = createLogger({ service: 'test', level: 'error' });
// Stand-ins for the two connection pools: only their identity matters to readerFor.
const primary = { name: 'primary' } as unknown as Sequelize;
const replica = { name: 'replica' } as unknown as Sequelize;

describe('read-your-writes (this process)', () => {
  test('when a user wrote then that user reads from the primary for the window, others from the replica', async () => {
    const db = createDatabase({ sequelize: primary, reader: replica, windowS: 1, log });
    assert.equal(db.readerFor(7), replica);
    db.markWrite(7);
    assert.equal(db.readerFor(7), primary);
    assert.equal(db.readerFor(8), replica);
    assert.equal(db.readerFor(undefined), replica);
    await new Promise((r) => setTimeout(r, 1_050));
    assert.equal(db.readerFor(7), replica, 'the window closes');
  });

  test('when there is no replica then every read goes to the primary', () => {
    const db = createDatabase({ sequelize: primary, reader: primary, windowS: 5, log });
    assert.equal(db.readerFor(1), primary);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ValidationError } from '../../domain/shared/app-errors.js';
import { parseBody, parseId } from './request-validation.js';

const schema = z.object({
  name: z.string().max(3),
  age: z.number().int().min(0),
  tags: z.array(z.string()).optional(),
});

function fieldsOf(fn: () => unknown): Record<string, string[]> | null {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError);
    return e.fields;
  }
  assert.fail('expected a ValidationError');
}

describe('parseBody', () => {
  test('when fields are missing then each gets the pt-BR required message', () => {
    assert.deepEqual(
      fieldsOf(() => parseBody(schema, {})),
      { name: ['Este campo é obrigatório.'], age: ['Este campo é obrigatório.'] },
    );
  });
  test('when the body is absent then it is treated as an empty object', () => {
    assert.deepEqual(Object.keys(fieldsOf(() => parseBody(schema, undefined))!), ['name', 'age']);
  });
  test('when values are wrong then every field is reported, nested paths joined with dots', () => {
    const f = fieldsOf(() => parseBody(schema, { name: 'long', age: -1, tags: ['ok', 5] }))!;
    assert.deepEqual(Object.keys(f).sort(), ['age', 'name', 'tags.1']);
    assert.ok(f['name']![0]!.length > 0);
  });
  test('when null is sent for a required field then the not-null message is used', () => {
    assert.deepEqual(fieldsOf(() => parseBody(schema, { name: null, age: 1 }))!['name'], [
      'Este campo não pode ser nulo.',
    ]);
  });
  test('when the body is an array or a scalar then a non-field detail error', () => {
    for (const b of [[1], 'x', 3]) {
      try {
        parseBody(schema, b);
        assert.fail('should throw');
      } catch (e) {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.fields, null);
        assert.match(e.message, /objeto JSON/);
      }
    }
  });
  test('when valid then the parsed value comes back (unknown keys dropped)', () => {
    assert.deepEqual(parseBody(schema, { name: 'ab', age: 3, extra: true }), { name: 'ab', age: 3 });
  });
});

describe('parseId', () => {
  test('when a positive int32 then the number, else null', () => {
    assert.equal(parseId('42'), 42);
    for (const bad of ['0', '-1', '01', '1e3', 'abc', '2147483648', '99999999999', undefined])
      assert.equal(parseId(bad), null, String(bad));
  });
});

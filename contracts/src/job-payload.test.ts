// The producer-side type of a payload: what compiles is what the worker's schema accepts.
// (`tsc -b` fails if a @ts-expect-error below stops being an error.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { jobSchemas, type JobName, type JobPayload } from './job-catalog.js';

function payload<N extends JobName>(name: N, data: JobPayload<N>): { name: N; data: JobPayload<N> } {
  return { name, data };
}

describe('job payload types', () => {
  test('when a producer writes a payload that compiles then the worker schema accepts it', () => {
    const p = payload('send_event_notification_email', { event_id: 3, kind: 'registration', user_id: 7 });
    assert.ok(jobSchemas[p.name].safeParse(p.data).success);
  });

  test('when a payload misses a field or names the wrong one then it does not compile and the schema rejects it', () => {
    // @ts-expect-error user_id is required for send_welcome_email
    const missing = payload('send_welcome_email', { event_id: 1 });
    assert.ok(!jobSchemas.send_welcome_email.safeParse(missing.data).success);
    // @ts-expect-error not a job of the contract
    const unknown = payload('send_welcom_email', { user_id: 1 });
    assert.equal(Object.hasOwn(jobSchemas, unknown.name), false);
  });
});

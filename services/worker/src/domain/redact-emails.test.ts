import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redactEmails, redactEmailsDeep } from './redact-emails.js';

describe('e-mail redaction', () => {
  test('when an SMTP error names a recipient then only the domain is left', () => {
    assert.equal(
      redactEmails('550 5.1.1 <maria.silva+x@example.com.br>: Recipient rejected'),
      '550 5.1.1 <***@example.com.br>: Recipient rejected',
    );
  });
  test('when a job is redacted then nested strings lose their addresses and numbers stay', () => {
    const job = {
      id: 'outbox:1',
      data: { to: 'ana@example.com', user_id: 7 },
      errors: ['to joao@mail.test: timeout'],
      attempts: [{ error: 'x@y.org' }],
    };
    assert.deepEqual(redactEmailsDeep(job), {
      id: 'outbox:1',
      data: { to: '***@example.com', user_id: 7 },
      errors: ['to ***@mail.test: timeout'],
      attempts: [{ error: '***@y.org' }],
    });
  });
  test('when a text has no address then it is unchanged', () => {
    assert.equal(redactEmails('ECONNREFUSED 127.0.0.1:25'), 'ECONNREFUSED 127.0.0.1:25');
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_NAMES, jobPolicies, jobSchemas } from './job-catalog.js';

describe('job catalogue', () => {
  test('when the catalogue is listed then every DOMAIN.md job has a schema and a bounded policy', () => {
    for (const n of [
      'send_welcome_email',
      'send_event_notification_email',
      'send_bulk_event_reminders',
      'process_event_report_statistics',
      'generate_monthly_impact_report',
      'cleanup_expired_events',
      'update_user_statistics',
      'check_and_award_badges',
    ]) {
      assert.ok(JOB_NAMES.includes(n as never), n);
    }
    for (const n of JOB_NAMES) {
      assert.ok(
        jobPolicies[n].retries > 0 && jobPolicies[n].backoffMs > 0 && jobPolicies[n].timeoutMs > 0,
        n,
      );
    }
  });
  test('when an outbox payload carries extra fields and string ids then it still parses', () => {
    const r = jobSchemas.send_welcome_email.safeParse({ user_id: '12', request_id: 'r-1', outbox_id: 3 });
    assert.ok(r.success);
    assert.equal(r.data.user_id, 12);
  });
  test('when a payload misses its id then it is rejected with the field named', () => {
    const r = jobSchemas.send_bulk_event_reminders.safeParse({});
    assert.ok(!r.success);
    assert.equal(r.error.issues[0]?.path[0], 'event_id');
  });
  test('when a month is malformed then the monthly report payload is rejected', () => {
    assert.ok(!jobSchemas.generate_monthly_impact_report.safeParse({ month: '2026-13' }).success);
    assert.ok(jobSchemas.generate_monthly_impact_report.safeParse({ month: '2026-02' }).success);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, participantsCsv } from './participant-export.js';

describe('participant CSV export', () => {
  test('when a cell starts with = + - @ or a tab then it is prefixed with an apostrophe', () => {
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvCell('+55 11 9999'), "'+55 11 9999");
    assert.equal(csvCell('-1+2'), "'-1+2");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
  });

  test('when a cell holds a comma, quote or line break then it is quoted; numbers and null pass as they are', () => {
    assert.equal(csvCell('Silva, Ana'), '"Silva, Ana"');
    assert.equal(csvCell('diz "oi"'), '"diz ""oi"""');
    assert.equal(csvCell('a\nb'), '"a\nb"');
    assert.equal(csvCell(-3), '-3');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(true), 'sim');
  });

  test('when participants are exported then the file starts with a BOM and has CRLF rows', () => {
    const csv = participantsCsv([
      {
        id: 1,
        event_id: 2,
        user_id: 3,
        username: 'ana',
        first_name: 'Ána',
        last_name: 'Souza',
        status: 'confirmed',
        emergency_contact: '=cmd',
        emergency_phone: '+5511',
        special_needs: '',
        experience_level: 'beginner',
        checked_in: false,
        check_in_time: null,
        check_out_time: null,
        hours_volunteered: null,
        hours_corrected: false,
        age_verified: true,
        waitlist_position: null,
        registered_at: new Date('2026-12-01T12:00:00Z'),
        updated_at: new Date('2026-12-01T12:00:00Z'),
        is_public_profile: true,
      },
    ]);
    assert.ok(csv.startsWith('\uFEFFid,usuario,'));
    const rows = csv.slice(1).split('\r\n');
    assert.equal(rows.length, 3);
    assert.equal(
      rows[1],
      "1,ana,Ána,Souza,confirmed,,beginner,'=cmd,'+5511,,sim,não,,2026-12-01T09:00:00-03:00",
    );
  });
});

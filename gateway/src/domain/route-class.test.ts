import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPath, canonicalPrefixes, isUploadPath, underAny } from './route-class.js';

const auth = canonicalPrefixes(['/api/token/', '/api/users/register/']);

describe('route classification', () => {
  test('when the login path is spelled without slash, with doubled slashes, in capitals or percent-encoded then it is still the login path', () => {
    for (const p of [
      '/api/token',
      '/api/token/',
      '/api//token/',
      '//api///token',
      '/API/Token/',
      '/api/%74oken/',
      '/api/%2574oken',
      '/api/x/../token?next=1',
      '/api\\token',
      '/api/./token/refresh/',
    ]) {
      assert.equal(underAny(p, auth), true, p);
    }
  });
  test('when a path only starts like the login path then it is not the login path', () => {
    for (const p of ['/api/tokens/', '/api/events/', '/api/', '/', '/api/tokenx'])
      assert.equal(underAny(p, auth), false, p);
  });
  test('when a path has a malformed escape then it is still classified without throwing', () => {
    assert.equal(canonicalPath('/api/%zz/%74oken%'), '/api/%zz/token%/');
  });
  test('when the path is an event photo upload in any spelling then it is an upload path', () => {
    assert.equal(isUploadPath('/api/events/12/photos/'), true);
    assert.equal(isUploadPath('/API//events/12/photos'), true);
    assert.equal(isUploadPath('/api/events/12/'), false);
    assert.equal(isUploadPath('/api/users/me/'), false);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHours, svgDataUrl } from './presence.server.js';

test('hours are read in pt-BR or with a dot, blank clears, anything else is refused', () => {
  assert.equal(parseHours('1,5'), 1.5);
  assert.equal(parseHours(' 2.25 '), 2.25);
  assert.equal(parseHours(''), null);
  for (const bad of ['1,555', '-1', 'abc', '1e2', '1,5,0']) assert.equal(parseHours(bad), undefined, bad);
});

test('the QR image is a base64 SVG data URL', () => {
  const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"/>');
  assert.match(url, /^data:image\/svg\+xml;base64,/);
  assert.equal(
    Buffer.from(url.split(',')[1]!, 'base64').toString(),
    '<svg xmlns="http://www.w3.org/2000/svg"/>',
  );
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffImage } from './photo-upload.js';

describe('sniffImage', () => {
  test('when the bytes start like JPEG, PNG, GIF or WebP then the kind is named', () => {
    assert.equal(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0])), 'jpg');
    assert.equal(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'png');
    assert.equal(sniffImage(Buffer.from('GIF89a....')), 'gif');
    assert.equal(sniffImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
  });

  test('when a script is named .png then it is not an image', () => {
    assert.equal(sniffImage(Buffer.from('<?php system($_GET[1]); ?>')), null);
    assert.equal(sniffImage(Buffer.alloc(0)), null);
  });
});

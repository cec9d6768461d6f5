// A stand-in map tile server (WEB_TILE_URL's default): every tile is one pale 256×256 PNG, so maps work with
// no third-party host in development and tests. Production points WEB_TILE_URL at a real tile server.
import { deflateSync } from 'node:zlib';
import type { RequestHandler } from 'express';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A solid-colour 256×256 RGB PNG with a faint grid line on two edges (tile borders are visible). */
export function standInTile(): Buffer {
  const size = 256;
  const row = Buffer.alloc(1 + size * 3);
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const r = Buffer.from(row);
    for (let x = 0; x < size; x++) {
      const edge = x === 0 || y === 0;
      r[1 + x * 3] = edge ? 200 : 226;
      r[2 + x * 3] = edge ? 214 : 236;
      r[3 + x * 3] = edge ? 200 : 222;
    }
    rows.push(r);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function standInTilesHandler(): RequestHandler {
  const png = standInTile();
  return (req, res) => {
    if (!/^\/\d{1,2}\/\d{1,7}\/\d{1,7}\.png$/.test(req.path)) {
      res.status(404).end();
      return;
    }
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.end(png);
  };
}

// A fake camera for Chromium (`--use-file-for-fake-video-capture`): a Y4M video whose frames show a QR code,
// black modules on white, with a quiet zone — what a phone held over the organisers' screen would see.
import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';

const W = 640;
const H = 480;

/** Writes `frames` identical 640×480 4:2:0 frames showing `text` as a QR code. */
export async function writeQrY4m(text: string, file: string, frames = 10): Promise<void> {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = Math.floor(Math.min(W, H) / (n + 8));
  const side = cell * n;
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < cell; dy++)
        y.fill(16, (y0 + r * cell + dy) * W + x0 + c * cell, (y0 + r * cell + dy) * W + x0 + (c + 1) * cell);
    }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  await writeFile(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

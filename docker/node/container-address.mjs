// The container's first non-internal IPv4 address: where this instance listens and what it advertises in Consul.
// Imported by healthcheck.mjs; run directly it prints the address (used by entrypoint.sh).
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export function containerAddress() {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${containerAddress()}\n`);
}

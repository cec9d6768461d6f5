// Per-container identity of a service instance, shared by entrypoint.sh and healthcheck.mjs so both agree:
//   address     - the container's first non-internal IPv4: where the instance listens and what it advertises
//   instance-id - INSTANCE_ID, or <SERVICE_NAME>-<hostname> (the container id): unique per --scale replica
// Run directly with one of those words, it prints the value.
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

export function instanceId(env = process.env) {
  return env.INSTANCE_ID || `${env.SERVICE_NAME}-${os.hostname()}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const what = process.argv[2];
  if (what === 'address') process.stdout.write(`${containerAddress()}\n`);
  else if (what === 'instance-id') process.stdout.write(`${instanceId()}\n`);
  else {
    process.stderr.write('usage: container-identity.mjs address|instance-id\n');
    process.exit(2);
  }
}

// Docker HEALTHCHECK of the Node services: GET http://<HOST>:<PORT><HEALTH_PATH> with fetch; healthy on 2xx.
// HOST is recomputed like entrypoint.sh does (healthchecks do not see the entrypoint's exports).
import { containerAddress } from './container-address.mjs';

const host = process.env.HOST || containerAddress();
const port = process.env.PORT || '8080';
const path = process.env.HEALTH_PATH || '/health';
const url = `http://${host}:${port}${path}`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!res.ok) {
    console.error(`healthcheck: ${url} -> ${res.status}`);
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  console.error(`healthcheck: ${url} -> ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

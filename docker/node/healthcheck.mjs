// Docker HEALTHCHECK of the Node services, with fetch. Healthchecks do not see the entrypoint's exports, so
// HOST / INSTANCE_ID are recomputed the same way (container-identity.mjs).
//   HEALTH_MODE=http (default): GET http://<HOST>:<PORT><HEALTH_PATH>, healthy on 2xx.
//   HEALTH_MODE=consul: healthy when this instance's checks in Consul are all passing (beat: its TTL
//     heartbeat), asked of the servers in CONSUL_HTTP_ADDR in order.
import { containerAddress, instanceId } from './container-identity.mjs';

const timeout = () => AbortSignal.timeout(2500);

async function httpHealthy() {
  const host = process.env.HOST || containerAddress();
  const url = `http://${host}:${process.env.PORT || '8080'}${process.env.HEALTH_PATH || '/health'}`;
  const res = await fetch(url, { signal: timeout() });
  if (!res.ok) throw new Error(`${url} -> ${res.status}`);
}

async function consulHealthy() {
  const id = instanceId();
  const service = process.env.SERVICE_NAME;
  let lastError = new Error('CONSUL_HTTP_ADDR is empty');
  for (const raw of (process.env.CONSUL_HTTP_ADDR || '').split(',').filter(Boolean)) {
    const base = /^https?:\/\//.test(raw.trim()) ? raw.trim() : `http://${raw.trim()}`;
    let checks;
    try {
      const res = await fetch(`${base}/v1/health/checks/${encodeURIComponent(service)}`, {
        headers: { 'x-consul-token': process.env.CONSUL_HTTP_TOKEN || '' },
        signal: timeout(),
      });
      if (!res.ok) throw new Error(`${base} -> ${res.status}`);
      checks = (await res.json()).filter((c) => c.ServiceID === id);
    } catch (err) {
      lastError = err instanceof Error ? err : new Error(String(err));
      continue; // that server is down: ask the next one
    }
    if (checks.length === 0) throw new Error(`${id} is not registered in Consul`);
    const bad = checks.filter((c) => c.Status !== 'passing');
    if (bad.length > 0) throw new Error(`${id}: ${bad.map((c) => `${c.CheckID}=${c.Status}`).join(', ')}`);
    return;
  }
  throw lastError;
}

try {
  await (process.env.HEALTH_MODE === 'consul' ? consulHealthy() : httpHealthy());
  process.exit(0);
} catch (err) {
  console.error(`healthcheck: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

// Patroni's `bootstrap.dcs` section is written to the DCS once, when the cluster is created; later edits of
// postgres/patroni.yml.tmpl never reach an existing cluster. The launcher brings the cluster's dynamic
// configuration in line with the template on every `up` (PATCH /config on a member's REST API), so a run
// folder made before e.g. `failsafe_mode` was added gets it too.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { addrOf, type Profile } from './profile.js';
import { dirs, loadSecrets } from './run-dir.js';

type Dcs = Record<string, unknown>;

/**
 * The settings of `wanted` whose value differs in `current` (the cluster's dynamic config). Scalars only:
 * `postgresql` parameters may need a restart and stay Patroni's/the operator's business.
 */
export function dcsDrift(wanted: Dcs, current: Dcs): Dcs {
  const drift: Dcs = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (v === null || typeof v === 'object') continue;
    if (current[k] !== v) drift[k] = v;
  }
  return drift;
}

/** The template's bootstrap.dcs, as rendered for member 1 of this profile. */
export function wantedDcs(profile: Profile): Dcs {
  const conf = parseYaml(fs.readFileSync(path.join(dirs(profile).conf, 'patroni-1.yml'), 'utf8')) as {
    bootstrap?: { dcs?: Dcs };
  };
  return conf.bootstrap?.dcs ?? {};
}

/** Applies the drift through the first member that answers; returns the keys it changed. */
export async function reconcilePatroniConfig(profile: Profile): Promise<string[]> {
  const wanted = wantedDcs(profile);
  const authorization = `Basic ${Buffer.from(`patroni:${loadSecrets(profile)?.patroniRestPassword ?? ''}`).toString('base64')}`;
  let lastError: unknown;
  for (const [i, { rest }] of profile.ports.pg.entries()) {
    const host = addrOf(profile, `pg-${i + 1}`);
    try {
      const res = await fetch(`http://${host}:${rest}/config`, { signal: AbortSignal.timeout(3000) });
      if (!res.ok) throw new Error(`GET /config: ${res.status}`);
      const drift = dcsDrift(wanted, (await res.json()) as Dcs);
      if (Object.keys(drift).length === 0) return [];
      const patch = await fetch(`http://${host}:${rest}/config`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify(drift),
        signal: AbortSignal.timeout(5000),
      });
      if (!patch.ok) throw new Error(`PATCH /config: ${patch.status} ${await patch.text()}`);
      return Object.keys(drift);
    } catch (e) {
      lastError = e;
    }
  }
  throw new Error(`no Patroni member took the dynamic config: ${(lastError as Error)?.message ?? lastError}`);
}

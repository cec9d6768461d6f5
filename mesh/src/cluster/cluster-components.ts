// What the cluster profiles change in a component's process spec and config: the host (network namespace)
// it runs in, and the settings that only make sense across hosts. Single-host profiles get their spec unchanged.
import type { ProcessSpec } from '../process-spec.js';
import type { Profile } from '../profile.js';
import { hostIndexOf, hostOf } from './cluster-plan.js';

/**
 * Runs the component inside its host's namespace: `ip netns exec <ns> [setpriv …] cmd args`. `ip netns exec`
 * and `setpriv` both exec, so the supervisor's pid is the component's own (kill, restart and stop work as
 * on one host). The uid switch moves into `setpriv` because entering a namespace needs root.
 */
export function inHost(profile: Profile, spec: ProcessSpec): ProcessSpec {
  if (!profile.cluster) return spec;
  const host = hostOf(profile.cluster, spec.name);
  if (!host) return spec;
  const { user, ...rest } = spec;
  const inner = user
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', spec.command, ...spec.args]
    : [spec.command, ...spec.args];
  return { ...rest, command: 'ip', args: ['netns', 'exec', host.ns, ...inner] };
}

/**
 * Across hosts a partition can leave the old master taking writes that the promoted replica never sees
 * (acknowledged, then lost). The master refuses writes unless a replica acknowledged within 2 s: an isolated
 * master stops within ~2–3 s, about when Sentinel (down-after 2 s) promotes on the majority side.
 * On one host this stays off: a replica that is down would stop all writes for nothing (drill-redis).
 */
export function redisClusterExtra(profile: Profile): string {
  if (!profile.cluster) return '';
  return [
    '# Cluster profile: refuse writes without a replica that acknowledged lately (partitions).',
    'min-replicas-to-write 1',
    'min-replicas-max-lag 2',
  ].join('\n');
}

export function sentinelClusterExtra(profile: Profile, i: number): string {
  if (!profile.cluster) return '';
  const host = hostOf(profile.cluster, `sentinel-${i}`)!;
  return `sentinel announce-ip ${host.addr}`;
}

/** The Consul agent a Patroni node uses as DCS: its own host's (on one host: "its" server by index). */
export function pgConsulAgent(profile: Profile, i: number): { CONSUL_HOST: string; CONSUL_HTTP: number } {
  if (!profile.cluster) return { CONSUL_HOST: '127.0.0.1', CONSUL_HTTP: profile.ports.consul[i - 1]!.http };
  const h = hostIndexOf(`pg-${i}`) ?? 0;
  return { CONSUL_HOST: profile.cluster.net.hosts[h]!.addr, CONSUL_HTTP: profile.ports.consul[h]!.http };
}

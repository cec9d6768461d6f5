// Simulated hosts: one network namespace per host, each with one veth into a bridge in the root namespace.
// Only the kernel's own tools (`ip`, `tc`); only addresses of one private /24 that the plan owns.
import { execFileSync } from 'node:child_process';

export interface SimHost {
  /** Short name used in placement and drills: host-a, host-b, host-c. */
  name: string;
  /** The network namespace (global on the machine, so prefixed for a second plan). */
  ns: string;
  addr: string;
  /** Root-side end of the veth pair (the namespace side is `eth0`). */
  veth: string;
}

export interface NetPlan {
  /** a.b.c of the /24, e.g. 10.77.0 */
  prefix: string;
  bridge: string;
  /** Address of the bridge in the root namespace: clients, the SMTP sink and the supervisor's probes. */
  bridgeAddr: string;
  hosts: SimHost[];
}

export const HOST_NAMES = ['host-a', 'host-b', 'host-c'] as const;
/** In-namespace interface name. */
const NS_IF = 'eth0';
/** ip-rule priorities the drills use (removed by heal). */
const RULE_PRIO_MIN = 100;
const RULE_PRIO_MAX = 199;

/**
 * `prefix` is the /24 (e.g. 10.77.0 for profile `cluster`); `tag` keeps a second plan's names apart (the
 * smoke test runs its own cluster while an operator's one may be up).
 */
export function netPlan(prefix: string, tag = ''): NetPlan {
  if (!/^10\.77\.\d{1,3}$/.test(prefix))
    throw new Error(`cluster subnet must be 10.77.x.0/24, got ${prefix}`);
  const t = tag ? `${tag}-` : '';
  return {
    prefix,
    bridge: `mut-${t}br0`,
    bridgeAddr: `${prefix}.1`,
    hosts: HOST_NAMES.map((name, i) => ({
      name,
      ns: `${t}${name}`,
      addr: `${prefix}.${11 + i}`,
      veth: `mut-${t}${name}`,
    })),
  };
}

export function subnetOf(plan: NetPlan): string {
  return `${plan.prefix}.0/24`;
}

export function hostByName(plan: NetPlan, name: string): SimHost {
  const h = plan.hosts.find((x) => x.name === name || x.ns === name);
  if (!h) throw new Error(`no host ${name} in ${subnetOf(plan)}`);
  return h;
}

function ip(args: string[], ns?: string): string {
  const full = ns ? ['-n', ns, ...args] : args;
  return execFileSync('ip', full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ipQuiet(args: string[], ns?: string): boolean {
  try {
    ip(args, ns);
    return true;
  } catch {
    return false;
  }
}

function inSubnet(plan: NetPlan, addr: string): boolean {
  return addr.startsWith(`${plan.prefix}.`);
}

/** Does CIDR `dst` overlap the plan's /24? (default routes aside) */
function overlaps(plan: NetPlan, dst: string): boolean {
  if (dst === 'default') return false;
  const [net, bitsRaw] = dst.split('/');
  const bits = bitsRaw === undefined ? 32 : Number(bitsRaw);
  const toInt = (a: string) => a.split('.').reduce((s, o) => s * 256 + Number(o), 0);
  const ours = toInt(`${plan.prefix}.0`);
  const theirs = toInt(net!);
  const minBits = Math.min(bits, 24);
  const mask = minBits === 0 ? 0 : (0xffffffff << (32 - minBits)) >>> 0;
  return (ours & mask) >>> 0 === (theirs & mask) >>> 0;
}

export function namespaces(): string[] {
  const out = ip(['-j', 'netns', 'list']).trim();
  if (!out) return [];
  return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
}

interface AddrInfo {
  ifname: string;
  addr_info: { family: string; local: string }[];
}

function addresses(ns?: string): { ifname: string; addr: string }[] {
  const list = JSON.parse(ip(['-j', 'addr', 'show'], ns)) as AddrInfo[];
  return list.flatMap((l) =>
    l.addr_info.filter((a) => a.family === 'inet').map((a) => ({ ifname: l.ifname, addr: a.local })),
  );
}

/** What of this plan exists on the machine right now. */
export interface NetState {
  namespaces: string[];
  links: string[];
  /** Addresses of the /24 configured anywhere (root or any namespace), as `where:ifname:addr`. */
  addresses: string[];
  /** Root-namespace routes overlapping the /24 other than the bridge's own. */
  routes: string[];
}

export function netState(plan: NetPlan): NetState {
  const ours = new Set(plan.hosts.map((h) => h.ns));
  const nsList = namespaces();
  const links = (JSON.parse(ip(['-j', 'link', 'show'])) as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n === plan.bridge || plan.hosts.some((h) => h.veth === n));
  const addrs: string[] = [];
  for (const a of addresses()) if (inSubnet(plan, a.addr)) addrs.push(`root:${a.ifname}:${a.addr}`);
  for (const ns of nsList) {
    try {
      for (const a of addresses(ns)) if (inSubnet(plan, a.addr)) addrs.push(`${ns}:${a.ifname}:${a.addr}`);
    } catch {
      /* a namespace being removed */
    }
  }
  const routes = (JSON.parse(ip(['-j', 'route', 'show'])) as { dst: string; dev?: string }[])
    .filter((r) => overlaps(plan, r.dst) && r.dev !== plan.bridge)
    .map((r) => `${r.dst}${r.dev ? ` dev ${r.dev}` : ''}`);
  return { namespaces: nsList.filter((n) => ours.has(n)), links, addresses: addrs, routes };
}

/** The plan's network exactly as `createNetwork` leaves it. */
export function networkComplete(plan: NetPlan): boolean {
  const s = netState(plan);
  const want = new Set([
    `root:${plan.bridge}:${plan.bridgeAddr}`,
    ...plan.hosts.map((h) => `${h.ns}:${NS_IF}:${h.addr}`),
  ]);
  return (
    s.namespaces.length === plan.hosts.length &&
    s.links.length === plan.hosts.length + 1 &&
    s.addresses.length === want.size &&
    s.addresses.every((a) => want.has(a)) &&
    s.routes.length === 0
  );
}

/** Everything of the plan still on the machine (empty after teardown). */
export function leftovers(plan: NetPlan): string[] {
  const s = netState(plan);
  return [
    ...s.namespaces.map((n) => `netns ${n}`),
    ...s.links.map((l) => `link ${l}`),
    ...s.addresses.map((a) => `address ${a}`),
  ];
}

/**
 * Creates the bridge, the namespaces and their veths. Idempotent when the plan's network is already complete;
 * refuses when any address of the /24 (or a route overlapping it) is in use by something else.
 */
export function createNetwork(plan: NetPlan): 'created' | 'existing' {
  if (networkComplete(plan)) return 'existing';
  const s = netState(plan);
  const foreign = [...s.addresses, ...s.routes.map((r) => `route ${r}`)];
  if (s.namespaces.length || s.links.length) {
    throw new Error(
      `a partial cluster network of ${subnetOf(plan)} exists (${leftovers(plan).join(', ')}): take the cluster down first`,
    );
  }
  if (foreign.length)
    throw new Error(
      `${subnetOf(plan)} is already in use on this machine (${foreign.join(', ')}): refusing to start`,
    );
  try {
    ip(['link', 'add', plan.bridge, 'type', 'bridge']);
    ip(['addr', 'add', `${plan.bridgeAddr}/24`, 'dev', plan.bridge]);
    ip(['link', 'set', plan.bridge, 'up']);
    for (const h of plan.hosts) {
      ip(['netns', 'add', h.ns]);
      ip(['link', 'add', h.veth, 'type', 'veth', 'peer', 'name', NS_IF, 'netns', h.ns]);
      ip(['link', 'set', h.veth, 'master', plan.bridge]);
      ip(['link', 'set', h.veth, 'up']);
      ip(['link', 'set', 'lo', 'up'], h.ns);
      ip(['addr', 'add', `${h.addr}/24`, 'dev', NS_IF], h.ns);
      ip(['link', 'set', NS_IF, 'up'], h.ns);
    }
  } catch (e) {
    teardownNetwork(plan);
    throw e;
  }
  return 'created';
}

/** Removes namespaces, veths and the bridge (with its address). Idempotent. */
export function teardownNetwork(plan: NetPlan): void {
  const present = new Set(namespaces());
  for (const h of plan.hosts) {
    if (present.has(h.ns)) ipQuiet(['netns', 'del', h.ns]);
    ipQuiet(['link', 'del', h.veth]);
  }
  ipQuiet(['link', 'del', plan.bridge]);
  const left = leftovers(plan);
  if (left.length) throw new Error(`cluster network not fully removed: ${left.join(', ')}`);
}

// ------------------------------------------------------------------ faults (drills)

/**
 * Cuts `host` off from `others`, both ways: `unreachable` routes in each namespace (no netfilter in this
 * kernel). A new connection fails with EHOSTUNREACH, as behind a router answering ICMP host-unreachable; the
 * packets of established connections go nowhere, so they hang as on a real partition until their timeouts.
 * (`blackhole` would give EINVAL, which no real network produces.) The root namespace (the drill's clients,
 * "outside" the cluster) still reaches every host.
 */
export function partition(plan: NetPlan, host: string, others: string[]): void {
  const a = hostByName(plan, host);
  for (const o of others.map((n) => hostByName(plan, n))) {
    ip(['route', 'replace', 'unreachable', `${o.addr}/32`], a.ns);
    ip(['route', 'replace', 'unreachable', `${a.addr}/32`], o.ns);
  }
}

/** One direction only: `from` cannot reach `to` (optionally only TCP to a port range, by an ip rule). */
export function dropOneWay(plan: NetPlan, from: string, to: string, tcpPorts?: [number, number]): void {
  const a = hostByName(plan, from);
  const b = hostByName(plan, to);
  if (!tcpPorts) {
    ip(['route', 'replace', 'unreachable', `${b.addr}/32`], a.ns);
    return;
  }
  const used = ruleCount(a.ns);
  ip(
    [
      'rule',
      'add',
      'to',
      `${b.addr}/32`,
      'ipproto',
      'tcp',
      'dport',
      `${tcpPorts[0]}-${tcpPorts[1]}`,
      'unreachable',
      'prio',
      String(RULE_PRIO_MIN + used),
    ],
    a.ns,
  );
}

function ruleCount(ns: string): number {
  return (JSON.parse(ip(['-j', 'rule', 'show'], ns)) as { priority: number }[]).filter(
    (r) => r.priority >= RULE_PRIO_MIN && r.priority <= RULE_PRIO_MAX,
  ).length;
}

/** Whether the kernel has `sch_netem` (some VM kernels ship without it). */
export function netemAvailable(plan: NetPlan): boolean {
  const h = plan.hosts[0]!;
  const ok = ipQuietTc(['qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], h.ns);
  if (ok) ipQuietTc(['qdisc', 'del', 'dev', 'lo', 'root'], h.ns);
  return ok;
}

function ipQuietTc(args: string[], ns: string): boolean {
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'tc', ...args], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Delay and loss on a host's link (both directions of every flow through it are affected on egress). */
export function netem(
  plan: NetPlan,
  host: string,
  opts: { delayMs: number; jitterMs: number; lossPct: number },
): void {
  const h = hostByName(plan, host);
  execFileSync(
    'ip',
    [
      'netns',
      'exec',
      h.ns,
      'tc',
      'qdisc',
      'replace',
      'dev',
      NS_IF,
      'root',
      'netem',
      'delay',
      `${opts.delayMs}ms`,
      `${opts.jitterMs}ms`,
      'loss',
      `${opts.lossPct}%`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Removes every fault the drills can inject: unreachable/blackhole routes, drill rules, netem. */
export function heal(plan: NetPlan): void {
  const present = new Set(namespaces());
  for (const h of plan.hosts.filter((x) => present.has(x.ns))) {
    for (const type of ['unreachable', 'blackhole']) {
      const routes = JSON.parse(ip(['-j', 'route', 'show', 'type', type], h.ns)) as { dst: string }[];
      for (const r of routes) ipQuiet(['route', 'del', type, r.dst], h.ns);
    }
    const rules = JSON.parse(ip(['-j', 'rule', 'show'], h.ns)) as { priority: number }[];
    for (const r of rules)
      if (r.priority >= RULE_PRIO_MIN && r.priority <= RULE_PRIO_MAX)
        ipQuiet(['rule', 'del', 'prio', String(r.priority)], h.ns);
    ipQuietTc(['qdisc', 'del', 'dev', NS_IF, 'root'], h.ns);
  }
}

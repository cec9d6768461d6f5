// `mesh` command line: the operator's interface to the local mesh (the Makefile wraps it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Mesh } from './mesh.js';
import { addrOf } from './profile.js';
import { APP_KINDS, type ComponentKind } from './process-spec.js';

const USAGE = `usage: mesh <command>
  up [--infra-only]        start the whole mesh (infra, then the app services that exist)
  down                     stop everything this profile started; no process or port left
  restart                  down, then up
  status                   table: component, pid, port, restarts, Consul health
  health                   infrastructure health (exit 1 when unhealthy)
  logs [component] [-f]    last lines of one or all logs (follow with -f)
  scale <kind>=<n>         run n instances of api|worker|beat|web|gateway
  kill <component> [--signal SIG] [--no-restart]
  start <component> | stop <component>
  env                      the environment a service instance gets (KEY=VALUE)
  test-run -- <cmd...>     bring infra up if needed, run cmd with the env, take it down again
profile: MESH_PROFILE (dev|test|…), MESH_PORT_BASE, MESH_RUN_ROOT`;

const mesh = new Mesh();
const tag = `[mesh:${mesh.profile.name}]`;
const say = (line: string) => process.stdout.write(`${tag} ${line}\n`);

function urls(): void {
  const p = mesh.ports;
  const at = (component: string) => addrOf(mesh.profile, component);
  const gw = `http://${at('gateway-1')}:${p.gateway(1)}`;
  const lines = [
    ['web app (through the gateway)', `${gw}/`],
    ['API through the gateway', `${gw}/api/events/`],
    ['API reference (OpenAPI 3.1)', `${gw}/api/docs/`],
    ['queue status page', `${gw}/queues`],
    [
      'gateway routing table',
      `http://${at('gateway-1')}:${p.gatewayAdmin(1)}/status   (operator listener; also /metrics)`,
    ],
    ['Consul UI', `http://${at('consul-1')}:${p.consul[0]!.http}/ui/`],
    ['mails received (SMTP sink)', `http://${at('smtp')}:${p.smtpHttp}/messages`],
    ['Redis Sentinels', p.sentinel.map((x, i) => `${at(`sentinel-${i + 1}`)}:${x}`).join(' ')],
    ['logs', `${mesh.profile.runDir}/logs/`],
  ];
  process.stdout.write('\n');
  for (const [k, v] of lines) process.stdout.write(`  ${k.padEnd(28)} ${v}\n`);
  process.stdout.write('\n');
}

async function printStatus(): Promise<void> {
  const [comps, view] = await Promise.all([mesh.status(), mesh.consulView()]);
  const rows = comps.map((c) => [
    c.name,
    c.pid ? String(c.pid) : '-',
    `${addrOf(mesh.profile, c.name)}:${c.port}`,
    c.running ? 'running' : c.held ? 'stopped' : 'restarting',
    String(c.restarts),
    view.get(c.name) ?? (c.kind === 'redis' ? '(not a Consul service)' : '-'),
  ]);
  const head = ['COMPONENT', 'PID', 'ADDRESS', 'STATE', 'RESTARTS', 'CONSUL HEALTH'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows])
    process.stdout.write(r.map((x, i) => x.padEnd(widths[i]!)).join('  ') + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up': {
      say(`starting (run folder ${mesh.profile.runDir})`);
      const r = await mesh.up({ infraOnly: rest.includes('--infra-only'), progress: say });
      say(`${r.ok ? 'up' : 'up with failures'} in ${r.seconds.toFixed(1)} s`);
      urls();
      return r.ok ? 0 : 1;
    }
    case 'down': {
      const t0 = Date.now();
      await mesh.down(say);
      say(`down in ${((Date.now() - t0) / 1000).toFixed(1)} s; no process or port of this profile left`);
      return 0;
    }
    case 'restart':
      await mesh.down(say);
      return main(['up', ...rest]);
    case 'status':
      if (!(await mesh.supervisor.reachable())) {
        say('not running');
        return 1;
      }
      await printStatus();
      return 0;
    case 'health': {
      const r = await mesh.healthReport();
      for (const [name, ok, detail] of r.lines)
        process.stdout.write(`${ok ? '✔' : '✘'} ${name.padEnd(9)} ${detail}\n`);
      if (await mesh.supervisor.reachable()) {
        const view = await mesh.consulView();
        for (const kind of APP_KINDS) {
          const inst = [...view].filter(([k]) => k.startsWith(`${kind}-`));
          if (inst.length)
            process.stdout.write(
              `${inst.every(([, s]) => s === 'passing') ? '✔' : '✘'} ${kind.padEnd(9)} ${inst.map(([k, s]) => `${k}:${s}`).join(' ')}\n`,
            );
        }
      }
      return r.healthy ? 0 : 1;
    }
    case 'logs': {
      const follow = rest.includes('-f') || rest.includes('--follow');
      const name = rest.find((a) => !a.startsWith('-'));
      const dir = `${mesh.profile.runDir}/logs`;
      const files = name
        ? [mesh.logFile(name)]
        : fs
            .readdirSync(dir)
            .filter((f) => f.endsWith('.log'))
            .map((f) => `${dir}/${f}`);
      const missing = files.filter((f) => !fs.existsSync(f));
      if (missing.length) throw new Error(`no log: ${missing.join(', ')}`);
      const args = [follow ? '-F' : '', '-n', name ? '200' : '20', ...files].filter(Boolean);
      if (follow) {
        const child = spawn('tail', args, { stdio: 'inherit' });
        return new Promise((r) => child.on('exit', (c) => r(c ?? 0)));
      }
      return spawnSync('tail', args, { stdio: 'inherit' }).status ?? 0;
    }
    case 'scale': {
      const m = /^(api|worker|beat|web|gateway)=(\d+)$/.exec(rest[0] ?? '');
      if (!m) throw new Error('scale <api|worker|beat|web|gateway>=<n>');
      await mesh.scale(m[1] as ComponentKind, Number(m[2]), say);
      say(`${m[1]} scaled to ${m[2]}`);
      return 0;
    }
    case 'kill': {
      const name = rest.find((a) => !a.startsWith('-'));
      if (!name) throw new Error('kill <component>');
      const si = rest.indexOf('--signal');
      const signal = (si >= 0 ? rest[si + 1] : 'SIGKILL') as NodeJS.Signals;
      const pid = await mesh.kill(name, { signal, restart: !rest.includes('--no-restart') });
      say(
        `${signal} sent to ${name} (pid ${pid ?? 'none'})${rest.includes('--no-restart') ? '' : '; the supervisor restarts it'}`,
      );
      return 0;
    }
    case 'start':
    case 'stop': {
      const name = rest[0];
      if (!name) throw new Error(`${cmd} <component>`);
      await (cmd === 'start' ? mesh.start(name) : mesh.stop(name));
      say(`${name} ${cmd === 'start' ? 'started' : 'stopped'}`);
      return 0;
    }
    case 'env':
      for (const [k, v] of Object.entries(mesh.env)) process.stdout.write(`${k}=${v}\n`);
      return 0;
    case 'test-run': {
      const sep = rest.indexOf('--');
      const command = sep >= 0 ? rest.slice(sep + 1) : rest;
      if (command.length === 0) throw new Error('test-run -- <cmd...>');
      const wasUp = await mesh.supervisor.reachable();
      if (!wasUp) {
        const r = await mesh.up({ infraOnly: true, progress: say });
        say(`infrastructure up in ${r.seconds.toFixed(1)} s`);
      } else {
        say('using the running mesh');
        await mesh.waitHealthy({ timeoutMs: 120_000 });
      }
      const code = await new Promise<number>((resolve) => {
        const child = spawn(command[0]!, command.slice(1), {
          stdio: 'inherit',
          env: { ...process.env, ...mesh.env },
        });
        child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0)));
      });
      if (!wasUp && !process.env['MESH_KEEP']) await mesh.down(say);
      return code;
    }
    default:
      process.stdout.write(USAGE + '\n');
      return cmd ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${tag} error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);

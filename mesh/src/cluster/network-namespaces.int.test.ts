// The simulated hosts' network: created, isolated on demand, healed, and removed without a trace.
// Uses its own /24 (10.77.2.0/24, names tagged "nt") so it never touches a running cluster profile.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import {
  createNetwork,
  dropOneWay,
  heal,
  leftovers,
  netPlan,
  partition,
  teardownNetwork,
} from './network-namespaces.js';

const plan = netPlan('10.77.2', 'nt');

/** Opens a TCP connection from inside `ns` to addr:port (bash /dev/tcp), 2 s at most. */
function canConnect(ns: string, addr: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, 'timeout', '2', 'bash', '-c', `exec 3<>/dev/tcp/${addr}/${port}`],
      (err) => resolve(!err),
    );
  });
}

/** A listener inside `ns` on addr:port (a one-line node server), until killed. */
function listenIn(ns: string, addr: string, port: number): Promise<{ stop: () => void }> {
  const script = `require('net').createServer((s)=>s.end()).listen(${port}, '${addr}', () => console.log('up'))`;
  const child = execFile('ip', ['netns', 'exec', ns, process.execPath, '-e', script]);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve({ stop: () => child.kill('SIGKILL') }));
    child.once('exit', (code) => reject(new Error(`listener in ${ns} exited ${code}`)));
  });
}

after(() => {
  heal(plan);
  teardownNetwork(plan);
});

describe('simulated hosts (network namespaces)', () => {
  test('when the network is created then each host reaches the others and the bridge, and only its /24 is used', async () => {
    assert.equal(createNetwork(plan), 'created');
    assert.equal(createNetwork(plan), 'existing', 'a second create is a no-op');
    const [a, b, c] = plan.hosts;
    const lb = await listenIn(b!.ns, b!.addr, 29999);
    const lc = await listenIn(c!.ns, c!.addr, 29999);
    try {
      assert.equal(await canConnect(a!.ns, b!.addr, 29999), true, 'host-a → host-b');
      assert.equal(await canConnect(a!.ns, c!.addr, 29999), true, 'host-a → host-c');
      assert.equal(await canConnect(a!.ns, '127.0.0.1', 29999), false, "host-a's loopback is its own");
      const rootBridge = new net.Server().listen(29998, plan.bridgeAddr);
      await new Promise((r) => rootBridge.once('listening', r));
      assert.equal(await canConnect(c!.ns, plan.bridgeAddr, 29998), true, 'host-c → the bridge address');
      rootBridge.close();

      partition(plan, 'host-a', ['host-b']);
      assert.equal(await canConnect(a!.ns, b!.addr, 29999), false, 'host-a cut off from host-b');
      assert.equal(await canConnect(c!.ns, b!.addr, 29999), true, 'host-c still reaches host-b');
      heal(plan);
      assert.equal(await canConnect(a!.ns, b!.addr, 29999), true, 'healed');

      dropOneWay(plan, 'host-a', 'host-c', [29990, 29999]);
      assert.equal(await canConnect(a!.ns, c!.addr, 29999), false, 'host-a → host-c:29999 filtered');
      assert.equal(await canConnect(b!.ns, c!.addr, 29999), true, 'host-b → host-c unaffected');
      heal(plan);
      assert.equal(await canConnect(a!.ns, c!.addr, 29999), true, 'rule removed by heal');
    } finally {
      lb.stop();
      lc.stop();
    }
  });

  test('when the network is torn down then no namespace, link or address of it is left', () => {
    teardownNetwork(plan);
    assert.deepEqual(leftovers(plan), []);
    const links = execFileSync('ip', ['-br', 'link'], { encoding: 'utf8' });
    assert.doesNotMatch(links, /mut-nt-/);
  });

  test('when an address of the range is already in use then creating the network is refused', () => {
    const other = netPlan('10.77.3', 'nu');
    execFileSync('ip', ['link', 'add', 'mut-nu-probe', 'type', 'veth', 'peer', 'name', 'mut-nu-probe2']);
    try {
      execFileSync('ip', ['addr', 'add', '10.77.3.50/32', 'dev', 'mut-nu-probe']);
      assert.throws(
        () => createNetwork(other),
        /10\.77\.3\.0\/24 is already in use on this machine.*10\.77\.3\.50/,
      );
      assert.deepEqual(
        leftovers(other).filter((l) => !l.includes('mut-nu-probe')),
        [],
        'nothing created',
      );
    } finally {
      execFileSync('ip', ['link', 'del', 'mut-nu-probe']);
    }
  });
});

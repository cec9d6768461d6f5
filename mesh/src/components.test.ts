import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeFlagsOf } from './build.js';
import { checkSettingsEnv, ensureConfLines, instanceEnv, serviceEnv, specByName } from './components.js';
import { portsFor, resolveProfile, type Profile } from './profile.js';
import { newConsulSecrets } from './consul-acl.js';
import { repoRoot, type MeshSecrets } from './run-dir.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'components-'));
const profile: Profile = {
  name: 'unit',
  base: 27000,
  runDir: root,
  ports: portsFor(27000),
  scale: { api: 1, worker: 1, beat: 1, web: 1, gateway: 1 },
};
const secrets: MeshSecrets = {
  pgSuperuserPassword: 'su',
  pgReplicationPassword: 'repl',
  pgRewindPassword: 'rew',
  dbPassword: 'db',
  jwtSecret: 'jwt',
  redisPassword: 'redis',
  patroniRestPassword: 'rest',
  consul: { ...newConsulSecrets(), managementToken: 'mgmt' },
};

describe('component specs and environments', () => {
  test('when the gateway gets its environment then it holds no database, JWT or superuser secret and its own token', () => {
    const env = instanceEnv(profile, secrets, 'gateway', 0);
    for (const k of ['DB_PASSWORD', 'DB_SUPERUSER_PASSWORD', 'JWT_SECRET', 'DB_NAME', 'DB_USER'])
      assert.equal(env[k], undefined, k);
    assert.equal(env['REDIS_PASSWORD'], 'redis');
    assert.equal(env['CONSUL_HTTP_TOKEN'], secrets.consul.tokens['gateway']);
    assert.notEqual(env['CONSUL_HTTP_TOKEN'], 'mgmt');
  });

  test('when the web server gets its environment then it holds its session key and its own token, no other secret', () => {
    const env = instanceEnv(profile, secrets, 'web', 0);
    for (const k of ['DB_PASSWORD', 'DB_SUPERUSER_PASSWORD', 'JWT_SECRET', 'REDIS_PASSWORD'])
      assert.equal(env[k], undefined, k);
    assert.ok((env['WEB_SESSION_SECRET'] ?? '').length >= 32);
    assert.equal(env['CONSUL_HTTP_TOKEN'], secrets.consul.tokens['web']);
    assert.equal(instanceEnv(profile, secrets, 'api', 0)['WEB_SESSION_SECRET'], undefined);
  });

  test('when an API instance of the test profile gets its environment then it hashes passwords cheaply, and only there', () => {
    const at = (name: string, base = '') =>
      resolveProfile({ MESH_PROFILE: name, MESH_PORT_BASE: base, MESH_RUN_ROOT: root });
    const testProfile = at('test');
    assert.equal(instanceEnv(testProfile, secrets, 'api', 0)['PASSWORD_SCRYPT_N'], '1024');
    assert.equal(instanceEnv(testProfile, secrets, 'web', 0)['PASSWORD_SCRYPT_N'], undefined);
    assert.equal(serviceEnv(testProfile, secrets, 0)['PASSWORD_SCRYPT_N'], undefined);
    assert.equal(instanceEnv(at('dev'), secrets, 'api', 0)['PASSWORD_SCRYPT_N'], undefined);
    for (const p of [at('dev'), at('cluster'), at('bench-gw', '26500')])
      assert.equal(p.apiScryptN, undefined, p.name);
  });

  test('when api, worker and beat get their environment then each has only the secrets it uses', () => {
    assert.equal(instanceEnv(profile, secrets, 'api', 0)['JWT_SECRET'], 'jwt');
    assert.equal(instanceEnv(profile, secrets, 'beat', 0)['JWT_SECRET'], undefined);
    assert.equal(instanceEnv(profile, secrets, 'beat', 0)['DB_PASSWORD'], 'db');
    assert.equal(instanceEnv(profile, secrets, 'worker', 0)['DB_SUPERUSER_PASSWORD'], undefined);
    assert.equal(
      serviceEnv(profile, secrets, 0)['CONSUL_HTTP_TOKEN'],
      'mgmt',
      'the operator environment has the management token',
    );
  });

  test('when a service or the SMTP sink is specified then it runs its tsc output with no TypeScript loader', () => {
    for (const [name, file] of [
      ['api-1', 'services/api/dist/main.js'],
      ['worker-1', 'services/worker/dist/main.js'],
      ['beat-1', 'services/beat/dist/main.js'],
      ['web-1', 'services/web/dist/main.js'],
      ['gateway-1', 'gateway/dist/main.js'],
      ['smtp', 'mesh/dist/smtp-sink.main.js'],
    ] as const) {
      const spec = specByName(profile, secrets, name);
      assert.equal(spec.command, process.execPath, name);
      assert.equal(spec.args.at(-1), path.join(repoRoot, file), name);
      assert.ok(!spec.args.some((a) => /tsx|conditions/.test(a)), name);
    }
  });

  test('when a gateway is specified then it runs with the Node flags of its package.json, the other services without', () => {
    assert.deepEqual(nodeFlagsOf('gateway'), ['--min-semi-space-size=16']);
    assert.deepEqual(specByName(profile, secrets, 'gateway-1').args.slice(0, -1), nodeFlagsOf('gateway'));
    for (const name of ['api-1', 'worker-1', 'beat-1', 'web-1'])
      assert.equal(specByName(profile, secrets, name).args.length, 1, name);
  });

  test('when a caller names something that is not a component or passes code-running variables then it is refused', () => {
    assert.throws(() => specByName(profile, secrets, '/bin/sh'), /component names only/);
    assert.throws(() => specByName(profile, secrets, 'consul-4'), /consul has 3 members/);
    assert.throws(() => specByName(profile, secrets, 'evil-1'), /no app service "evil"/);
    assert.throws(
      () => checkSettingsEnv({ NODE_OPTIONS: '--require x' }),
      /NODE_OPTIONS is not a service setting/,
    );
    assert.throws(() => checkSettingsEnv({ PATH: '/tmp' }), /PATH is not a service setting/);
    assert.deepEqual(checkSettingsEnv({ GATEWAY_TRUSTED_PROXIES: '127.0.0.1' }), {
      GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
    });
  });

  test('when a config rendered before passwords is completed then nopass and protected-mode no are replaced', () => {
    const conf = path.join(root, 'sentinel.conf');
    fs.writeFileSync(
      conf,
      'port 1\nprotected-mode no\nuser default on nopass ~* &* +@all\nsentinel monitor m 127.0.0.1 2 2\n',
    );
    ensureConfLines(conf, {
      'protected-mode': 'protected-mode yes',
      'user default': 'user default on >pw ~* &* +@all',
      requirepass: 'requirepass pw',
    });
    const text = fs.readFileSync(conf, 'utf8');
    assert.doesNotMatch(text, /nopass|protected-mode no/);
    assert.match(text, /^requirepass pw$/m);
    assert.equal((fs.statSync(conf).mode & 0o777).toString(8), '600');
  });
});

// Throw-away: boots the gateway against local backends with a static catalog for CPU probing.
import { createLogger } from '@mutiroes/platform';
import { loadConfig } from '../config.js';
import { startGateway } from '../gateway.js';
import { StaticCatalog, instance } from './static-catalog.js';

const ports = (process.env['BACKENDS'] ?? '24591,24592,24593').split(',').map(Number);
const config = loadConfig({ ...process.env, PORT: process.env['PORT'] ?? '24580' });
const log = createLogger({ service: 'gateway', instance: 'probe', level: 'info' });
const catalog = new StaticCatalog();
const gw = await startGateway(config, { catalog, redis: null, log });
catalog.set(ports.map((p, i) => instance('api', `api-${i + 1}`, p)));
console.error('probe listening', gw.port);
process.on('SIGINT', () => process.exit(0));

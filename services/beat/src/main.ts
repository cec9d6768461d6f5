// Beat process: config → logger → startBeat → signal handlers.
import { createLogger } from '@mutiroes/platform';
import { loadConfig } from './config.js';
import { startBeat } from './start-beat.js';

const config = loadConfig();
const log = createLogger({
  service: config.SERVICE_NAME,
  ...(config.INSTANCE_ID ? { instance: config.INSTANCE_ID } : {}),
  level: config.LOG_LEVEL,
});
process.on('unhandledRejection', (reason) =>
  log.error('unhandled rejection', { error: reason instanceof Error ? reason.stack : String(reason) }),
);

try {
  const beat = await startBeat(config, log);
  beat.lifecycle.installSignalHandlers();
} catch (e) {
  log.error('beat failed to start', { error: e instanceof Error ? e.stack : String(e) });
  process.exit(1);
}

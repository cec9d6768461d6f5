// Shared runtime of every Mutirões process: config, logging with request ids, errors, ordered shutdown.
export { defineConfig, ConfigError, type ConfigSchema, type ConfigOptions } from './config.js';
export { secretProblems, isEnvExamplePlaceholder, MIN_SECRET_BYTES, type SecretSpec } from './secrets.js';
export { createLogger, logger, type Logger, type LoggerOptions } from './logger.js';
export {
  requestContext,
  currentRequestId,
  runWithRequestId,
  newRequestId,
  type RequestContext,
} from './request-context.js';
export { AppError, type ErrorLevel } from './app-error.js';
export { Lifecycle, type ShutdownStep } from './lifecycle.js';
export { sleep, waitFor, withTimeout, type WaitForOptions } from './timing.js';
export {
  serviceConfigShape,
  databaseConfigShape,
  redisConfigShape,
  dataServiceConfigShape,
  LOG_LEVELS,
} from './service-config.js';

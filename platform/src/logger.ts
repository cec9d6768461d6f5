// winston JSON logger; every line carries service, instance and the current request id.
import winston from 'winston';
import { requestContext } from './request-context.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  instance?: string;
  level?: string;
}

const addRequestId = winston.format((info) => {
  const ctx = requestContext.getStore();
  if (ctx?.requestId && info['request_id'] === undefined) info['request_id'] = ctx.requestId;
  return info;
});

export function createLogger(opts: LoggerOptions): Logger {
  return winston.createLogger({
    level: opts.level ?? process.env['LOG_LEVEL'] ?? 'info',
    defaultMeta: { service: opts.service, ...(opts.instance ? { instance: opts.instance } : {}) },
    format: winston.format.combine(
      addRequestId(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console({ stderrLevels: [] })],
  });
}

/** Process-wide default logger; services replace it with their own via createLogger. */
export const logger: Logger = createLogger({ service: process.env['SERVICE_NAME'] ?? 'mutiroes' });

// Test fixture: a quiet logger (warnings and errors only, unless LOG_LEVEL says otherwise).
import { createLogger } from '@mutiroes/platform';

export const testLogger = (name: string) =>
  createLogger({ service: `registry-test:${name}`, level: process.env['TEST_LOG_LEVEL'] ?? 'error' });

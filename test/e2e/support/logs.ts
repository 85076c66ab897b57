import { createLogger, silentLogger, type Logger } from '../../../src/shared/logger.js';

/**
 * The logger parts started by the e2e suites use: silent, or JSON lines on stderr at
 * `E2E_LOG=<level>` when a failure needs looking into.
 */
export function testLogger(name: string): Logger {
  const level = process.env['E2E_LOG'];
  return level ? createLogger({ level, name }) : silentLogger();
}

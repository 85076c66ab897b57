import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/shared/logger.js';

const captured: string[] = [];
const echo = process.env['E2E_LOG'];

// Every line any part writes, at debug level, so a suite can check what never shows up in logs.
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    const text = chunk.toString();
    captured.push(text);
    if (echo) process.stderr.write(text);
    done();
  },
});

/**
 * The logger parts started by the e2e suites use: the project's logger (secrets redacted) at
 * debug level into memory, echoed on stderr when `E2E_LOG` is set.
 */
export function testLogger(name: string): Logger {
  return createLogger({ level: 'debug', name, destination: sink });
}

/** Every log line written so far by the parts this test file started. */
export function capturedLogs(): readonly string[] {
  return captured;
}

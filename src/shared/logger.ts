import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths whose values are never written to a log line, wherever they appear. */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'password',
  '*.password',
  'new_password',
  '*.new_password',
  'secret',
  '*.secret',
  'req.headers.authorization',
  'headers.authorization',
];

export interface LogOptions {
  /** pino level; default `info`. */
  level?: string;
  /** Component name stamped on each line. */
  name?: string;
  /** Destination; default standard output. */
  destination?: pino.DestinationStream;
}

/** The project's logger: JSON lines, secrets redacted. */
export function createLogger({ level = 'info', name, destination }: LogOptions = {}): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    ...(name ? { name } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

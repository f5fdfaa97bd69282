/**
 * Logging (STYLE.md convention 7): one pino root, child loggers bound to device, link,
 * session and datastore, secrets redacted. Pure layers never log; they return events and
 * the daemon logs them here.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import { PrettyTransform } from './pretty.js';
import type { LogLevel } from './config.js';

/** Paths censored in every log line: passwords, SyncML credentials, authorisation headers. */
export const REDACT_PATHS: readonly string[] = [
  'password', '*.password', 'cred', '*.cred', 'Cred', '*.Cred', 'authorization', '*.authorization',
  'headers.authorization', 'req.headers.authorization',
];

export interface LoggerSetup {
  readonly level: LogLevel;
  /** `pretty` for humans (default when stderr is a TTY), `json` for machines and journald. */
  readonly format?: 'json' | 'pretty';
  /** Where lines go; defaults to stderr (stdout is for command output). */
  readonly destination?: NodeJS.WritableStream;
}

/** Create the root logger. */
export function createLogger(setup: LoggerSetup): Logger {
  const options: LoggerOptions = {
    name: 'syncml-bridge',
    level: setup.level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: { pid: process.pid },
  };
  const dest = setup.destination ?? process.stderr;
  const format = setup.format ?? ((dest as NodeJS.WriteStream).isTTY === true ? 'pretty' : 'json');
  if (format === 'pretty') {
    const pretty = new PrettyTransform();
    pretty.pipe(dest);
    return pino(options, pretty);
  }
  return pino(options, dest);
}

/** Context bound to every line of a child logger (only these keys: never untrusted keys). */
export interface LogContext {
  readonly device?: string;
  readonly link?: string;
  readonly session?: string;
  readonly datastore?: string;
}

export function childLogger(parent: Logger, ctx: LogContext): Logger {
  return parent.child({ ...ctx });
}

/**
 * The gateway's logger: pino, one line per request; JSON lines in
 * production (one object per line, for the log pipeline), pino-pretty's
 * human-readable lines in development unless LOG_FORMAT=json.
 *
 * Personal data never reaches a log line: request lines are built from an
 * explicit list of fields (no headers, no variables, no bodies), and the
 * redaction list is a second guard for anything that slips into an error
 * object (authorization headers, emails, tokens).
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  /** pino-pretty's lines on stdout instead of JSON; ignored when a destination is given. Default false. */
  pretty?: boolean;
}

export const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'email',
  '*.email',
  'token',
  '*.token',
  'variables',
  '*.variables',
];

export function createLogger(level: string, destination?: pino.DestinationStream, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Epoch milliseconds: formatting an ISO date per line is measurable on the hot path.
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    destination ?? (options.pretty ? prettyStdout() : undefined),
  );
}

/**
 * pino-pretty in the process (a stream, not a worker-thread transport), and
 * synchronous, so the last lines before `process.exit` are not lost; it
 * formats each line, which is why production keeps JSON.
 */
function prettyStdout(): pino.DestinationStream {
  return pretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', sync: true });
}

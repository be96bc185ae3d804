/**
 * The gateway's logger: pino, JSON lines, one line per request.
 *
 * Personal data never reaches a log line: request lines are built from an
 * explicit list of fields (no headers, no variables, no bodies), and the
 * redaction list is a second guard for anything that slips into an error
 * object (authorization headers, emails, tokens).
 */
import pino, { type Logger } from 'pino';

export type { Logger };

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Epoch milliseconds: formatting an ISO date per line is measurable on the hot path.
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    destination,
  );
}

/**
 * A real pino logger (the gateway's own `createLogger`) writing into memory,
 * so a test can read the lines a request produced.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging/logger';

export interface CapturedLogs {
  logger: Logger;
  /** Every line, parsed. */
  lines: Record<string, any>[];
  /** Every chunk as written. */
  raw: string[];
}

export function capturedLogs(level = 'info'): CapturedLogs {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const logger = createLogger(
    level,
    new Writable({
      write(chunk, _encoding, done) {
        raw.push(String(chunk));
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { logger, lines, raw };
}

/**
 * A result whose body is already written (a response-cache hit), and the
 * serialization of every result into a response body.
 *
 * Why: a stored response is kept as the bytes it was written with; parsing
 * them back into objects only to serialize them again is most of what a
 * cache hit used to cost. `storedResult` gives Apollo's plugins and executor
 * path an ordinary result (its `data` parsed on first read, for whoever
 * needs the objects), and `resultBody` writes the stored bytes as they are
 * when nobody did.
 *
 * `serializeResult` writes what Apollo Server writes (`JSON.stringify` of
 * `{ errors, data, extensions }`, in that order, absent ones left out);
 * `resultBody` writes a result that has only data through the operation's
 * compiled serializer when there is one (resultSerializer.ts says why that
 * is the same).
 *
 * `resultBody` is the same body as UTF-8 bytes, which the socket takes
 * without another copy: a text body was flattened and measured for the size
 * bound, then copied again into the header's string and encoded while
 * written. A stored result read by nobody is its stored body, so a
 * response-cache hit allocates nothing for its body.
 */
import type { FormattedExecutionResult } from 'graphql';
import type { DataSerializer } from './resultSerializer';

const STORED_BODY = Symbol('stored body');

interface WithStoredBody {
  [STORED_BODY]?: { body: Buffer; parsed: boolean };
}

/** A body's bytes around its data when there is nothing else: `{"data":` and `}`. */
const DATA_HEAD = Buffer.from('{"data":', 'utf8');
const DATA_TAIL = Buffer.from('}', 'utf8');

/** A result whose body is `body`, `{"data":…}` in UTF-8 (as a response-cache hit holds it); its `data` parsed only if read. */
export function storedResult(body: Buffer): FormattedExecutionResult {
  const stored = { body, parsed: false };
  let data: Record<string, unknown> | undefined;
  // An own, enumerable accessor (as `Object.defineProperty` would make it), written as a literal: cheaper to make.
  const result: FormattedExecutionResult & WithStoredBody = {
    get data() {
      if (!stored.parsed) {
        data = JSON.parse(body.toString('utf8', DATA_HEAD.length, body.length - DATA_TAIL.length)) as Record<string, unknown>;
        stored.parsed = true;
      }
      return data;
    },
    set data(value: Record<string, unknown> | undefined) {
      data = value;
      stored.parsed = true;
    },
    [STORED_BODY]: stored,
  };
  return result;
}

/**
 * The response body of `result`, as Apollo Server writes it, in UTF-8 bytes;
 * a result with data only through the operation's compiled serializer when
 * there is one (it writes bytes as it walks: resultSerializer.ts).
 */
export function resultBody(result: FormattedExecutionResult, serializer: DataSerializer | null): Buffer {
  const stored = (result as WithStoredBody)[STORED_BODY];
  const only = result.errors === undefined && result.extensions === undefined;
  if (stored !== undefined) return only && !stored.parsed ? stored.body : Buffer.from(serializeResult(result), 'utf8');
  if (serializer && only && result.data !== undefined) return serializer(result.data, DATA_HEAD, DATA_TAIL);
  return Buffer.from(serializeResult(result), 'utf8');
}

/** The response body of `result`, as Apollo Server writes it (`JSON.stringify` of its parts, stored data as it was stored). */
export function serializeResult(result: FormattedExecutionResult): string {
  let body = '{';
  let comma = false;
  if (result.errors !== undefined) {
    body += `"errors":${JSON.stringify(result.errors)}`;
    comma = true;
  }
  const stored = (result as WithStoredBody)[STORED_BODY];
  const data =
    stored && !stored.parsed
      ? stored.body.toString('utf8', DATA_HEAD.length, stored.body.length - DATA_TAIL.length)
      : result.data === undefined
        ? undefined
        : JSON.stringify(result.data);
  if (data !== undefined) {
    body += `${comma ? ',' : ''}"data":${data}`;
    comma = true;
  }
  if (result.extensions !== undefined) body += `${comma ? ',' : ''}"extensions":${JSON.stringify(result.extensions)}`;
  return `${body}}`;
}

/**
 * A result whose data is already JSON text (a response-cache hit), and the
 * serialization of every result into a response body.
 *
 * Why: a stored response is kept as the bytes it was written with; parsing
 * them back into objects only to serialize them again is most of what a
 * cache hit used to cost. `storedResult` gives Apollo's plugins and executor
 * path an ordinary result (its `data` parsed on first read, for whoever
 * needs the objects), and `serializeResult` writes the stored text as it is
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
 * written. The body of a stored result written as it was stored
 * (`{"data":…}`) is encoded once per stored text and kept (bounded), so a
 * response-cache hit allocates nothing for its body.
 */
import type { FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { DataSerializer } from './resultSerializer';

const STORED_DATA = Symbol('stored data');

interface WithStoredData {
  [STORED_DATA]?: { json: string; parsed: boolean };
}

/** A result whose `data` is `json`, parsed only if read. */
export function storedResult(json: string): FormattedExecutionResult {
  const stored = { json, parsed: false };
  let data: Record<string, unknown> | undefined;
  // An own, enumerable accessor (as `Object.defineProperty` would make it), written as a literal: cheaper to make.
  const result: FormattedExecutionResult & WithStoredData = {
    get data() {
      if (!stored.parsed) {
        data = JSON.parse(stored.json) as Record<string, unknown>;
        stored.parsed = true;
      }
      return data;
    },
    set data(value: Record<string, unknown> | undefined) {
      data = value;
      stored.parsed = true;
    },
    [STORED_DATA]: stored,
  };
  return result;
}

/** Bytes of stored bodies kept, by the stored data's text. */
const STORED_BODY_BYTES_KEPT = 8 * 1024 * 1024;
const storedBodies = new LRUCache<string, Buffer>({ maxSize: STORED_BODY_BYTES_KEPT, sizeCalculation: (bytes) => bytes.length });

/** A body's bytes around its data when there is nothing else: `{"data":` and `}`. */
const DATA_HEAD = Buffer.from('{"data":', 'utf8');
const DATA_TAIL = Buffer.from('}', 'utf8');

/**
 * The response body of `result`, as Apollo Server writes it, in UTF-8 bytes;
 * a result with data only through the operation's compiled serializer when
 * there is one (it writes bytes as it walks: resultSerializer.ts).
 */
export function resultBody(result: FormattedExecutionResult, serializer: DataSerializer | null): Buffer {
  const stored = (result as WithStoredData)[STORED_DATA];
  if (stored === undefined && serializer && result.errors === undefined && result.extensions === undefined && result.data !== undefined) {
    return serializer(result.data, DATA_HEAD, DATA_TAIL);
  }
  if (!stored || stored.parsed || result.errors !== undefined || result.extensions !== undefined) return Buffer.from(serializeResult(result), 'utf8');
  let bytes = storedBodies.get(stored.json);
  if (bytes === undefined) {
    bytes = Buffer.from(serializeResult(result), 'utf8');
    if (bytes.length <= STORED_BODY_BYTES_KEPT / 16) storedBodies.set(stored.json, bytes);
  }
  return bytes;
}

/** The response body of `result`, as Apollo Server writes it (`JSON.stringify` of its parts, stored data as it was stored). */
export function serializeResult(result: FormattedExecutionResult): string {
  let body = '{';
  let comma = false;
  if (result.errors !== undefined) {
    body += `"errors":${JSON.stringify(result.errors)}`;
    comma = true;
  }
  const stored = (result as WithStoredData)[STORED_DATA];
  const data = stored && !stored.parsed ? stored.json : result.data === undefined ? undefined : JSON.stringify(result.data);
  if (data !== undefined) {
    body += `${comma ? ',' : ''}"data":${data}`;
    comma = true;
  }
  if (result.extensions !== undefined) body += `${comma ? ',' : ''}"extensions":${JSON.stringify(result.extensions)}`;
  return `${body}}`;
}

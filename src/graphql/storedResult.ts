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
 * `{ errors, data, extensions }`, in that order, absent ones left out),
 * `data` through the operation's compiled serializer when there is one and
 * the result has no errors (resultSerializer.ts says why that is the same).
 */
import type { FormattedExecutionResult } from 'graphql';
import type { DataSerializer } from './resultSerializer';

const STORED_DATA = Symbol('stored data');

interface WithStoredData {
  [STORED_DATA]?: { json: string; parsed: boolean };
}

/** A result whose `data` is `json`, parsed only if read. */
export function storedResult(json: string): FormattedExecutionResult {
  const stored = { json, parsed: false };
  let data: Record<string, unknown> | undefined;
  const result: FormattedExecutionResult & WithStoredData = {};
  Object.defineProperty(result, 'data', {
    enumerable: true,
    configurable: true,
    get() {
      if (!stored.parsed) {
        data = JSON.parse(stored.json) as Record<string, unknown>;
        stored.parsed = true;
      }
      return data;
    },
    set(value: Record<string, unknown>) {
      data = value;
      stored.parsed = true;
    },
  });
  result[STORED_DATA] = stored;
  return result;
}

/** The response body of `result`, as Apollo Server writes it. */
export function serializeResult(result: FormattedExecutionResult, serializer: DataSerializer | null): string {
  let body = '{';
  let comma = false;
  if (result.errors !== undefined) {
    body += `"errors":${JSON.stringify(result.errors)}`;
    comma = true;
  }
  const stored = (result as WithStoredData)[STORED_DATA];
  const data = stored && !stored.parsed ? stored.json : dataJson(result, serializer);
  if (data !== undefined) {
    body += `${comma ? ',' : ''}"data":${data}`;
    comma = true;
  }
  if (result.extensions !== undefined) body += `${comma ? ',' : ''}"extensions":${JSON.stringify(result.extensions)}`;
  return `${body}}`;
}

function dataJson(result: FormattedExecutionResult, serializer: DataSerializer | null): string | undefined {
  const { data } = result;
  if (data === undefined) return undefined;
  return serializer && result.errors === undefined ? serializer(data) : JSON.stringify(data);
}

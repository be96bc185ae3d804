/**
 * Accept negotiation for the responses the gateway writes itself (405, 413,
 * malformed JSON, 500): the same media type Apollo would choose for a result.
 *
 * `application/graphql-response+json` when the Accept header prefers it to
 * `application/json`, else `application/json` (also when Accept is absent or
 * names neither: the body is JSON either way, and Apollo does the same for
 * its own request errors). Ranking as in Apollo's negotiator: q, then
 * specificity, then position in the header; a tie goes to `application/json`.
 */

export const APPLICATION_JSON = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';

export function errorContentType(accept: string | undefined): string {
  if (!accept) return APPLICATION_JSON;
  const ranges = parseAccept(accept);
  const json = bestRange(ranges, 'application', 'json');
  const graphql = bestRange(ranges, 'application', 'graphql-response+json');
  if (!graphql || graphql.q <= 0) return APPLICATION_JSON;
  if (!json || json.q <= 0) return GRAPHQL_RESPONSE_JSON;
  const order = json.q - graphql.q || json.s - graphql.s || graphql.o - json.o;
  return order < 0 ? GRAPHQL_RESPONSE_JSON : APPLICATION_JSON;
}

interface MediaRange {
  type: string;
  subtype: string;
  /** Quality, 0..1. */
  q: number;
  /** Position in the header. */
  o: number;
  /** Specificity of the match (set by `bestRange`). */
  s: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  accept.split(',').forEach((part, o) => {
    const [range = '', ...params] = part.split(';');
    const [type, subtype] = range.trim().toLowerCase().split('/');
    if (!type || !subtype) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q' && value !== undefined) {
        const parsed = Number(value.trim());
        q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
      }
    }
    ranges.push({ type, subtype, q, o, s: 0 });
  });
  return ranges;
}

/** The most specific range of the header that matches `type/subtype`, if any. */
function bestRange(ranges: MediaRange[], type: string, subtype: string): MediaRange | undefined {
  let best: MediaRange | undefined;
  for (const range of ranges) {
    const typeMatch = range.type === type ? 4 : range.type === '*' ? 0 : -1;
    const subtypeMatch = range.subtype === subtype ? 2 : range.subtype === '*' ? 0 : -1;
    if (typeMatch < 0 || subtypeMatch < 0) continue;
    const s = typeMatch + subtypeMatch;
    if (!best || s > best.s || (s === best.s && range.q > best.q)) best = { ...range, s };
  }
  return best;
}

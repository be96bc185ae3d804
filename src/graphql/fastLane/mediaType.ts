/**
 * The media type Apollo Server gives a single result, for an Accept header:
 * `application/json` without one, else what its negotiator prefers among
 * JSON, GraphQL-response JSON and JSON with the callback spec, or null when
 * the header accepts none of them (Apollo answers 406; the fast lane leaves
 * such a request to it).
 *
 * Why memoized: clients send a handful of distinct Accept headers, each
 * thousands of times, and negotiating one parses it and allocates every
 * time. At most MAX_REMEMBERED headers are kept; past that the memo starts
 * over, so a client inventing headers costs a negotiation per request, as it
 * did before, and no memory.
 */
import Negotiator from 'negotiator';

const APPLICATION_JSON = 'application/json; charset=utf-8';
// Apollo Server 5's MEDIA_TYPES, in the order it offers them.
const OFFERED = [APPLICATION_JSON, 'application/graphql-response+json; charset=utf-8', 'application/json; callbackSpec=1.0; charset=utf-8'];
const MAX_REMEMBERED = 64;

const remembered = new Map<string, string | null>();

export function singleResultMediaType(accept: string | undefined): string | null {
  if (!accept) return APPLICATION_JSON;
  let chosen = remembered.get(accept);
  if (chosen === undefined) {
    chosen = new Negotiator({ headers: { accept } }).mediaType(OFFERED) ?? null;
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(accept, chosen);
  }
  return chosen;
}

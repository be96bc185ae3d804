/**
 * Node's request headers as Apollo Server takes them: a HeaderMap, repeated
 * headers joined with ", " as HTTP allows.
 */
import { HeaderMap } from '@apollo/server';
import type { IncomingHttpHeaders } from 'node:http';

export function headerMapOf(headers: IncomingHttpHeaders): HeaderMap {
  const map = new HeaderMap();
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) map.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return map;
}

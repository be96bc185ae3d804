/**
 * What one downstream call gives back, and what it tells the request that
 * made it. The types every layer above the transport shares (domain loaders,
 * the cache, the request context), so none of them has to import a client.
 */
import type { DownstreamErrorBody } from '../contract/payloads';
import type { ServiceName } from '../contract/services';

/** Per-request counters, filled by the transport; the request's log line reads them. */
export interface CallTrace {
  downstreamCalls: number;
}

/** A read's value with the service's freshness: its `Cache-Control: max-age`, the longest anyone may cache it. */
export interface Fetched<T> {
  value: T;
  maxAgeSeconds: number | null;
}

/**
 * How a call ended, when it ended as the contract allows: a 2xx whose body
 * passed its check, or an expected 4xx for the client to turn into data.
 * Everything else is a thrown `DownstreamError`.
 */
export type Outcome<T> =
  | { ok: true; status: number; value: T; maxAgeSeconds: number | null }
  | { ok: false; status: number; error: DownstreamErrorBody };

/** Observes every call, for metrics: `outcome` is the HTTP status, or the failure kind. */
export type CallObserver = (service: ServiceName, route: string, outcome: string, ms: number) => void;

/**
 * The gateway's error catalogue: every `extensions.code` a client can see.
 *
 * Why one file: clients branch on these codes, so they are an API. A code is
 * never renamed and never reused for another meaning; a new failure gets a new
 * code here. Messages state the rule that was broken and the value received,
 * and never carry internals (stack traces, downstream URLs, payloads).
 *
 * Expected business failures (out of stock, invalid input, not signed in) are
 * not here: they are data, returned as members of the mutation result unions.
 */
import { GraphQLError } from 'graphql';
import type { ServiceName } from '../contract/services';

export const ErrorCode = {
  /** A downstream service answered 5xx, 429 or an unexpected status. */
  DOWNSTREAM_ERROR: 'DOWNSTREAM_ERROR',
  /** A downstream service did not answer within its timeout, or could not be reached. */
  DOWNSTREAM_TIMEOUT: 'DOWNSTREAM_TIMEOUT',
  /** A downstream service's circuit is open after repeated failures: the call was not even tried. */
  DOWNSTREAM_UNAVAILABLE: 'DOWNSTREAM_UNAVAILABLE',
  /** A downstream service answered with a body that breaks the contract (bad JSON, wrong shape). */
  DOWNSTREAM_BAD_PAYLOAD: 'DOWNSTREAM_BAD_PAYLOAD',
  /** An argument is outside what the schema allows (page size, id pattern, cursor). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A bearer token was sent but is not valid (malformed, expired, bad signature, algorithm not allowed). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** An object the response referred to no longer exists downstream (e.g. a deleted product). */
  NOT_FOUND: 'NOT_FOUND',
  /** The viewer may not see this data (another user's orders). */
  FORBIDDEN: 'FORBIDDEN',
  /** The HTTP request itself is unusable (malformed JSON body, body too large or too slow, headers too large). */
  BAD_REQUEST: 'BAD_REQUEST',
  /**
   * The client is over one of its budgets (requests, estimated cost or
   * persisted-query registrations per minute): HTTP 429 with Retry-After, and
   * `extensions.limit`, `extensions.value`, `extensions.retryAfterSeconds`.
   * Like every code here, never reused or renamed.
   */
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * The gateway is past its bounds (requests in flight, event-loop delay) and refused the request
   * before reading it (HTTP 503, `Retry-After`): nothing ran, so any request may be retried as is.
   */
  OVERLOADED: 'OVERLOADED',
  /** Anything unexpected; details go to the log, never to the client. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /**
   * A document that is not trusted breaks one of the operation limits (depth,
   * aliases, root fields, directives, fragment spreads, tokens, estimated
   * cost), HTTP 400; `extensions.rule` names it, `limit` and `value` say by how much.
   */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /**
   * A request within its limits still asked for more than one request may
   * take while it ran (distinct downstream keys, response bytes);
   * `extensions.rule`, `limit` and `value` as above.
   */
  RESOURCE_LIMIT_EXCEEDED: 'RESOURCE_LIMIT_EXCEEDED',
  /** A `documentId` names no document of this frontend's trusted manifests, HTTP 400. */
  PERSISTED_DOCUMENT_NOT_FOUND: 'PERSISTED_DOCUMENT_NOT_FOUND',
  /** The gateway runs only trusted documents (TRUSTED_DOCUMENTS=enforce) and this one is not among them, HTTP 400. */
  DOCUMENT_NOT_TRUSTED: 'DOCUMENT_NOT_TRUSTED',
  /** A subscription needs a signed-in user (`myOrderPlaced`) and its WebSocket connection has none. */
  SIGN_IN_REQUIRED: 'SIGN_IN_REQUIRED',
  /**
   * The live feed a subscription needs (Redis pub/sub) is down, or was lost while the subscription
   * ran, so events may have been missed: query the current state, then subscribe again.
   */
  LIVE_FEED_UNAVAILABLE: 'LIVE_FEED_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why a downstream call failed, from the gateway's point of view. The last
 * three were the gateway's decision, not the service's failure: its bulkhead
 * was full, the request's deadline had passed, or nobody waited any more.
 */
export type DownstreamFailure = 'status' | 'timeout' | 'unreachable' | 'payload' | 'circuit' | 'bulkhead' | 'deadline' | 'aborted';

const FAILURE_CODES: Record<DownstreamFailure, ErrorCode> = {
  status: ErrorCode.DOWNSTREAM_ERROR,
  timeout: ErrorCode.DOWNSTREAM_TIMEOUT,
  unreachable: ErrorCode.DOWNSTREAM_TIMEOUT,
  deadline: ErrorCode.DOWNSTREAM_TIMEOUT,
  aborted: ErrorCode.DOWNSTREAM_TIMEOUT,
  payload: ErrorCode.DOWNSTREAM_BAD_PAYLOAD,
  circuit: ErrorCode.DOWNSTREAM_UNAVAILABLE,
  bulkhead: ErrorCode.DOWNSTREAM_UNAVAILABLE,
};

/**
 * A failed downstream call. Thrown by the clients, it surfaces in GraphQL as an
 * error on the field that needed the data, with the rest of the response intact.
 */
export class DownstreamError extends GraphQLError {
  readonly service: ServiceName;
  readonly failure: DownstreamFailure;
  readonly status: number | undefined;

  constructor(service: ServiceName, failure: DownstreamFailure, detail: string, status?: number) {
    const code = FAILURE_CODES[failure];
    super(`The ${service} service ${detail}.`, {
      extensions: { code, service },
    });
    this.service = service;
    this.failure = failure;
    this.status = status;
  }
}

/** A service answered a status its route does not allow for (5xx, 429, or a 4xx the caller cannot turn into data). */
export function unexpectedStatus(service: ServiceName, route: string, status: number): DownstreamError {
  return new DownstreamError(service, 'status', `answered ${route} with HTTP ${status}`, status);
}

/** A value the client sent breaks a rule of the schema. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: argument
      ? { code: ErrorCode.BAD_USER_INPUT, argument }
      : { code: ErrorCode.BAD_USER_INPUT },
  });
}

/** The bearer token was rejected; the HTTP status is 401 so clients can refresh. */
export function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(`The bearer token was rejected: ${reason}.`, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

/** The rules a limit error can name (OPERATION_LIMIT_EXCEEDED, RESOURCE_LIMIT_EXCEEDED). */
export type LimitRule =
  | 'depth'
  | 'aliases'
  | 'rootFields'
  | 'directives'
  | 'fragmentSpreads'
  | 'tokens'
  | 'cost'
  | 'downstreamKeys'
  | 'responseBytes'
  | 'subscriptionsPerConnection'
  | 'subscriptionsPerInstance';

/**
 * A document breaks an operation limit (refused before it runs, HTTP 400):
 * the message states the rule, the limit and the value received, and so do
 * the extensions, for clients and dashboards.
 */
export function operationLimitExceeded(rule: LimitRule, limit: number, value: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED, rule, limit, value, http: { status: 400 } },
  });
}

/** A running request passed a resource limit: the fields that needed more fail with this, the rest is answered. */
export function resourceLimitExceeded(rule: LimitRule, limit: number, value: number, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.RESOURCE_LIMIT_EXCEEDED, rule, limit, value } });
}

/** A subscription that needs a signed-in user, on a connection without one. */
export function signInRequired(field: string): GraphQLError {
  return new GraphQLError(
    `\`${field}\` needs a signed-in user: send \`{ "authorization": "Bearer <JWT>" }\` as the connection_init payload.`,
    { extensions: { code: ErrorCode.SIGN_IN_REQUIRED } },
  );
}

/** The live feed is down or was lost: the subscription cannot (or can no longer) promise every event. */
export function liveFeedUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.LIVE_FEED_UNAVAILABLE } });
}

/** Shows a client-sent value in a message without letting it flood the message. */
export function quote(value: unknown): string {
  const clip = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);
  if (typeof value === 'string') return JSON.stringify(clip(value));
  return clip(JSON.stringify(value) ?? String(value));
}

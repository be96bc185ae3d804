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
   * The gateway is past its bounds (requests in flight, event-loop delay) and refused the request
   * before reading it (HTTP 503, `Retry-After`): nothing ran, so any request may be retried as is.
   */
  OVERLOADED: 'OVERLOADED',
  /** Anything unexpected; details go to the log, never to the client. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why a downstream call failed, from the gateway's point of view. */
export type DownstreamFailure = 'status' | 'timeout' | 'unreachable' | 'payload' | 'circuit';

/**
 * A failed downstream call. Thrown by the clients, it surfaces in GraphQL as an
 * error on the field that needed the data, with the rest of the response intact.
 */
export class DownstreamError extends GraphQLError {
  readonly service: ServiceName;
  readonly failure: DownstreamFailure;
  readonly status: number | undefined;

  constructor(service: ServiceName, failure: DownstreamFailure, detail: string, status?: number) {
    const code =
      failure === 'timeout' || failure === 'unreachable'
        ? ErrorCode.DOWNSTREAM_TIMEOUT
        : failure === 'payload'
          ? ErrorCode.DOWNSTREAM_BAD_PAYLOAD
          : failure === 'circuit'
            ? ErrorCode.DOWNSTREAM_UNAVAILABLE
            : ErrorCode.DOWNSTREAM_ERROR;
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

/** Shows a client-sent value in a message without letting it flood the message. */
export function quote(value: unknown): string {
  const clip = (text: string) => (text.length > 64 ? `${text.slice(0, 64)}…` : text);
  if (typeof value === 'string') return JSON.stringify(clip(value));
  return clip(JSON.stringify(value) ?? String(value));
}

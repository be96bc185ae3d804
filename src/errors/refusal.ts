/**
 * A request answered before a GraphQL pipeline runs: its HTTP status, a
 * stable code of the catalogue (catalogue.ts, or Apollo's own), a message
 * stating the rule, and what else the client should know. Every step of the
 * HTTP endpoint that can refuse a request (load shedding, the method, the
 * body, the document's admission) says so with one of these, and the
 * endpoint writes it one way.
 */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** More of `extensions` besides `code` (a limit's rule, limit and value). */
  extensions?: Record<string, unknown>;
  /** Close the connection once the answer is out (the client may still be sending). */
  close?: boolean;
}

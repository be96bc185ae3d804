/**
 * How a rate-limit decision reaches the client: the header fields of
 * draft-ietf-httpapi-ratelimit-headers-09 (March 2025) in their structured
 * form, one quoted policy per budget consulted,
 *
 *   RateLimit-Policy: "requests";q=100;w=60, "cost";q=5000;w=60
 *   RateLimit: "requests";r=0;t=12, "cost";r=4960;t=1
 *
 * (`r`: units left; `t`: seconds until the budget is whole again, or, for the
 * budget that refused the request, until it would fit: the same moment as
 * Retry-After, as the draft asks), and, over budget, HTTP 429 with
 * Retry-After and a RATE_LIMITED error whose message states the rule, the
 * limit and the value.
 *
 * Why on successful responses too: a client that reads them can slow down
 * before it is refused, and they cost a few bytes (only when a budget is on).
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors/catalogue';
import type { Budget, BudgetVerdict, Decision } from '../rateLimit/gcra';

/** The RateLimit-Policy and RateLimit fields, plus Retry-After when the request is refused. */
export function rateLimitHeaders(decision: Decision): [string, string][] {
  const policy = decision.verdicts.map(({ budget }) => policyOf(budget));
  const state = decision.verdicts.map((v) => {
    const t = !decision.allowed && !v.fits && v.retryAfterSeconds !== null ? v.retryAfterSeconds : v.resetSeconds;
    return `"${v.budget.name}";r=${v.remaining};t=${t}`;
  });
  const headers: [string, string][] = [
    ['ratelimit-policy', policy.join(', ')],
    ['ratelimit', state.join(', ')],
  ];
  const binding = bindingVerdict(decision);
  if (binding?.retryAfterSeconds != null) headers.push(['retry-after', String(binding.retryAfterSeconds)]);
  return headers;
}

/** The 429 a refused request gets: the budget that refused it, its limit, the value it would reach, when to retry. */
export function rateLimited(decision: Decision): GraphQLError {
  const binding = bindingVerdict(decision) as BudgetVerdict;
  const { budget, quantity, used, retryAfterSeconds } = binding;
  const per = budget.periodMs === 60_000 ? 'per minute' : `per ${budget.periodMs / 1000} s`;
  const rule =
    retryAfterSeconds === null
      ? `This operation's estimated cost is ${quantity}, more than the ${budget.limit} a client may spend ${per}: it can never run.`
      : budget.name === 'requests'
        ? `This client may send ${budget.limit} requests ${per}; it has sent ${used}.`
        : budget.name === 'cost'
          ? `This client may spend an estimated cost of ${budget.limit} ${per}; this operation (cost ${quantity}) would bring it to ${used}.`
          : `This client may register ${budget.limit} persisted queries ${per}; it has registered ${used}.`;
  return new GraphQLError(retryAfterSeconds === null ? rule : `${rule} Retry in ${retryAfterSeconds} s.`, {
    extensions: {
      code: ErrorCode.RATE_LIMITED,
      budget: budget.name,
      limit: budget.limit,
      value: used,
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap(rateLimitHeaders(decision)) },
    },
  });
}

/** A registration whose query text is over APQ_MAX_BYTES: refused, nothing stored. */
export function persistedQueryTooLarge(bytes: number, maxBytes: number): GraphQLError {
  return new GraphQLError(
    `A persisted query may be registered with at most ${maxBytes} bytes of query text; this one has ${bytes}. Send it without extensions.persistedQuery.`,
    { extensions: { code: ErrorCode.BAD_REQUEST, limit: maxBytes, value: bytes, http: { status: 400 } } },
  );
}

/** The budget a refused request waits for longest (one it can never fit first); null when it was admitted. */
function bindingVerdict(decision: Decision): BudgetVerdict | null {
  if (decision.allowed) return null;
  const refusing = decision.verdicts.filter((v) => !v.fits);
  return refusing.find((v) => v.retryAfterSeconds === null) ?? refusing.sort((a, b) => (b.retryAfterSeconds ?? 0) - (a.retryAfterSeconds ?? 0))[0] ?? null;
}

/** A budget's `RateLimit-Policy` item: the same text for every response, made once per budget. */
const policies = new WeakMap<Budget, string>();
function policyOf(budget: Budget): string {
  let policy = policies.get(budget);
  if (policy === undefined) policies.set(budget, (policy = `"${budget.name}";q=${budget.limit};w=${Math.ceil(budget.periodMs / 1000)}`));
  return policy;
}

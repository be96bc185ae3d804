/**
 * The operation limits as one check, for every transport that runs
 * documents: Apollo's plugin (plugins/operationLimitsPlugin.ts) for HTTP, and
 * the subscriptions' admission over WebSocket (src/subscriptions/), so a
 * document is bounded the same way whichever way it comes.
 *
 * A trusted document was measured when the gateway started and is within
 * bounds; any other is measured here (operationShape.ts) and costed
 * (operationCost.ts). Every operation gets its cost, which the budgets
 * charge. Errors name the rule, the limit and the value received.
 */
import { Lexer, Source, TokenKind, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { OperationLimits } from '../config';
import { operationLimitExceeded, type LimitRule } from '../errors/catalogue';
import { rememberedOperationCost } from './operationCost';
import { operationShape, type OperationShape } from './operationShape';

export type LimitCheck = { ok: true; cost: number } | { ok: false; error: GraphQLError; rule: LimitRule };

const RULES: readonly [LimitRule, keyof OperationShape, keyof OperationLimits, string][] = [
  ['depth', 'depth', 'maxDepth', 'Fields may nest at most {limit} levels deep; this operation nests {value}.'],
  ['aliases', 'aliases', 'maxAliases', 'An operation may use at most {limit} aliases; this one uses {value}.'],
  ['rootFields', 'rootFields', 'maxRootFields', 'An operation may select at most {limit} root fields; this one selects {value}.'],
  ['directives', 'directives', 'maxDirectives', 'A document may use at most {limit} directives; this one uses {value}.'],
  ['fragmentSpreads', 'fragmentSpreads', 'maxFragmentSpreads', 'An operation may spread fragments at most {limit} times; this one spreads them {value} times.'],
];

/** Checks a resolved operation of a valid document against the limits (a trusted one only for its cost). */
export function checkOperationLimits(
  limits: OperationLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  trusted: boolean,
): LimitCheck {
  if (!trusted) {
    const shape = operationShape(document, operation);
    for (const [rule, measure, bound, message] of RULES) {
      const limit = limits[bound];
      const value = shape[measure];
      if (limit > 0 && value > limit) return { ok: false, rule, error: operationLimitExceeded(rule, limit, value, fill(message, limit, value)) };
    }
  }
  const cost = rememberedOperationCost(schema, document, operation, variables);
  if (!trusted && limits.maxCost > 0 && cost > limits.maxCost) {
    const message = 'An operation may cost at most {limit} (estimated from @cost weights and @listSize sizes); this one costs {value}.';
    return { ok: false, rule: 'cost', error: operationLimitExceeded('cost', limits.maxCost, cost, fill(message, limits.maxCost, cost)) };
  }
  return { ok: true, cost };
}

/** The token limit's refusal of a document text, before it is parsed; null when within it (or 0: no bound). */
export function tokenLimitExceeded(text: string, maxTokens: number): GraphQLError | null {
  // Fewer characters than the limit cannot hold more tokens: most documents are never lexed here.
  if (maxTokens <= 0 || text.length <= maxTokens) return null;
  const tokens = tokenCount(text, maxTokens);
  if (tokens <= maxTokens) return null;
  return operationLimitExceeded('tokens', maxTokens, tokens, `A document may have at most ${maxTokens} tokens; this one has more than ${maxTokens}.`);
}

/** A rule as the rejections metric names it (snake case). */
export function rejectionOf(rule: LimitRule): string {
  return rule.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Tokens of `text` (comments aside), counted up to one past `max`; a lexing error stops the count (the parser reports it). */
function tokenCount(text: string, max: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) if (++count > max) break;
  } catch {
    // a syntax error: the parser says where
  }
  return count;
}

function fill(message: string, limit: number, value: number): string {
  return message.replace('{limit}', String(limit)).replace('{value}', String(value));
}

/**
 * Takes "Did you mean …?" out of validation errors: such hints name fields,
 * types and arguments the client did not ask about, which lets anyone map a
 * schema whose introspection is off. On in production.
 *
 * graphql-armor's block-field-suggestions plugin does the masking; it is an
 * envelop plugin, so this adapts its validation hook to Apollo's: Apollo
 * builds its error response from the same error objects after
 * `validationDidStart`'s end hook, which is where armor rewrites them.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import type { GraphQLError } from 'graphql';
import { listening } from './listener';

export interface FieldSuggestionsPluginOptions {
  /** What replaces a suggestion. Default graphql-armor's `[Suggestion hidden]`. */
  mask?: string;
}

type ValidateEnd = (payload: { valid: boolean; result: readonly GraphQLError[]; setResult: (errors: GraphQLError[]) => void }) => void;

export function fieldSuggestionsPlugin(options: FieldSuggestionsPluginOptions = {}): ApolloServerPlugin {
  const hide = fieldSuggestionsHider(options);
  return {
    requestDidStart: () =>
      listening<BaseContext>({
        validationDidStart: () => async (errors) => {
          if (errors?.length) hide(errors as readonly GraphQLError[]);
        },
      }),
  };
}

/** Rewrites validation errors in place, suggestions masked (also used for subscriptions, which Apollo does not run). */
export function fieldSuggestionsHider(options: FieldSuggestionsPluginOptions = {}): (errors: readonly GraphQLError[]) => void {
  const armor = blockFieldSuggestionsPlugin(options.mask ? { mask: options.mask } : {}) as unknown as {
    onValidate: (payload: unknown) => ValidateEnd;
  };
  return (errors) => armor.onValidate({})({ valid: false, result: errors, setResult: () => undefined });
}

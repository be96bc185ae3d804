/**
 * Names the request's operation in its record, as soon as Apollo has
 * resolved it: the log line, and the metrics after it, say which operation
 * each request ran (null when none resolved: a parse or validation failure).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { OperationContext } from '../../context/requestContext';
import { listening } from './listener';

export function operationRecordPlugin(): ApolloServerPlugin<OperationContext> {
  return {
    requestDidStart: () =>
      listening<OperationContext>({
        didResolveOperation({ contextValue, operationName }) {
          contextValue.record.operationName = operationName ?? null;
        },
      }),
  };
}

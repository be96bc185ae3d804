/**
 * Runs an admitted GraphQL request: in the fast lane when it names a trusted
 * document the lane takes (graphql/fastLane/), else through Apollo Server's
 * HTTP integration, which implements GraphQL over HTTP for everything else.
 * Both build the request's context with the same factory, run the same
 * plugins and executor, and answer the same bytes.
 */
import type { ApolloServer, HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage } from 'node:http';
import type { OperationContext } from '../context/requestContext';
import type { FastLane } from '../graphql/fastLane';
import { headerMapOf } from '../graphql/httpHeaders';
import type { TrustedText } from '../graphql/trustedDocuments';
import type { HttpParams } from './graphqlParams';

export interface GraphQLRequest {
  req: IncomingMessage;
  method: string;
  params: HttpParams;
  /** The trusted document the admission found, if any. */
  trusted: TrustedText | undefined;
  /** Builds the request's context; called once by whichever path runs it. */
  context: () => Promise<OperationContext>;
}

export function runGraphQLRequest(apollo: ApolloServer<OperationContext>, fastLane: FastLane | null, request: GraphQLRequest): Promise<HTTPGraphQLResponse> {
  const { req, method, params } = request;
  const viaApollo = () =>
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers: headerMapOf(req.headers), search: params.search, body: params.body },
      context: request.context,
    });
  if (!fastLane || !request.trusted) return viaApollo();
  const fast = fastLane.run({ method, headers: req.headers, search: params.search, body: params.body, trusted: request.trusted, context: request.context, viaApollo });
  return fast ?? viaApollo();
}
